"""The numpy reader of saved bm25s indexes scores exactly like bm25s itself."""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest

from products.rag_search.core.bm25_reader import SavedBM25, read_saved_bm25
from products.rag_search.core.lexical import LexicalIndex
from products.rag_search.core.text import terms

SAMPLE = Path(__file__).resolve().parents[3] / "products" / "rag_search" / "data"
QUERIES = ["How long do I have to ask for a refund on an annual plan?", "refund refund refund",
           "invoice seats billing", "SSO SAML Okta", "webhook retries signature", "export csv"]


def sample_chunks() -> list[tuple[str, str]]:
    """Every paragraph of the sample corpus's markdown files, as (id, text)."""
    paragraphs = [part for path in sorted(SAMPLE.rglob("*.md"))
                  for part in path.read_text(encoding="utf-8").split("\n\n") if part.strip()]
    return [(f"p{number}", text) for number, text in enumerate(paragraphs)]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    LexicalIndex.build(sample_chunks(), revision="rev-1").save(folder)
    return folder


def test_reader_scores_equal_bm25s_scores_on_the_sample_corpus(saved: Path) -> None:
    ours = read_saved_bm25(saved)
    theirs = bm25s.BM25.load(str(saved), show_progress=False, verbosity=0)
    assert isinstance(ours, SavedBM25) and ours.vocab_dict == theirs.vocab_dict
    assert len(sample_chunks()) > 100
    for query in QUERIES:
        query_terms = [term for term in terms(query) if term in ours.vocab_dict]
        assert query_terms, query
        expected = theirs.get_scores(query_terms)
        actual = ours.get_scores(query_terms)
        assert actual.dtype == expected.dtype and np.array_equal(actual, expected), query
    assert np.array_equal(ours.scores["indptr"], theirs.scores["indptr"])


def test_loaded_index_ranks_like_the_one_just_built(saved: Path) -> None:
    built = LexicalIndex.build(sample_chunks(), revision="rev-1")
    loaded = LexicalIndex.load(saved)
    assert loaded is not None and isinstance(loaded._retriever, SavedBM25)
    for query in QUERIES:
        assert loaded.search(query, k=10) == built.search(query, k=10)
        assert loaded.document_frequency(terms(query)[0]) == built.document_frequency(
            terms(query)[0])


def test_a_method_that_needs_bm25s_falls_back_to_it(tmp_path: Path) -> None:
    """BM25L saves a non-occurrence array the reader does not apply: bm25s loads it instead."""
    chunks = sample_chunks()[:40]
    retriever = bm25s.BM25(method="bm25l")
    retriever.index([terms(text) or [""] for _, text in chunks], show_progress=False)
    folder = tmp_path / "kb"
    LexicalIndex(retriever, [chunk_id for chunk_id, _ in chunks], "rev-1").save(folder)
    assert read_saved_bm25(folder) is None
    loaded = LexicalIndex.load(folder)
    assert loaded is not None and isinstance(loaded._retriever, bm25s.BM25)
    assert loaded.search("refund annual plan", k=5)


def test_damaged_parameters_load_as_none(saved: Path) -> None:
    (saved / "params.index.json").write_text("{not json")
    assert LexicalIndex.load(saved) is None
    (saved / "params.index.json").write_text(json.dumps({"method": "lucene"}))
    assert LexicalIndex.load(saved) is None  # no num_docs: a KeyError, not a crash
