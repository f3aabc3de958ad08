"""SQuAD scoring as its description says: normalise, then exact match / token F1, max over golds."""

from __future__ import annotations

import pytest

from products.rag_search.core.qa_scoring import (
    contains_gold,
    exact_match,
    normalize_answer,
    strip_citations,
    token_f1,
)


def test_normalisation_drops_case_punctuation_articles_and_extra_spaces() -> None:
    assert normalize_answer("  The  Harbour, Lighthouse!  ") == "harbour lighthouse"
    assert normalize_answer("an apple a day") == "apple day"
    assert normalize_answer("theatre") == "theatre"  # "the" only as a word


def test_exact_match_is_the_best_over_the_gold_answers() -> None:
    assert exact_match("the Mara Vint.", ["Vint", "Mara Vint"]) == 1.0
    assert exact_match("Mara", ["Mara Vint"]) == 0.0
    assert exact_match("anything", []) == 0.0


def test_token_f1_counts_shared_tokens_and_takes_the_best_gold() -> None:
    # prediction "built in 1874" vs gold "1874": precision 1/3, recall 1 -> F1 0.5
    assert token_f1("built in 1874", ["1874"]) == pytest.approx(0.5)
    assert token_f1("built in 1874", ["in 1874", "1874"]) == pytest.approx(0.8)
    assert token_f1("ferry", ["lighthouse"]) == 0.0
    assert token_f1("1 1", ["1"]) == pytest.approx(2 * 0.5 * 1 / 1.5)  # a bag, not a set


def test_containment_needs_the_whole_normalised_span_on_word_boundaries() -> None:
    assert contains_gold("It was built in 1874 by Mara Vint. [S1]", ["mara vint"]) == 1.0
    assert contains_gold("It was built in 18745.", ["1874"]) == 0.0
    assert contains_gold("Mara", ["Mara Vint"]) == 0.0


def test_citation_markers_are_not_scored() -> None:
    assert strip_citations("Built in 1874. [S1] Lit in 1875. [S2]") == "Built in 1874. Lit in 1875."
