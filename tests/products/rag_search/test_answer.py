"""`ask` and `stream_answer`: both engines answer with checked citations or abstain plainly.

The same answerable and off-topic questions run through the extractive engine and, through the
fake provider, the LLM engine: the issue's "the LLM path passes the same tests".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from products.rag_search.core import (
    Answer,
    AnswerDelta,
    AnswerDone,
    KnowledgeBase,
    ask,
    run_ask,
    stream_answer,
)
from products.rag_search.core import answer as answer_module
from products.rag_search.core.citations import quote_in
from products.rag_search.core.relevance import Calibration, load_calibration
from shared.config import DEFAULT_MODELS, load_settings
from shared.llm import LLMClient, get_llm
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.answer_helpers import (
    EXACT_QUESTION,
    OFF_TOPIC_QUESTION,
    chat_requests,
    help_centre,
    llm_settings,
)
from tests.products.rag_search.responders import (
    answer_from_s1,
    cites_unseen_source,
    misquotes_s1,
    not_in_sources,
    rambling,
)

PARTIAL_QUESTION = "Does the mobile app support tablets?"  # "tablet" is in no document
Responder = Callable[[dict[str, Any]], str]
StartLLM = Callable[[Responder], tuple[FakeProvider, LLMClient]]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return help_centre(tmp_path)



@pytest.fixture(params=["extractive", "llm"])
def engine(request: pytest.FixtureRequest, start_llm: StartLLM) -> tuple[str, LLMClient | None]:
    if request.param == "extractive":
        return "extractive", None
    return "llm", start_llm(answer_from_s1)[1]


def with_threshold(monkeypatch: pytest.MonkeyPatch, threshold: float) -> None:
    calibration = Calibration(threshold=threshold, calibrated_on="a test")
    monkeypatch.setattr(answer_module, "load_calibration", lambda: calibration)


def assert_checked_citations(answer: Answer) -> None:
    retrieved = {result.chunk_id: result for result in answer.retrieved}
    assert answer.citations
    for citation in answer.citations:
        assert citation.verified
        assert citation.chunk_id in retrieved
        assert quote_in(citation.quote, retrieved[citation.chunk_id].text)
        assert f"[{citation.label}]" in answer.answer


# -- both engines ---------------------------------------------------------------------------
def test_an_answerable_question_is_answered_and_cited(
        kb: KnowledgeBase, engine: tuple[str, LLMClient | None]) -> None:
    name, llm = engine
    answer = ask(kb, EXACT_QUESTION, llm=llm)
    assert not answer.abstained and answer.abstain_reason is None
    assert answer.engine == name
    assert "30 days" in answer.answer
    assert_checked_citations(answer)
    assert answer.citations[0].source == "billing/refunds.md"
    assert answer.relevance >= load_calibration().threshold
    assert answer.latency_ms > 0
    if llm is None:
        assert answer.model is None and answer.cost_usd == 0.0
    else:
        assert answer.model == f"openai:{llm.model}" and answer.cost_usd > 0


def test_an_off_topic_question_abstains_with_the_closest_sources(
        kb: KnowledgeBase, engine: tuple[str, LLMClient | None]) -> None:
    name, llm = engine
    answer = ask(kb, OFF_TOPIC_QUESTION, llm=llm)
    assert answer.abstained and answer.engine == name
    assert answer.answer.startswith("I don't know")
    assert answer.citations == []
    assert answer.abstain_reason and "covers enough" in answer.abstain_reason
    assert answer.relevance < load_calibration().threshold
    assert 0 < len(answer.closest_sources) <= 3
    assert [c.chunk_id for c in answer.closest_sources] == [
        r.chunk_id for r in answer.retrieved[:3]]
    assert answer.cost_usd == 0.0


def test_an_empty_collection_abstains_and_says_to_ingest(
        engine: tuple[str, LLMClient | None]) -> None:
    answer = ask(KnowledgeBase(load_settings(), "empty"), EXACT_QUESTION, llm=engine[1])
    assert answer.abstained and answer.retrieved == [] and answer.closest_sources == []
    assert answer.abstain_reason and "ingest" in answer.abstain_reason


def test_the_llm_is_not_called_below_the_threshold(
        kb: KnowledgeBase, fake_provider: FakeProvider) -> None:
    llm = get_llm(llm_settings(fake_provider), product="rag_search")
    answer = ask(kb, OFF_TOPIC_QUESTION, llm=llm)
    assert answer.abstained and answer.engine == "llm" and answer.model == f"openai:{llm.model}"
    assert chat_requests(fake_provider) == []


# -- the threshold gates ----------------------------------------------------------------------
def test_a_threshold_above_one_makes_even_an_exact_question_abstain(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with_threshold(monkeypatch, 0.0)  # a lexical weight of 1: the score is term coverage
    assert ask(kb, EXACT_QUESTION).relevance == 1.0
    with_threshold(monkeypatch, 1.01)
    answer = ask(kb, EXACT_QUESTION)
    assert answer.abstained and answer.citations == []


def test_the_threshold_is_the_exact_boundary(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with_threshold(monkeypatch, 0.0)
    partial = ask(kb, PARTIAL_QUESTION)
    assert not partial.abstained and 0 < partial.relevance < 1
    with_threshold(monkeypatch, partial.relevance)
    assert not ask(kb, PARTIAL_QUESTION).abstained
    with_threshold(monkeypatch, partial.relevance + 0.001)
    assert ask(kb, PARTIAL_QUESTION).abstained


def test_with_no_threshold_the_extractive_engine_still_abstains_on_no_shared_term(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with_threshold(monkeypatch, 0.0)
    answer = ask(kb, OFF_TOPIC_QUESTION)
    assert answer.abstained and answer.abstain_reason and "No sentence" in answer.abstain_reason


# -- the LLM engine ---------------------------------------------------------------------------
def test_the_model_saying_not_in_sources_abstains(kb: KnowledgeBase, start_llm: StartLLM) -> None:
    fake, llm = start_llm(not_in_sources)
    answer = ask(kb, EXACT_QUESTION, llm=llm)
    assert answer.abstained and answer.engine == "llm" and answer.citations == []
    assert answer.abstain_reason and "model" in answer.abstain_reason
    assert answer.answer.startswith("I don't know") and answer.closest_sources
    assert len(chat_requests(fake)) == 1 and answer.cost_usd > 0  # the call was paid for


def test_a_citation_of_a_source_never_shown_is_dropped(
        kb: KnowledgeBase, start_llm: StartLLM) -> None:
    answer = ask(kb, EXACT_QUESTION, llm=start_llm(cites_unseen_source)[1])
    assert 1 <= len(answer.retrieved) <= 5  # the chunks the gate accepted: S7 is none of them
    assert [c.label for c in answer.citations] == ["S1"]
    assert "[S7]" not in answer.answer
    assert any("S7" in warning for warning in answer.warnings)
    assert_checked_citations(answer)


def test_a_misquote_is_flagged_unverified(kb: KnowledgeBase, start_llm: StartLLM) -> None:
    answer = ask(kb, EXACT_QUESTION, llm=start_llm(misquotes_s1)[1])
    [citation] = answer.citations
    assert citation.label == "S1" and citation.verified is False
    assert any("not in that source" in warning for warning in answer.warnings)


def test_a_reply_cut_at_the_token_limit_says_so(kb: KnowledgeBase, start_llm: StartLLM) -> None:
    answer = ask(kb, EXACT_QUESTION, llm=start_llm(rambling)[1])
    assert not answer.abstained
    assert any("cut short" in warning for warning in answer.warnings)
    assert [c.label for c in answer.citations] == ["S1"]


def test_stream_answer_streams_the_body_then_the_checked_answer(
        kb: KnowledgeBase, start_llm: StartLLM) -> None:
    events = list(stream_answer(kb, EXACT_QUESTION, llm=start_llm(answer_from_s1)[1]))
    *deltas, done = events
    assert isinstance(done, AnswerDone)
    assert len(deltas) > 1 and all(isinstance(event, AnswerDelta) for event in deltas)
    streamed = "".join(event.text for event in deltas if isinstance(event, AnswerDelta))
    assert streamed == done.answer.answer
    assert "QUOTES" not in streamed and done.answer.citations


def test_the_baseline_stream_is_one_answer(kb: KnowledgeBase) -> None:
    [done] = list(stream_answer(kb, EXACT_QUESTION))
    assert isinstance(done, AnswerDone) and done.answer.engine == "extractive"


def test_a_persistent_429_falls_back_and_breaks_nothing(
        kb: KnowledgeBase, fake_provider: FakeProvider) -> None:
    llm = get_llm(llm_settings(fake_provider, llm_max_retries=1), product="rag_search")
    fake_provider.queue_faults("429", "429")
    answer = ask(kb, EXACT_QUESTION, llm=llm)
    assert answer.engine == "extractive" and answer.note and "rate limiting" in answer.note
    assert fake_provider.pending_faults == []
    again = ask(kb, EXACT_QUESTION, llm=llm)  # the fake's default reply cites nothing
    assert again.engine == "extractive" and not again.abstained
    assert again.note and "No sentence of the model's reply cited" in again.note


def test_the_anthropic_wire_format_gives_the_same_answer(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeProvider(responder=answer_from_s1) as fake:
        monkeypatch.setenv("AIPM_PROVIDER", "anthropic")
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.anthropic_base_url)
        answer = run_ask(load_settings(), EXACT_QUESTION, collection="help")
        [request] = chat_requests(fake)
    assert request["provider"] == "anthropic" and request["path"] == "/v1/messages"
    assert answer.engine == "llm" and answer.model == f"anthropic:{DEFAULT_MODELS['anthropic']}"
    assert not answer.abstained and "30 days" in answer.answer
    assert_checked_citations(answer)
