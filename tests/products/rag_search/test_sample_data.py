"""The help-centre sample corpus and its golden eval set stay loadable and consistent.

The RAG eval is only as trustworthy as its data: a key fact that is not in its source, or a
source path that was renamed, silently turns into a "wrong answer" in every report. These tests
catch that when the data is edited, before any retrieval or LLM code runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from products.rag_search.tools.build_sample_docs import build_all
from shared.documents import Document, iter_documents
from shared.errors import BadInput
from shared.evals import load_eval_set
from shared.evals.text import contains_phrase

REPO_ROOT = Path(__file__).resolve().parents[3]
PRODUCT_DIR = REPO_ROOT / "products" / "rag_search"
DATA_DIR = PRODUCT_DIR / "data"
GOLDEN_PATH = PRODUCT_DIR / "evals" / "golden.jsonl"
SOURCES_DIR = PRODUCT_DIR / "tools" / "sample_sources"
FORMATS = {".md", ".html", ".pdf", ".docx"}


class GoldenCase(BaseModel):
    """The case shape of golden.jsonl, kept local so this test does not depend on the product."""

    id: str
    question: str
    answerable: bool
    sources: list[str]
    key_facts: list[str]
    notes: str = ""


@pytest.fixture(scope="module")
def corpus() -> dict[str, Document | BadInput]:
    """Every corpus file, keyed by its POSIX path relative to data/, loaded or with its error."""
    return {path.relative_to(DATA_DIR).as_posix(): loaded
            for path, loaded in iter_documents(DATA_DIR)}


@pytest.fixture(scope="module")
def cases() -> list[GoldenCase]:
    return load_eval_set(GOLDEN_PATH, GoldenCase).cases


def test_corpus_has_at_least_30_documents(corpus: dict[str, Document | BadInput]) -> None:
    assert len(corpus) >= 30


def test_corpus_covers_every_format(corpus: dict[str, Document | BadInput]) -> None:
    assert {Path(name).suffix for name in corpus} >= FORMATS


def test_every_corpus_file_loads(corpus: dict[str, Document | BadInput]) -> None:
    errors = {name: str(loaded) for name, loaded in corpus.items()
              if not isinstance(loaded, Document)}
    assert errors == {}


def test_pdfs_keep_their_pages(corpus: dict[str, Document | BadInput]) -> None:
    pdfs = {name: doc for name, doc in corpus.items() if name.endswith(".pdf")}
    for name, doc in pdfs.items():
        assert isinstance(doc, Document)
        pages = [section.page for section in doc.sections]
        assert len(pages) >= 2 and pages == list(range(1, len(pages) + 1)), name


def test_structured_formats_keep_heading_paths(corpus: dict[str, Document | BadInput]) -> None:
    structured = {name: doc for name, doc in corpus.items()
                  if Path(name).suffix in FORMATS - {".pdf"}}
    for name, doc in structured.items():
        assert isinstance(doc, Document)
        nested = [s for s in doc.sections if len(s.heading_path) >= 2]
        assert nested, f"{name} has no section under a second-level heading"


def test_archived_documents_say_what_supersedes_them(
    corpus: dict[str, Document | BadInput],
) -> None:
    archived = {name: doc for name, doc in corpus.items() if name.startswith("archive/")}
    assert len(archived) >= 3
    for name, doc in archived.items():
        assert isinstance(doc, Document)
        opening = doc.text[:600]
        assert contains_phrase(opening, "archived") and contains_phrase(opening, "superseded"), name


def test_community_post_keeps_its_prompt_injection(
    corpus: dict[str, Document | BadInput],
) -> None:
    """The product's injection defence is tested against this text, so it must not vanish."""
    community = [doc for name, doc in corpus.items() if name.startswith("community/")]
    assert any(isinstance(doc, Document)
               and contains_phrase(doc.text, "Ignore all previous instructions")
               for doc in community)


def test_golden_set_has_enough_cases(cases: list[GoldenCase]) -> None:
    assert len(cases) >= 40
    assert sum(not case.answerable for case in cases) >= 8


def test_golden_header_names_the_set() -> None:
    golden = load_eval_set(GOLDEN_PATH, GoldenCase)
    assert golden.name == "rag_search_golden"
    assert "recall@5" in golden.measures


def test_golden_sources_exist(cases: list[GoldenCase]) -> None:
    missing = [(case.id, source) for case in cases for source in case.sources
               if not (DATA_DIR / source).is_file()]
    assert missing == []


def test_golden_key_facts_appear_in_their_sources(
    cases: list[GoldenCase], corpus: dict[str, Document | BadInput],
) -> None:
    texts = {name: doc.text for name, doc in corpus.items() if isinstance(doc, Document)}
    unfound = [(case.id, fact) for case in cases for fact in case.key_facts
               if not any(contains_phrase(texts.get(source, ""), fact)
                          for source in case.sources)]
    assert unfound == []


def test_answerable_cases_have_sources_and_facts(cases: list[GoldenCase]) -> None:
    incomplete = [case.id for case in cases
                  if case.answerable and not (case.sources and case.key_facts)]
    assert incomplete == []


def test_unanswerable_cases_have_no_sources_or_facts(cases: list[GoldenCase]) -> None:
    leaking = [case.id for case in cases
               if not case.answerable and (case.sources or case.key_facts)]
    assert leaking == []


def test_generated_files_match_their_sources(tmp_path: Path) -> None:
    """The committed PDFs and DOCX files are exactly what the generator makes from the sources.

    Fails when a source was edited without rerunning
    `.venv/bin/python -m products.rag_search.tools.build_sample_docs`.
    """
    written = build_all(SOURCES_DIR, tmp_path)
    assert {path.suffix for path in written} == {".pdf", ".docx"}
    stale = [path.relative_to(tmp_path).as_posix() for path in written
             if path.read_bytes() != (DATA_DIR / path.relative_to(tmp_path)).read_bytes()]
    assert stale == []
