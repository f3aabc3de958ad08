"""Ranking metrics against hand-computed values, plus the documented edge cases."""

from __future__ import annotations

import math

import pytest

from shared.evals.retrieval import (
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    score_retrieval,
)

RANKED = ["d1", "a", "d2", "b", "d3"]
RELEVANT = {"a", "b", "c"}


def test_recall_at_k() -> None:
    assert recall_at_k(RANKED, RELEVANT, 1) == 0.0  # top-1 = d1
    assert recall_at_k(RANKED, RELEVANT, 2) == pytest.approx(1 / 3)  # {a}
    assert recall_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)  # {a, b}
    assert recall_at_k(RANKED, RELEVANT, 50) == pytest.approx(2 / 3)  # k > len: same list


def test_precision_at_k_keeps_k_as_denominator() -> None:
    assert precision_at_k(RANKED, RELEVANT, 4) == 0.5  # a, b of 4 slots
    assert precision_at_k(["a"], RELEVANT, 5) == 0.2  # 1 hit / k=5, not / 1 result


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(RANKED, RELEVANT) == 0.5  # first hit "a" at rank 2
    assert reciprocal_rank(RANKED, {"b"}) == 0.25  # rank 4
    assert reciprocal_rank(RANKED, {"b"}, k=3) == 0.0  # cut before rank 4
    assert reciprocal_rank([], RELEVANT) == 0.0


def test_ndcg_binary_hand_computed() -> None:
    # DCG@5 = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
    # IDCG@5 (3 relevant at ranks 1..3) = 1 + 0.63093 + 0.5 = 2.13093
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 0.5)
    assert ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(expected)
    assert round(ndcg_at_k(RANKED, RELEVANT, 5), 4) == 0.4982


def test_ndcg_ideal_is_cut_at_k() -> None:
    # k=2: DCG = 0 + 1/log2(3) = 0.63093; IDCG = 1 + 1/log2(3) = 1.63093 -> 0.38685
    assert round(ndcg_at_k(RANKED, RELEVANT, 2), 5) == 0.38685
    assert ndcg_at_k(["a", "b", "c"], RELEVANT, 3) == pytest.approx(1.0)


def test_ndcg_graded_gains() -> None:
    # gains a=3, b=1; ranked [b, a]: DCG = 1 + 3/log2(3); IDCG = 3 + 1/log2(3)
    gains = {"a": 3.0, "b": 1.0}
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg_at_k(["b", "a"], {"a", "b"}, 2, gains=gains) == pytest.approx(expected)


def test_duplicates_keep_their_slot_but_earn_nothing() -> None:
    ranked = ["a", "a", "b"]
    assert recall_at_k(ranked, {"a", "b"}, 2) == 0.5  # slot 2 is a repeat: only "a" found
    assert precision_at_k(ranked, {"a", "b"}, 3) == pytest.approx(2 / 3)
    # DCG@3 = 1 + 0 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.63093
    assert ndcg_at_k(ranked, {"a", "b"}, 3) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))


def test_empty_relevant_set_scores_zero() -> None:
    assert recall_at_k(RANKED, set(), 5) == 0.0
    assert ndcg_at_k(RANKED, set(), 5) == 0.0
    assert reciprocal_rank(RANKED, set()) == 0.0


@pytest.mark.parametrize("k", [0, -1])
def test_k_must_be_positive(k: int) -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        recall_at_k(RANKED, RELEVANT, k)
    with pytest.raises(ValueError, match="k must be at least 1"):
        reciprocal_rank(RANKED, RELEVANT, k)


def test_score_retrieval_averages_and_skips_unanswerable() -> None:
    ranked_lists = [["a", "x"], ["x", "b"], ["x", "y"]]
    relevant_sets = [{"a"}, {"b", "c"}, set()]  # third query has no answer: skipped
    scores = score_retrieval(ranked_lists, relevant_sets, k=2)
    assert (scores.queries, scores.skipped_no_relevant) == (2, 1)
    assert scores.recall == pytest.approx((1.0 + 0.5) / 2)  # 0.75
    assert scores.mrr == pytest.approx((1.0 + 0.5) / 2)  # ranks 1 and 2
    # q1 nDCG = 1; q2 DCG = 1/log2(3) = 0.63093, IDCG = 1 + 0.63093 -> 0.38685
    assert scores.ndcg == pytest.approx((1.0 + 0.386853) / 2, abs=1e-6)  # 0.693426
    assert scores.as_row() == {"recall@2": 0.75, "mrr": 0.75, "ndcg@2": scores.ndcg,
                               "queries": 2}


def test_score_retrieval_edges() -> None:
    empty = score_retrieval([], [], k=3)
    assert (empty.queries, empty.recall, empty.mrr, empty.ndcg) == (0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="ranked_lists has 1 items but relevant_sets has 2"):
        score_retrieval([["a"]], [{"a"}, {"b"}], k=1)
