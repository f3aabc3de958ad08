"""The relevance gate: which retrieved chunks are good enough to answer from.

Hybrid search ranks; the gate decides. It scores the union of the hybrid and the BM25 top k
(a chunk BM25 alone ranks high, such as an exact error code, is never lost to fusion) with
`core.relevance`'s two signals (lowered a little when the question names something no
candidate mentions, `core.names`), and keeps the chunks at or above the calibrated threshold, best
first and at most k of them. Those accepted chunks, renumbered S1..Sn, are all an engine reads;
when none is accepted the answer is "I don't know" with the closest hybrid hits as pointers.

The threshold depends on who reads. The extractive engine cannot tell a passage that answers
from one that is merely on topic, so its threshold is the F1-best one. An LLM can (it says
NOT_IN_SOURCES), so it gets the lower `reader_threshold`: paraphrased questions, whose words
the pages do not use, reach it instead of abstaining at the gate. `baseline` keeps what the
extractive engine may read, for when an LLM reply cannot be used and the answer falls back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.models import SearchResult
from products.rag_search.core.names import unmatched_names
from products.rag_search.core.relevance import (
    NAME_FACTOR,
    Calibration,
    Signals,
    relevance,
    searchable,
    signals,
    term_weights,
)
from products.rag_search.core.retrieval import search


class GateDecision(BaseModel):
    """What the gate saw and what it let through."""

    hybrid: list[SearchResult]  # the hybrid top k, as search shows them
    candidates: list[SearchResult]  # hybrid top k, then BM25 top k not already there
    signals: list[Signals]  # one per candidate
    accepted: list[SearchResult]  # candidates at or above the threshold, best first, ranked 1..
    baseline: list[SearchResult] = []  # accepted at the extractive engine's threshold
    relevance: float  # the best candidate's gate score
    weights: dict[str, float]  # the question's term weights (the extractive engine reuses them)
    unmatched_names: list[str] = []  # names in the question that no candidate mentions


def decide(kb: KnowledgeBase, question: str, k: int, calibration: Calibration, *,
           where: Mapping[str, Any] | None = None, reader: str = "extractive") -> GateDecision:
    """Retrieve (within the filters), score every candidate, accept those at or above the
    threshold for the engine that will read (`reader`: "extractive" or "llm")."""
    hybrid = search(kb, question, mode="hybrid", k=k, where=where).results
    lexical_hits = search(kb, question, mode="bm25", k=k, where=where).results
    candidates = _union(hybrid, lexical_hits)
    weights = term_weights(question, kb.lexical())
    vectors = kb.stored_vectors([c.chunk_id for c in candidates]) if candidates else {}
    unmatched = unmatched_names(question, [searchable(c) for c in candidates])
    found = signals(weights, kb.query_vector(question), candidates, vectors,
                    name_factor=NAME_FACTOR if unmatched else 1.0)
    baseline = _accept(found, candidates, calibration.lexical_weight, calibration.threshold, k)
    threshold = calibration.threshold_for(reader)
    accepted = (baseline if threshold == calibration.threshold else
                _accept(found, candidates, calibration.lexical_weight, threshold, k))
    return GateDecision(hybrid=hybrid, candidates=candidates, signals=found,
                        accepted=accepted, baseline=baseline,
                        relevance=round(relevance(found, calibration.lexical_weight), 4),
                        weights=weights, unmatched_names=unmatched)


def _accept(found: list[Signals], candidates: list[SearchResult], lexical_weight: float,
            threshold: float, k: int) -> list[SearchResult]:
    """Candidates at or above the threshold, best first, at most k, ranked 1.."""
    scored = [(signal.score(lexical_weight), candidate)
              for signal, candidate in zip(found, candidates, strict=True)]
    kept = sorted((pair for pair in scored if pair[0] >= threshold),
                  key=lambda pair: -pair[0])[:k]
    return [candidate.model_copy(update={"rank": rank})
            for rank, (_, candidate) in enumerate(kept, start=1)]


def _union(first: list[SearchResult], second: list[SearchResult]) -> list[SearchResult]:
    seen = {result.chunk_id for result in first}
    return [*first, *(result for result in second if result.chunk_id not in seen)]


__all__ = ["GateDecision", "decide"]
