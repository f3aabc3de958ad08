"""LLMClient over the real OpenAI SDK and the fake provider: complete, stream, structured, embed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel

from shared.config import Settings
from shared.errors import BadModelOutput
from shared.llm import LLMClient, Message, get_llm
from shared.llm.pricing import cost_usd
from shared.testing.fake_provider import FakeProvider
from shared.testing.responders import lying
from tests.shared.llm.helpers import chat_requests, fake_settings, trace_rows


class Review(BaseModel):
    sentiment: str
    score: int


class Tagged(BaseModel):
    label: str
    note: str | None = None  # optional: OpenAI strict mode cannot take this schema


def test_complete_returns_text_usage_cost_and_latency(llm: LLMClient,
                                                      fake_provider: FakeProvider) -> None:
    result = llm.complete("Summarise: the app is fast", system="Be brief.", max_tokens=50)
    assert result.text.startswith("Fake reply") and "the app is fast" in result.text
    assert (result.provider, result.model) == ("openai", "gpt-4.1-mini")
    assert result.input_tokens > 0 and result.output_tokens > 0
    assert result.cost_usd == cost_usd("openai", "gpt-4.1-mini", result.input_tokens,
                                       result.output_tokens) > 0
    assert result.latency_ms > 0 and result.cached is False
    body = chat_requests(fake_provider)[0]["body"]
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert body["max_completion_tokens"] == 50 and body["temperature"] == 0.0


def test_a_conversation_is_sent_turn_by_turn(llm: LLMClient, fake_provider: FakeProvider) -> None:
    turns = [Message(role="user", content="Hi"), {"role": "assistant", "content": "Hello"},
             {"role": "user", "content": "What is new?"}]
    assert "What is new?" in llm.complete(turns).text
    sent = chat_requests(fake_provider)[0]["body"]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_stream_deltas_join_to_the_text_and_usage_is_recorded(llm: LLMClient,
                                                              settings: Settings) -> None:
    stream = llm.stream("Tell me about streaming replies please")
    deltas = list(stream)
    assert len(deltas) > 1
    assert "".join(deltas) == stream.result.text
    assert stream.result.output_tokens > 0 and stream.result.input_tokens > 0
    assert stream.result.cost_usd > 0
    (row,) = trace_rows(settings)
    assert (row.operation, row.status, row.output_tokens) == (
        "stream", "ok", stream.result.output_tokens)


def test_result_before_the_stream_is_read_says_so(llm: LLMClient) -> None:
    with pytest.raises(RuntimeError, match="Read the stream"):
        _ = llm.stream("hello").result


def test_a_stream_closed_early_is_traced_as_cut_short(llm: LLMClient, settings: Settings) -> None:
    with llm.stream("a long answer to cut short please") as stream:
        next(iter(stream))
    (row,) = trace_rows(settings)
    assert row.status == "error" and row.error.startswith("stream_closed")


def test_structured_output_is_parsed_into_the_schema(llm: LLMClient,
                                                     fake_provider: FakeProvider) -> None:
    result = llm.structured("Classify: great app", Review)
    assert isinstance(result.parsed, Review)
    fmt = chat_requests(fake_provider)[0]["body"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Review"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False


def test_a_schema_with_optional_fields_is_sent_without_strict(llm: LLMClient,
                                                              fake_provider: FakeProvider) -> None:
    assert isinstance(llm.structured("Tag this", Tagged).parsed, Tagged)
    assert chat_requests(fake_provider)[0]["body"]["response_format"]["json_schema"][
        "strict"] is False


def test_broken_json_is_repaired_once(llm: LLMClient, fake_provider: FakeProvider,
                                      settings: Settings) -> None:
    fake_provider.queue_faults("malformed")
    result = llm.structured("Classify: great app", Review)
    assert isinstance(result.parsed, Review)
    _first, repair = chat_requests(fake_provider)
    repair_turns = repair["body"]["messages"]
    assert repair_turns[-2]["role"] == "assistant"  # the broken reply, shown back to the model
    assert "could not be used" in repair_turns[-1]["content"]
    rows = trace_rows(settings)
    assert [(r.operation, r.status) for r in rows] == [("structured", "error"),
                                                       ("structured.repair", "ok")]
    assert result.input_tokens == sum(r.input_tokens for r in rows)  # both attempts billed


def test_two_bad_replies_raise_bad_model_output_with_the_raw_text(settings: Settings) -> None:
    with FakeProvider(responder=lying) as fake:
        llm = get_llm(fake_settings(fake, data_dir=settings.data_dir))
        with pytest.raises(BadModelOutput, match="after one repair attempt") as caught:
            llm.structured("Classify: great app", Review)
        assert caught.value.raw_text == lying({})
        assert len(chat_requests(fake)) == 2  # one call and one repair, no more


def test_embeddings_come_back_in_order_with_their_cost(llm: LLMClient,
                                                       fake_provider: FakeProvider) -> None:
    texts = ["refund policy", "shipping times", "refund policy"]
    result = llm.embed(texts)
    assert len(result.vectors) == 3 and result.model == "text-embedding-3-small"
    assert result.vectors[0] == result.vectors[2] != result.vectors[1]
    assert result.input_tokens > 0
    assert result.cost_usd == cost_usd("openai", "text-embedding-3-small", result.input_tokens)
    assert llm.embed([]).vectors == []
    assert len(fake_provider.requests) == 1  # an empty list costs no request


def test_embeddings_missing_a_vector_are_refused(llm: LLMClient,
                                                 fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("malformed")  # the fake drops the last vector
    with pytest.raises(BadModelOutput, match="2 vectors for 3 texts"):
        llm.embed(["a", "b", "c"])


def test_async_forms_match_the_sync_ones(llm: LLMClient) -> None:
    async def calls() -> tuple[Any, ...]:
        text = await llm.acomplete("hello async")
        parsed = await llm.astructured("Classify: fine", Review)
        stream = llm.astream("stream async please")
        deltas = [delta async for delta in stream]
        return text, parsed, deltas, stream.result

    text, parsed, deltas, streamed = asyncio.run(calls())
    assert text.text == llm.complete("hello async").text
    assert isinstance(parsed.parsed, Review)
    assert "".join(deltas) == streamed.text and streamed.output_tokens > 0


def test_async_calls_work_again_in_a_new_event_loop(llm: LLMClient) -> None:
    first = asyncio.run(llm.acomplete("first loop"))
    second = asyncio.run(llm.acomplete("second loop"))
    assert "first loop" in first.text and "second loop" in second.text


def test_async_structured_repairs_too(llm: LLMClient, fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("malformed")
    result = asyncio.run(llm.astructured("Classify: fine", Review))
    assert isinstance(result.parsed, Review) and len(chat_requests(fake_provider)) == 2
