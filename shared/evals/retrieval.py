"""Ranking metrics for retrieval: recall@k, precision@k, reciprocal rank, nDCG@k.

Inputs are plain lists of ids (chunk ids, document ids). Edge cases, decided once:
- duplicates in a ranked list: a repeat keeps its slot but earns nothing, because the
  user saw a wasted slot, not a second relevant result;
- k larger than the list: the list is scored as it is (missing slots earn nothing);
- an empty relevant set: the per-query functions return 0.0, and `score_retrieval` skips
  such queries (they are the unanswerable ones, which `score_abstention` measures) and
  reports how many it skipped.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from pydantic import BaseModel

from shared.evals._common import mean, require_same_length, safe_ratio


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")


def _first_hits(ranked: Sequence[str], k: int) -> list[str | None]:
    """The top-k slots, with each repeat replaced by None so it earns nothing."""
    seen: set[str] = set()
    slots: list[str | None] = []
    for item in ranked[:k]:
        slots.append(None if item in seen else item)
        seen.add(item)
    return slots


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """|relevant ∩ top-k| / |relevant|; 0.0 when nothing is relevant."""
    _check_k(k)
    found = {item for item in _first_hits(ranked, k) if item in relevant}
    return safe_ratio(len(found), len(set(relevant)))


def precision_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """|relevant ∩ top-k| / k; the denominator stays k even when fewer results came back."""
    _check_k(k)
    found = {item for item in _first_hits(ranked, k) if item in relevant}
    return len(found) / k


def reciprocal_rank(
    ranked: Sequence[str], relevant: Collection[str], k: int | None = None
) -> float:
    """1 / (1-based rank of the first relevant id within the top k); 0.0 when none is found."""
    if k is not None:
        _check_k(k)
    limit = len(ranked) if k is None else k
    for rank, item in enumerate(ranked[:limit], start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(
    ranked: Sequence[str],
    relevant: Collection[str],
    k: int,
    gains: Mapping[str, float] | None = None,
) -> float:
    """DCG@k / IDCG@k with DCG = Σ_{i=1..k} gain(item_i) / log2(i + 1).

    Gain is 1 for a relevant id (binary relevance) unless `gains` grades them (e.g.
    {"a": 3, "b": 1}). IDCG is the DCG of the best possible order of the relevant ids,
    cut at k. 0.0 when nothing is relevant.
    """
    _check_k(k)
    grade = {item: (gains or {}).get(item, 1.0) for item in relevant}
    dcg = sum(_discounted(grade.get(item, 0.0) if item else 0.0, rank)
              for rank, item in enumerate(_first_hits(ranked, k), start=1))
    ideal = sorted(grade.values(), reverse=True)[:k]
    idcg = sum(_discounted(gain, rank) for rank, gain in enumerate(ideal, start=1))
    return safe_ratio(dcg, idcg)


def _discounted(gain: float, rank: int) -> float:
    return gain / math.log2(rank + 1)


class RetrievalScores(BaseModel):
    """Mean recall@k, MRR and nDCG@k over the queries that have relevant ids."""

    k: int
    queries: int
    skipped_no_relevant: int
    recall: float
    mrr: float
    ndcg: float

    def as_row(self) -> dict[str, float | int]:
        """One row of a metrics table, with k in the column names."""
        return {f"recall@{self.k}": self.recall, "mrr": self.mrr,
                f"ndcg@{self.k}": self.ndcg, "queries": self.queries}


def score_retrieval(
    ranked_lists: Sequence[Sequence[str]],
    relevant_sets: Sequence[Collection[str]],
    k: int,
) -> RetrievalScores:
    """Average the per-query metrics; MRR is cut at k too, so all three see the same slots."""
    require_same_length("ranked_lists", ranked_lists, "relevant_sets", relevant_sets)
    _check_k(k)
    pairs = [(ranked, relevant) for ranked, relevant in zip(ranked_lists, relevant_sets,
                                                             strict=True) if relevant]
    return RetrievalScores(
        k=k,
        queries=len(pairs),
        skipped_no_relevant=len(ranked_lists) - len(pairs),
        recall=mean([recall_at_k(ranked, relevant, k) for ranked, relevant in pairs]),
        mrr=mean([reciprocal_rank(ranked, relevant, k) for ranked, relevant in pairs]),
        ndcg=mean([ndcg_at_k(ranked, relevant, k) for ranked, relevant in pairs]),
    )
