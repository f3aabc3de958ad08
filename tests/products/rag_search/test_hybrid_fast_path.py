"""The fast hybrid path (ids first, one `get` for the k survivors) ranks exactly as the full one.

`retrieve_hybrid` no longer reads every candidate's text: it fuses dense and BM25 ids and then
reads only the chunks fusion keeps. The reference here is the path it replaced, built from the
public pieces that still read everything: `fuse_rrf` over `retrieve_dense` and `retrieve_bm25`.
Every golden question, on the sample corpus with the default embedder, must give the same ids,
scores, texts and metadata, in the same order, at several k, with and without a filter.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from products.rag_search.core import KnowledgeBase, search
from products.rag_search.core.ingest import ingest_paths
from products.rag_search.core.relevance import term_weights
from products.rag_search.core.retrieval import (
    LEXICAL_CANDIDATES,
    MIN_CANDIDATES,
    RERANK_DEPTH,
    RRF_K,
    by_coverage,
    fuse_ids,
    fuse_rrf,
    retrieve_bm25,
    retrieve_dense,
    retrieve_hybrid,
)
from products.rag_search.core.soft_coverage import SoftMatcher
from shared.config import load_settings

PRODUCT_DIR = Path(__file__).resolve().parents[3] / "products" / "rag_search"
GOLDEN = PRODUCT_DIR / "evals" / "golden.jsonl"


def golden_questions() -> list[str]:
    rows = [json.loads(line) for line in GOLDEN.read_text().splitlines() if line.strip()]
    return [row["question"] for row in rows if "question" in row]


def sample_kb(root: Path) -> KnowledgeBase:
    """The sample corpus ingested under `root` with the kit's default embedder (settings pinned)."""
    settings = load_settings(data_dir=root / "data", chroma_host=None, provider="none")
    ingest_paths(settings, [PRODUCT_DIR / "data"], collection="sample")
    return KnowledgeBase(settings, "sample")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The sample corpus, ingested once for this module."""
    return sample_kb(tmp_path_factory.mktemp("fast_hybrid"))


def full_path(kb: KnowledgeBase, question: str, k: int, where: dict | None = None) -> list:
    fused = fuse_rrf([retrieve_dense(kb, question, max(k, MIN_CANDIDATES), where),
                      retrieve_bm25(kb, question, max(k, LEXICAL_CANDIDATES), where)])
    matcher = SoftMatcher(term_weights(question, kb.lexical()), question)
    ranked = by_coverage(fused[:max(k, RERANK_DEPTH)], matcher)[:k]
    return [(chunk.id, score, chunk.text, chunk.metadata) for chunk, score in ranked]


def fast_path(kb: KnowledgeBase, question: str, k: int, where: dict | None = None) -> list:
    return [(chunk.id, score, chunk.text, chunk.metadata)
            for chunk, score in retrieve_hybrid(kb, question, k, where)]


def test_the_golden_set_is_big_enough_to_mean_something() -> None:
    assert len(golden_questions()) >= 120


@pytest.mark.parametrize("k", [1, 5, 10, 25])
def test_fast_hybrid_ranks_every_golden_question_as_the_full_path(kb: KnowledgeBase,
                                                                   k: int) -> None:
    for question in golden_questions():
        assert fast_path(kb, question, k) == full_path(kb, question, k), question


def test_fast_hybrid_matches_the_full_path_within_a_filter(kb: KnowledgeBase) -> None:
    source = search(kb, "refund annual plan", mode="bm25", k=1).results[0].source
    where = {"source": source}
    for question in golden_questions()[:30]:
        fast = fast_path(kb, question, 5, where)
        assert fast == full_path(kb, question, 5, where), question
        assert all(meta["source"] == source for _, _, _, meta in fast)


def test_chunks_only_bm25_found_are_read_with_their_text(kb: KnowledgeBase) -> None:
    """A chunk fusion keeps from the BM25 list alone comes from the one `get`, text and all."""
    bm25_only = 0
    for question in golden_questions():
        dense_ids = {chunk_id for chunk_id, _ in kb.nearest(question, MIN_CANDIDATES)}
        for chunk, _ in retrieve_hybrid(kb, question, 5):
            if chunk.id not in dense_ids:
                bm25_only += 1
                assert chunk.text and chunk.text == kb.chunks([chunk.id])[0].text
    assert bm25_only > 0


def test_fuse_ids_scores_by_reciprocal_rank_and_keeps_first_seen_order_on_ties() -> None:
    fused = fuse_ids([[("a", 0.9), ("b", 0.8)], [("b", 7.0), ("a", 3.0)]], rrf_k=60)
    assert [chunk_id for chunk_id, _ in fused] == ["a", "b"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert fuse_ids([[], [("z", 1.0)]]) == [("z", pytest.approx(1 / (RRF_K + 1)))]
