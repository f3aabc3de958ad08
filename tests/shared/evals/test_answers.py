"""Key-fact coverage, citation validity and abstention, with the arithmetic spelled out."""

from __future__ import annotations

import pytest

from shared.evals.answers import (
    citation_validity,
    key_fact_coverage,
    missing_key_facts,
    score_abstention,
)

ANSWER = "You can get a refund within 30 days — go to Settings › Billing. Plans start at $1,000."


def test_key_fact_coverage_normalises_before_matching() -> None:
    facts = ["30 days", "settings billing", "1000", "store credit"]
    # 3 of 4 found ("store credit" missing) -> 0.75
    assert key_fact_coverage(ANSWER, facts) == 0.75
    assert missing_key_facts(ANSWER, facts) == ["store credit"]


def test_key_fact_coverage_counts_duplicate_facts_once() -> None:
    # distinct facts: {"30 days", "90 days"} -> 1 of 2
    assert key_fact_coverage(ANSWER, ["30 days", "30 Days", "90 days"]) == 0.5
    assert key_fact_coverage(ANSWER, ["30 days", "30 days"]) == 1.0
    assert missing_key_facts(ANSWER, ["90 days", "30 days", "90 DAYS", "5%"]) == ["90 days", "5%"]


def test_key_fact_coverage_edges() -> None:
    assert key_fact_coverage(ANSWER, []) == 0.0  # nothing to cover: zero-division rule
    assert key_fact_coverage("", ["30 days"]) == 0.0
    assert key_fact_coverage(ANSWER, ["3"]) == 0.0  # "3" is not a token of "30"


def test_citation_validity() -> None:
    retrieved = {"c1", "c2", "c3"}
    # distinct cited: c1, c2, c9 -> 2 of 3 valid
    assert citation_validity(["c1", "c2", "c9", "c1"], retrieved) == pytest.approx(2 / 3)
    assert citation_validity(["c1"], retrieved) == 1.0
    assert citation_validity([], retrieved) == 0.0  # nothing cited: no credit
    assert citation_validity(["c1"], set()) == 0.0


def test_score_abstention_hand_computed() -> None:
    abstained = [True, True, False, False, True]
    unanswerable = [True, False, True, False, True]
    scores = score_abstention(abstained, unanswerable)
    # TP = cases 1 and 5 = 2; abstained 3; unanswerable 3
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 / 3)
    # matches: case 1 (T,T), case 4 (F,F), case 5 (T,T) -> 3 / 5
    assert scores.accuracy == 0.6
    assert (scores.abstained, scores.unanswerable, scores.cases) == (3, 3, 5)


def test_score_abstention_never_abstaining() -> None:
    scores = score_abstention([False, False], [True, False])
    # precision 0/0 -> 0.0; recall 0/1 = 0.0; accuracy 1/2
    assert (scores.precision, scores.recall, scores.f1, scores.accuracy) == (0.0, 0.0, 0.0, 0.5)


def test_score_abstention_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="abstained has 1 items but unanswerable has 2"):
        score_abstention([True], [True, False])
