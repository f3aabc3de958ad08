"""Names no candidate mentions: found in the question, checked against passages, nudge the gate."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from products.rag_search.core import ask
from products.rag_search.core.gate import decide
from products.rag_search.core.names import question_names, unmatched_names
from products.rag_search.core.outcomes import Asked, abstain
from products.rag_search.core.relevance import NAME_FACTOR, Calibration, Signals
from tests.products.rag_search.answer_helpers import help_centre

PASSAGES = ["Single sign-on works with Okta and Azure AD.",
            "Customers in Germany pay VAT at the local rate."]


def test_names_are_capitalised_words_that_do_not_start_a_sentence() -> None:
    assert question_names("Does Tallyflow integrate with SAP Concur?") == [
        "Tallyflow", "SAP", "Concur"]
    assert question_names("Which plans support Okta? Okta and Okta again.") == ["Okta"]
    assert question_names("Refunds: How long do they take?") == []  # starts a clause
    assert question_names("can I pay by card?") == []  # "I" is a stop word, not a name
    assert question_names("how many seats for 30 users?") == []  # numbers are not names


def test_a_name_no_passage_mentions_is_unmatched() -> None:
    assert unmatched_names("Does single sign-on work with Okta?", PASSAGES) == []
    assert unmatched_names("Does single sign-on work with OneLogin or Okta?", PASSAGES) == [
        "OneLogin"]
    assert unmatched_names("Is there an Apple Watch app?", PASSAGES) == ["Apple", "Watch"]


def test_a_name_that_starts_a_passage_word_counts_as_mentioned() -> None:
    assert unmatched_names("We are a German company. Do we pay VAT?", PASSAGES) == []
    assert unmatched_names("Do Australian customers pay VAT?", PASSAGES) == ["Australian"]


def test_lower_case_paraphrases_are_never_unmatched_names() -> None:
    assert unmatched_names("Can the identity login use a pricier tier?", PASSAGES) == []


def test_the_name_factor_scales_the_whole_gate_score() -> None:
    plain = Signals(coverage=0.5, similarity=0.7)
    nudged = Signals(coverage=0.5, similarity=0.7, name_factor=NAME_FACTOR)
    assert nudged.score(0.4) == pytest.approx(NAME_FACTOR * plain.score(0.4))
    assert 0.0 < NAME_FACTOR < 1.0  # a nudge, never a veto


def test_the_gate_lowers_a_question_that_names_something_the_pages_do_not(
        tmp_path: Path) -> None:
    kb = help_centre(tmp_path)
    calibration = Calibration(threshold=0.0, lexical_weight=0.4, calibrated_on="test")
    known = decide(kb, "Does single sign-on work with Okta?", 5, calibration)
    unknown = decide(kb, "Does single sign-on work with Zendesk?", 5, calibration)
    assert known.unmatched_names == [] and {s.name_factor for s in known.signals} == {1.0}
    assert unknown.unmatched_names == ["Zendesk"]
    assert {s.name_factor for s in unknown.signals} == {NAME_FACTOR}
    raw = max(s.model_copy(update={"name_factor": 1.0}).score(0.4) for s in unknown.signals)
    assert unknown.relevance == pytest.approx(NAME_FACTOR * raw, abs=1e-4)


def _asked(names: list[str]) -> Asked:
    return Asked(question="Can I approve from Microsoft Teams?", search_query="q", results=[],
                 relevance=0.3, weights={}, started=time.perf_counter(), unmatched_names=names)


def test_a_low_relevance_abstention_names_what_the_passages_never_mention() -> None:
    answer = abstain(_asked(["Microsoft", "Teams"]), "extractive", "low_relevance", None)
    assert answer.abstained and answer.abstain_reason is not None
    assert answer.abstain_reason.startswith("No retrieved passage covers enough")
    assert answer.abstain_reason.endswith("mentions Microsoft or Teams.")


def test_without_unmatched_names_the_reason_stays_as_it_was() -> None:
    answer = abstain(_asked([]), "extractive", "low_relevance", None)
    assert answer.abstain_reason == "No retrieved passage covers enough of the question."
    other = abstain(_asked(["Teams"]), "extractive", "no_sentence", None)
    assert other.abstain_reason is not None and "mentions" not in other.abstain_reason


def test_ask_reports_the_unmatched_name_when_it_abstains(tmp_path: Path) -> None:
    answer = ask(help_centre(tmp_path), "Does it sync with Salesforce Pardot?")
    assert answer.abstained
    assert answer.abstain_reason is not None and "Pardot" in answer.abstain_reason
