"""Dense, BM25 and hybrid retrieval over a knowledge base.

Hybrid is reciprocal rank fusion (Cormack et al., 2009): each chunk scores
sum(1 / (RRF_K + rank)) over the lists it appears in. RRF needs no score calibration
between cosine similarity and BM25, which live on unrelated scales. The paper's k=60 flattens
the ranks so much that a chunk ranked 2nd by one list alone loses to chunks ranked 10th by
both; k=5 lets one list's confident top hits through (an exact error code, a paraphrase only
the embedder sees). k and the list depth were chosen on the golden set's tune cases only;
DECISIONS.md has the sweep and the held-out numbers. The fused top 20 are then re-ordered by
their soft coverage of the question's IDF-weighted terms (`by_coverage`; the weight chosen on
the SQuAD tune articles, capped where a kit set would first lose recall).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from products.rag_search.core.knowledge_base import KnowledgeBase, index_text
from products.rag_search.core.lexical import LexicalIndex
from products.rag_search.core.models import SearchMode, SearchResponse, SearchResult
from products.rag_search.core.relevance import term_weights
from products.rag_search.core.soft_coverage import SoftMatcher
from shared.errors import BadInput
from shared.vectorstore import StoredChunk

RRF_K = 5
MIN_CANDIDATES = 20  # each list fused is at least this deep, so fusion can reorder
LEXICAL_CANDIDATES = 30  # the BM25 list goes deeper: cheap there, and it found the files
RERANK_DEPTH = 20  # the fused chunks re-ordered by their coverage of the question (by_coverage)
COVERAGE_WEIGHT = 0.15  # against RRF scores of ~0.17 (1st) to ~0.04 (20th); DECISIONS.md
MAX_K = 50


def search(kb: KnowledgeBase, query: str, *, mode: SearchMode = "hybrid", k: int = 5,
           where: Mapping[str, Any] | None = None) -> SearchResponse:
    """The `k` best chunks for `query` by `mode`, as the front doors print them."""
    query = query.strip()
    if not query:
        raise BadInput("The query is empty. Type a question or some keywords.")
    if not 1 <= k <= MAX_K:
        raise BadInput(f"k must be between 1 and {MAX_K}; got {k}.")
    ranked = RETRIEVERS[mode](kb, query, k, where)
    return SearchResponse(query=query, mode=mode, results=_results(ranked[:k]))


Ranked = list[tuple[StoredChunk, float]]


def retrieve_dense(kb: KnowledgeBase, query: str, k: int,
                   where: Mapping[str, Any] | None = None) -> Ranked:
    """Nearest chunks by the embedder's cosine similarity to the question as typed (a semantic
    embedder weighs the glue words itself; see DECISIONS.md for the measured choice)."""
    return [(hit, hit.score) for hit in kb.dense(query, k, where)]


def retrieve_bm25(kb: KnowledgeBase, query: str, k: int,
                  where: Mapping[str, Any] | None = None) -> Ranked:
    """Best chunks by BM25 over the persisted index (rebuilt first if the collection moved on)."""
    hits = lexical_ids(kb, query, k, where)
    chunks = {chunk.id: chunk for chunk in kb.chunks([chunk_id for chunk_id, _ in hits])}
    return [(chunks[chunk_id], score) for chunk_id, score in hits if chunk_id in chunks]


def lexical_ids(kb: KnowledgeBase, query: str, k: int,
                where: Mapping[str, Any] | None = None,
                index: LexicalIndex | None = None) -> list[tuple[str, float]]:
    """BM25's `k` best chunk ids and scores (within the filter), without reading the chunks.
    `index`: the BM25 index the caller already holds (one revision check per search)."""
    allowed = set(kb.vectors.ids_where(where)) if where else None
    index = index if index is not None else kb.lexical()
    return [(hit.chunk_id, hit.score) for hit in index.search(query, k, allowed)]


def retrieve_hybrid(kb: KnowledgeBase, query: str, k: int,
                    where: Mapping[str, Any] | None = None) -> Ranked:
    """The dense list `max(k, MIN_CANDIDATES)` deep and the BM25 list `max(k,
    LEXICAL_CANDIDATES)` deep, fused by RRF.

    Both lists are ids and scores only; one `get` then reads the text and metadata of the k
    chunks that survive fusion. Reading all candidates' text (in the dense query and a get
    for the BM25 hits) was most of a hybrid query's time, for chunks fusion throws away.
    """
    dense_depth, lexical_depth = max(k, MIN_CANDIDATES), max(k, LEXICAL_CANDIDATES)
    index = kb.lexical()
    fused = fuse_ids([kb.nearest(query, dense_depth, where),
                      lexical_ids(kb, query, lexical_depth, where, index)]
                     )[:max(k, RERANK_DEPTH)]
    chunks = {chunk.id: chunk for chunk in kb.chunks([chunk_id for chunk_id, _ in fused])}
    if len(chunks) < len(fused):  # a chunk deleted since the BM25 index was read: rank again
        ranked = fuse_rrf([retrieve_dense(kb, query, dense_depth, where),
                           retrieve_bm25(kb, query, lexical_depth, where)])[:len(fused)]
    else:
        ranked = [(chunks[chunk_id], score) for chunk_id, score in fused]
    return by_coverage(ranked, SoftMatcher(term_weights(query, index), query))[:k]


def by_coverage(ranked: Ranked, matcher: SoftMatcher) -> Ranked:
    """The fused list re-ordered by fused score + COVERAGE_WEIGHT x the chunk's soft coverage
    of the question's IDF-weighted terms (core.soft_coverage; title and headings included, as
    indexed). RRF knows only ranks: a chunk 3rd in both lists can hold every rare term of the
    question while the 1st holds one; the coverage says which. Ties keep the fused order."""
    covered = matcher.coverages([index_text(chunk.text, chunk.metadata) for chunk, _ in ranked])
    rescored = [(chunk, score + COVERAGE_WEIGHT * share)
                for (chunk, score), share in zip(ranked, covered, strict=True)]
    return sorted(rescored, key=lambda pair: -pair[1])


def fuse_rrf(lists: Sequence[Ranked], rrf_k: int = RRF_K) -> Ranked:
    """Reciprocal rank fusion of ranked chunks; see `fuse_ids`."""
    chunks: dict[str, StoredChunk] = {}
    for ranked in lists:
        for chunk, _ in ranked:
            chunks.setdefault(chunk.id, chunk)
    fused = fuse_ids([[(chunk.id, score) for chunk, score in ranked] for ranked in lists], rrf_k)
    return [(chunks[chunk_id], score) for chunk_id, score in fused]


def fuse_ids(lists: Sequence[Sequence[tuple[str, float]]],
             rrf_k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of ranked ids; ties keep the order in which ids were first seen."""
    scores: dict[str, float] = {}
    for ranked in lists:
        for rank, (chunk_id, _) in enumerate(ranked, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (rrf_k + rank)
    order = sorted(scores, key=lambda chunk_id: -scores[chunk_id])
    return [(chunk_id, scores[chunk_id]) for chunk_id in order]


RETRIEVERS = {"hybrid": retrieve_hybrid, "dense": retrieve_dense, "bm25": retrieve_bm25}


def _results(ranked: Ranked) -> list[SearchResult]:
    return [_to_result(rank, chunk, score) for rank, (chunk, score) in enumerate(ranked, start=1)]


def _to_result(rank: int, chunk: StoredChunk, score: float) -> SearchResult:
    meta = chunk.metadata
    page = meta.get("page")
    return SearchResult(
        rank=rank, source=str(meta.get("source", "")), title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")), page=page if isinstance(page, int) else None,
        chunk_id=chunk.id, score=round(float(score), 6), text=chunk.text,
    )


def parse_where(pairs: Sequence[str]) -> dict[str, Any]:
    """`["source=billing/refunds.md", "page=2"]` -> a metadata filter (digits become ints)."""
    where: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--where needs key=value (e.g. source=billing/refunds.md); "
                           f"got '{pair}'.")
        where[key.strip()] = int(value) if value.strip().lstrip("-").isdigit() else value.strip()
    return where


__all__ = [
    "MAX_K",
    "RETRIEVERS",
    "RRF_K",
    "fuse_ids",
    "fuse_rrf",
    "lexical_ids",
    "parse_where",
    "retrieve_bm25",
    "retrieve_dense",
    "retrieve_hybrid",
    "search",
]
