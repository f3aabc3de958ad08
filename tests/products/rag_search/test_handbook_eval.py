"""The third eval corpus (evals/handbook/, a fictional company's employee handbook) is kept
untouched: these checks hold its labels to the pages without ever running the engine on it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from products.rag_search.core.evaluation import GoldenCase, load_golden

EVALS = Path(__file__).resolve().parents[3] / "products" / "rag_search" / "evals"
HANDBOOK_SET = EVALS / "handbook.jsonl"
HANDBOOK = EVALS / "handbook"


@pytest.fixture(scope="module")
def cases() -> list[GoldenCase]:
    return load_golden(HANDBOOK_SET)


def _source_text(source: str) -> str:
    return (HANDBOOK / source).read_text(encoding="utf-8").lower()


def test_the_set_loads_big_enough_and_all_heldout(cases: list[GoldenCase]) -> None:
    answerable = [case for case in cases if case.answerable]
    assert len(cases) >= 50 and len(cases) - len(answerable) >= 16 and len(answerable) >= 34
    assert {case.split for case in cases} == {"heldout"}  # nothing here is ever tuned on
    assert len({case.id for case in cases}) == len(cases)


def test_the_corpus_mixes_the_formats_the_kit_loads() -> None:
    pages = [path for path in HANDBOOK.rglob("*") if path.is_file()]
    formats = Counter(path.suffix for path in pages)
    assert 12 <= len(pages) <= 16 and set(formats) == {".md", ".html", ".txt"}
    assert formats[".html"] >= 3 and formats[".txt"] >= 2 and formats[".md"] > len(pages) / 2


def test_the_archived_page_says_so() -> None:
    archived = [path for path in HANDBOOK.rglob("*") if path.is_file()
                and "**archived.**" in path.read_text(encoding="utf-8").lower()]
    assert [path.relative_to(HANDBOOK).as_posix() for path in archived] == [
        "archive/remote-work-2023.md"]


def test_every_expected_source_exists(cases: list[GoldenCase]) -> None:
    missing = [(case.id, source) for case in cases for source in case.sources
               if not (HANDBOOK / source).is_file()]
    assert missing == []
    assert all(case.sources and case.key_facts for case in cases if case.answerable)


def test_every_key_fact_is_verbatim_in_an_expected_source(cases: list[GoldenCase]) -> None:
    absent = [(case.id, fact) for case in cases if case.answerable for fact in case.key_facts
              if not any(fact.lower() in _source_text(source) for source in case.sources)]
    assert absent == []


def test_unanswerable_cases_name_no_source_or_fact(cases: list[GoldenCase]) -> None:
    assert all(not case.sources and not case.key_facts for case in cases if not case.answerable)
