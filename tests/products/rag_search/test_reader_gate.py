"""The LLM reads at a lower gate threshold than the extractive engine, and still cannot be
led into answering from passages the baseline would refuse.

A paraphrase ("get my money back" for a page about refunds) scores between the two
thresholds here: the extractive engine abstains at the gate, the LLM gets the passages and
answers or says NOT_IN_SOURCES, and a reply that cannot be used falls back to a baseline that
abstains (it must not quote passages below its own threshold) with a note saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from products.rag_search.core import KnowledgeBase, ask
from products.rag_search.core import answer as answer_module
from products.rag_search.core.calibration import reader_threshold
from products.rag_search.core.gate import decide
from products.rag_search.core.relevance import Calibration
from shared.llm import LLMClient
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.answer_helpers import (
    OFF_TOPIC_QUESTION,
    chat_requests,
    help_centre,
)
from tests.products.rag_search.responders import answer_from_s1, garbage, not_in_sources

PARAPHRASE = "How do I get my money back?"
WEIGHT = 0.4
Responder = Callable[[dict[str, Any]], str]
StartLLM = Callable[[Responder], tuple[FakeProvider, LLMClient]]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return help_centre(tmp_path)


@pytest.fixture
def between(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Calibration:
    """A calibration whose extractive threshold is just above the paraphrase's gate score and
    whose reader threshold is just below it, in force for `ask`."""
    score = decide(kb, PARAPHRASE, 5, _gate(0.0)).relevance
    assert 0.1 < score < 0.9, score  # the paraphrase is neither off topic nor an exact match
    calibration = _gate(score + 0.05, reader=score - 0.05)
    monkeypatch.setattr(answer_module, "load_calibration", lambda: calibration)
    return calibration



def _gate(threshold: float, reader: float | None = None) -> Calibration:
    return Calibration(threshold=threshold, lexical_weight=WEIGHT, calibrated_on="test",
                       reader_threshold=reader)


# -- the gate ---------------------------------------------------------------------------------
def test_the_llm_reader_accepts_more_and_the_baseline_keeps_its_own_threshold(
        kb: KnowledgeBase, between: Calibration) -> None:
    extractive = decide(kb, PARAPHRASE, 5, between)
    reader = decide(kb, PARAPHRASE, 5, between, reader="llm")
    assert extractive.accepted == [] and extractive.baseline == []
    assert reader.accepted and reader.baseline == []
    assert reader.accepted[0].source == "billing/refunds.md"


def test_without_a_reader_threshold_both_engines_read_the_same() -> None:
    assert _gate(0.5).threshold_for("llm") == 0.5 == _gate(0.5).threshold_for("extractive")
    assert _gate(0.5, reader=0.25).threshold_for("llm") == 0.25
    assert _gate(0.5, reader=0.7).threshold_for("llm") == 0.5  # never stricter than baseline


def test_reader_threshold_keeps_the_share_of_answerable_questions_it_is_told() -> None:
    relevances = [0.9, 0.6, 0.45, 0.3, 0.12, 0.4, 0.2, 0.05]
    answerable = [True, True, True, True, True, False, False, False]
    assert reader_threshold(relevances, answerable, ceiling=0.5, share=1.0) == 0.1
    assert reader_threshold(relevances, answerable, ceiling=0.5, share=0.8) == 0.3
    assert reader_threshold(relevances, answerable, ceiling=0.2, share=0.6) == 0.2
    assert reader_threshold([0.9], [True], ceiling=0.5) == 0.5


# -- the answer -------------------------------------------------------------------------------
def test_the_extractive_engine_abstains_at_the_gate(kb: KnowledgeBase,
                                                    between: Calibration) -> None:
    answer = ask(kb, PARAPHRASE)
    assert answer.abstained and answer.abstain_reason
    assert "covers enough" in answer.abstain_reason


def test_the_llm_answers_a_paraphrase_the_baseline_cannot(
        kb: KnowledgeBase, between: Calibration, start_llm: StartLLM) -> None:
    fake, llm = start_llm(answer_from_s1)
    answer = ask(kb, PARAPHRASE, llm=llm)
    assert not answer.abstained and answer.engine == "llm"
    assert "30 days" in answer.answer
    assert answer.citations and all(c.verified for c in answer.citations)
    assert answer.citations[0].source == "billing/refunds.md"
    assert len(chat_requests(fake)) == 1


def test_the_llm_still_turns_down_what_the_passages_do_not_say(
        kb: KnowledgeBase, between: Calibration, start_llm: StartLLM) -> None:
    _, llm = start_llm(not_in_sources)
    answer = ask(kb, PARAPHRASE, llm=llm)
    assert answer.abstained and answer.citations == []
    assert answer.abstain_reason and "model said" in answer.abstain_reason


def test_an_unusable_reply_falls_back_to_a_baseline_that_abstains_with_a_note(
        kb: KnowledgeBase, between: Calibration, start_llm: StartLLM) -> None:
    _, llm = start_llm(garbage)
    answer = ask(kb, PARAPHRASE, llm=llm)
    assert answer.abstained and answer.engine == "extractive" and answer.citations == []
    assert answer.abstain_reason and "covers enough" in answer.abstain_reason
    assert answer.note and "extractive" in answer.note
    assert answer.closest_sources  # still somewhere to look


def test_off_topic_questions_never_reach_the_model(
        kb: KnowledgeBase, between: Calibration, start_llm: StartLLM) -> None:
    fake, llm = start_llm(answer_from_s1)
    answer = ask(kb, OFF_TOPIC_QUESTION, llm=llm)
    assert answer.abstained and chat_requests(fake) == []
