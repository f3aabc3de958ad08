"""The gate's signals (IDF-weighted term coverage, cosine), their mix, and the calibration file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from products.rag_search.core.models import SearchResult
from products.rag_search.core.relevance import (
    CALIBRATION_FILE,
    Calibration,
    coverage,
    load_calibration,
    relevance,
    signals,
    term_weights,
)
from products.rag_search.core.text import terms
from tests.products.rag_search.answer_helpers import help_centre, result


def test_term_weights_follow_rarity_in_the_corpus(tmp_path: Path) -> None:
    lexical = help_centre(tmp_path).lexical()
    weights = term_weights("refunds okta mercury okta", lexical)
    assert list(weights) == terms("refunds okta mercury")  # each distinct term once
    refund, okta, mercury = weights.values()
    assert mercury > okta > refund > 0  # never used > one chunk > both refund chunks


def test_a_missing_rare_term_costs_more_coverage_than_a_missing_common_one() -> None:
    weights = {"refund": 0.4, "annual": 2.5, "plan": 0.6}
    without_rare = coverage(weights, "Refunds for every plan")
    without_common = coverage(weights, "Annual plans")
    assert without_rare < without_common
    assert coverage(weights, "Annual plans are refunded.") == 1.0
    assert without_rare == (0.4 + 0.6) / 3.5


def test_no_terms_means_no_coverage() -> None:
    assert coverage({}, "Refunds are available within 30 days.") == 0.0
    assert coverage({"refund": 1.0}, "") == 0.0
    assert coverage({"refund": 0.0}, "Refunds") == 0.0


def test_relevance_is_the_best_chunk_and_counts_its_heading(tmp_path: Path) -> None:
    lexical = help_centre(tmp_path).lexical()
    body_only = result(1, "Works offline and syncs later.", "mobile.md")
    with_heading = result(2, "Works offline and syncs later.", "mobile.md", heading="Mobile app")
    weights = term_weights("mobile app offline", lexical)

    def gate_score(candidates: list[SearchResult]) -> float:
        return relevance(signals(weights, [1.0, 0.0], candidates, {}), lexical_weight=1.0)

    assert gate_score([body_only]) < 1.0
    assert gate_score([body_only, with_heading]) == 1.0
    assert gate_score([]) == 0.0


def test_the_gate_score_mixes_coverage_and_cosine() -> None:
    candidate = result(1, "Works offline and syncs later.", "mobile.md")
    vectors = {candidate.chunk_id: [0.6, 0.8]}
    [found] = signals({"offlin": 1.0, "tablet": 1.0}, [1.0, 0.0], [candidate], vectors)
    assert (found.coverage, found.similarity) == (0.5, 0.6)
    assert found.score(0.25) == pytest.approx(0.25 * 0.5 + 0.75 * 0.6)
    [unknown] = signals({"offlin": 1.0}, [1.0, 0.0], [candidate], {})
    assert unknown.similarity == 0.0  # no stored vector: no semantic credit


def test_load_calibration_reads_the_shipped_file(repo_root: Path) -> None:
    assert repo_root / "products/rag_search/calibration.json" == CALIBRATION_FILE
    shipped = json.loads(CALIBRATION_FILE.read_text())
    calibration = load_calibration()
    assert calibration.threshold == shipped["threshold"]
    assert 0.0 < calibration.threshold < 1.0
    assert calibration.signal == "lexical_coverage_plus_cosine"
    assert 0.0 <= calibration.lexical_weight <= 1.0 and calibration.embedder


def test_load_calibration_reads_another_file(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"threshold": 0.42, "calibrated_on": "a test sweep"}))
    assert load_calibration(path) == Calibration(threshold=0.42, calibrated_on="a test sweep")
