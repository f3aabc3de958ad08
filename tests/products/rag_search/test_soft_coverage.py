"""Soft coverage: the sentence that says a question word in other words is the answer."""

from __future__ import annotations

import pytest

from products.rag_search.core import soft_coverage
from products.rag_search.core.extractive import extractive_answer
from products.rag_search.core.relevance import coverage
from products.rag_search.core.soft_coverage import SoftMatcher
from products.rag_search.core.text import terms
from tests.products.rag_search.answer_helpers import result

QUESTION = "Which is the largest harbour town on the coast?"
WEIGHTS = {terms(w)[0]: weight for w, weight in
           (("largest", 2.0), ("harbour", 1.5), ("town", 1.0), ("coast", 1.0))}
# Both sentences hold "harbour", "town" and "coast"; only the second answers, saying "biggest".
TOPIC_ONLY = "The coast has a harbour town festival every summer with boats from every town."
PARAPHRASE = "Port Saltmere is the biggest harbour town anywhere on the coast."


def test_a_paraphrased_question_word_earns_part_of_its_weight() -> None:
    matcher = SoftMatcher(WEIGHTS, QUESTION)
    exact = coverage(WEIGHTS, PARAPHRASE)
    assert exact == pytest.approx(coverage(WEIGHTS, TOPIC_ONLY))
    assert matcher.coverage(PARAPHRASE) > exact + 0.2  # "biggest" ~ "largest" (cos ~0.8)
    assert matcher.coverage(TOPIC_ONLY) < exact + 0.05  # nothing there is near "largest"


def test_an_opposite_earns_nothing() -> None:
    matcher = SoftMatcher(WEIGHTS, QUESTION)
    opposite = "Port Saltmere is the smallest harbour town on the coast."
    assert matcher.coverage(opposite) == pytest.approx(coverage(WEIGHTS, opposite), abs=0.02)


def test_full_exact_coverage_is_not_inflated() -> None:
    text = "The largest harbour town on the coast is Port Saltmere."
    assert SoftMatcher(WEIGHTS, QUESTION).coverage(text) == pytest.approx(1.0)


def test_the_extractive_answer_picks_the_paraphrase() -> None:
    chunk = result(1, f"{TOPIC_ONLY} {PARAPHRASE}")
    text, _ = extractive_answer(QUESTION, WEIGHTS, [chunk])
    assert text.startswith(PARAPHRASE)


def test_without_word_vectors_it_is_exact_coverage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(soft_coverage, "word_vectors", lambda words: None)
    matcher = SoftMatcher(WEIGHTS, QUESTION)
    assert matcher.coverage(PARAPHRASE) == coverage(WEIGHTS, PARAPHRASE)


def test_a_paraphrase_alone_does_not_make_a_candidate() -> None:
    chunk = result(1, "Port Saltmere is the biggest of them all, by a long way.")
    assert extractive_answer(QUESTION, WEIGHTS, [chunk]) == ("", [])
