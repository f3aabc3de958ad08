"""The Anthropic backend: the real `anthropic` SDK talking to the fake provider over loopback."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from shared.config import load_settings
from shared.errors import (
    BadInput,
    BadKey,
    MissingKey,
    ModelNotFound,
    ProviderUnreachable,
    RateLimited,
)
from shared.llm import LLMClient, get_llm
from shared.llm._anthropic import AnthropicChat, backend_for
from shared.llm._anthropic_wire import message_params
from shared.llm._retry_hint import retry_after_seconds
from shared.llm.types import ChatParams, Message, RawReply
from shared.providers import PROVIDERS
from shared.testing.fake_provider import FakeProvider

MODEL = "claude-haiku-4-5"
SENTIMENT_SCHEMA = {
    "type": "object",
    "title": "Sentiment",
    "properties": {"label": {"type": "string"}, "score": {"type": "number"}},
    "required": ["label", "score"],
}


def echo(request: dict[str, Any]) -> str | dict[str, Any]:
    """Answers with what it was asked, so a test can tell its own reply from a canned one."""
    if request["json_schema"] is not None:
        return {"label": "positive", "score": 0.9}
    return f"you said: {request['messages'][-1]['content']}"


def make_backend(base_url: str, timeout_s: float = 5.0, retries: int = 1) -> AnthropicChat:
    settings = load_settings(provider="anthropic", anthropic_api_key="test-key",
                             anthropic_base_url=base_url, llm_timeout_s=timeout_s,
                             llm_max_retries=retries)
    backend = backend_for(settings, PROVIDERS["anthropic"])
    assert backend.embeddings is None and backend.batches is not None
    return backend.chat  # type: ignore[return-value]


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider(responder=echo) as server:
        yield server


@pytest.fixture
def backend(fake: FakeProvider) -> AnthropicChat:
    return make_backend(fake.anthropic_base_url)


def ask(text: str) -> list[Message]:
    return [Message(role="user", content=text)]


def complete(backend: AnthropicChat, text: str = "hello there", **options: Any) -> RawReply:
    options = {"system": None, "max_tokens": 64, "temperature": 0.0, **options}
    return backend.complete(MODEL, ChatParams(messages=ask(text), **options))


def last_body(fake: FakeProvider) -> dict[str, Any]:
    return fake.requests[-1]["body"]


def test_complete_returns_the_reply_and_its_usage(backend: AnthropicChat,
                                                  fake: FakeProvider) -> None:
    reply = complete(backend, "ping the kit", system="Be brief.")
    assert reply.text == "you said: ping the kit"
    assert reply.model == MODEL
    assert reply.input_tokens > 0 and reply.output_tokens > 0
    assert reply.structured is None
    body = last_body(fake)
    assert body["system"] == "Be brief."
    assert body["max_tokens"] == 64
    assert "temperature" not in body  # API 2026-10-21 rejects sampling parameters


def test_system_turns_in_messages_move_to_the_top_level_system() -> None:
    messages = [Message(role="system", content="Rules."), Message(role="user", content="hi")]
    params = message_params(MODEL, ChatParams(messages=messages, system="Persona.",
                                              max_tokens=10))
    assert params["system"] == "Persona.\n\nRules."
    assert params["messages"] == [{"role": "user", "content": "hi"}]


def test_stream_yields_text_deltas_then_one_reply_with_usage(backend: AnthropicChat) -> None:
    words = "one two three four five six seven eight"
    parts = list(backend.stream(MODEL, ChatParams(messages=ask(words), max_tokens=64)))
    deltas, final = parts[:-1], parts[-1]
    assert len(deltas) > 1 and all(isinstance(delta, str) for delta in deltas)
    assert isinstance(final, RawReply)
    assert "".join(deltas) == final.text == f"you said: {words}"
    assert final.input_tokens > 0 and final.output_tokens > 0


def test_structured_output_is_a_forced_tool_call(backend: AnthropicChat,
                                                 fake: FakeProvider) -> None:
    reply = complete(backend, "great product", json_schema=SENTIMENT_SCHEMA,
                     schema_name="Sentiment")
    assert reply.structured == {"label": "positive", "score": 0.9}
    assert json.loads(reply.text) == reply.structured
    body = last_body(fake)
    assert body["tools"][0]["name"] == "Sentiment"
    assert body["tools"][0]["input_schema"] == SENTIMENT_SCHEMA
    assert body["tool_choice"] == {"type": "tool", "name": "Sentiment"}


def test_a_text_answer_to_a_forced_tool_is_left_for_the_repair_path() -> None:
    with FakeProvider(responder=lambda request: "Sure! The sentiment is positive.") as fake:
        reply = complete(make_backend(fake.anthropic_base_url), "great",
                         json_schema=SENTIMENT_SCHEMA, schema_name="Sentiment")
    assert reply.structured is None
    assert reply.text == "Sure! The sentiment is positive."


def test_unsafe_schema_names_are_made_wire_safe(backend: AnthropicChat,
                                                fake: FakeProvider) -> None:
    complete(backend, json_schema=SENTIMENT_SCHEMA, schema_name="my schema.v2")
    assert last_body(fake)["tool_choice"]["name"] == "my_schema_v2"


def test_a_non_object_schema_is_refused_before_any_call(backend: AnthropicChat,
                                                        fake: FakeProvider) -> None:
    with pytest.raises(BadInput, match="object schema"):
        complete(backend, json_schema={"type": "array", "items": {"type": "string"}})
    assert fake.requests == []


def test_async_calls_work_across_event_loops(backend: AnthropicChat) -> None:
    async def both() -> tuple[RawReply, list[str | RawReply]]:
        reply = await backend.acomplete(MODEL, ChatParams(messages=ask("async hi"),
                                                          max_tokens=64))
        parts = [part async for part in backend.astream(
            MODEL, ChatParams(messages=ask("streamed words go here"), max_tokens=64))]
        return reply, parts

    for _ in range(2):  # a second asyncio.run must not reuse the first loop's connections
        reply, parts = asyncio.run(both())
        assert reply.text == "you said: async hi"
        assert isinstance(parts[-1], RawReply)
        assert "".join(p for p in parts[:-1] if isinstance(p, str)) == parts[-1].text


def test_a_429_is_retried_by_the_sdk_then_succeeds(backend: AnthropicChat,
                                                   fake: FakeProvider) -> None:
    fake.queue_faults("429")
    assert complete(backend, "after a blip").text == "you said: after a blip"
    assert len(fake.requests) == 2


def test_a_persistent_429_is_rate_limited_with_the_retry_hint(backend: AnthropicChat,
                                                              fake: FakeProvider) -> None:
    fake.queue_faults("429", "429")
    with pytest.raises(RateLimited, match="AIPM_LLM_CONCURRENCY") as caught:
        complete(backend)
    assert caught.value.retry_after_s == 0.02  # the fake's retry-after-ms, read first


def test_persistent_500s_are_provider_unreachable(backend: AnthropicChat,
                                                  fake: FakeProvider) -> None:
    fake.queue_faults("500", "500")
    with pytest.raises(ProviderUnreachable, match="500"):
        complete(backend)


def test_a_hang_past_the_timeout_is_provider_unreachable() -> None:
    with FakeProvider(responder=echo, hang_s=3.0) as fake:
        fake.queue_faults("hang")
        backend = make_backend(fake.anthropic_base_url, timeout_s=0.3, retries=0)
        with pytest.raises(ProviderUnreachable, match="AIPM_LLM_TIMEOUT"):
            complete(backend)


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"retry-after": "7"}, 7.0), ({"retry-after-ms": "250", "retry-after": "1"}, 0.25),
    ({"retry-after": "Wed, 25 Nov 2026 10:00:00 GMT"}, None), ({}, None),
    ({"retry-after": "-3"}, 0.0),
])
def test_retry_after_hints_are_read_as_seconds(headers: dict[str, str],
                                               seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


def test_a_401_is_a_bad_key_that_names_the_setting(backend: AnthropicChat,
                                                   fake: FakeProvider) -> None:
    fake.queue_faults("401")
    with pytest.raises(BadKey, match="ANTHROPIC_API_KEY"):
        complete(backend)
    assert len(fake.requests) == 1  # never retried


def test_a_404_is_model_not_found_naming_the_model(backend: AnthropicChat,
                                                   fake: FakeProvider) -> None:
    fake.queue_faults("404")
    with pytest.raises(ModelNotFound, match=MODEL):
        complete(backend)


def test_errors_while_streaming_are_typed_too(backend: AnthropicChat,
                                              fake: FakeProvider) -> None:
    fake.queue_faults("401")
    with pytest.raises(BadKey):
        list(backend.stream(MODEL, ChatParams(messages=ask("hi"), max_tokens=64)))


def test_a_reply_cut_short_is_a_typed_error(backend: AnthropicChat,
                                            fake: FakeProvider) -> None:
    fake.queue_faults("truncated", "truncated")  # the first try and the SDK's one retry
    with pytest.raises(ProviderUnreachable, match="cut off before it ended after 1 retry"):
        complete(backend)
    fake.queue_faults("truncated")
    with pytest.raises(ProviderUnreachable, match="cut off"):
        list(backend.stream(MODEL, ChatParams(
            messages=ask("a reply long enough to be cut in the middle"), max_tokens=64)))


def test_a_reply_cut_short_once_is_retried_by_the_sdk(backend: AnthropicChat,
                                                      fake: FakeProvider) -> None:
    fake.queue_faults("truncated")
    assert complete(backend, "after a cut").text == "you said: after a cut"
    assert len(fake.requests) == 2


def test_a_closed_port_is_provider_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = make_backend(f"http://127.0.0.1:{port}", retries=0)
    with pytest.raises(ProviderUnreachable, match="ANTHROPIC_BASE_URL"):
        complete(backend)


def test_embeddings_are_refused_with_the_embedders_that_work(fake: FakeProvider) -> None:
    settings = load_settings(provider="anthropic", anthropic_api_key="k",
                             anthropic_base_url=fake.anthropic_base_url)
    with pytest.raises(BadInput, match="AIPM_EMBEDDER=hashing"):
        get_llm(settings).embed(["text"])


def test_no_key_is_missing_key() -> None:
    with pytest.raises(MissingKey, match="ANTHROPIC_API_KEY"):
        backend_for(load_settings(provider="anthropic"), PROVIDERS["anthropic"])


# --- through the facade: get_llm(settings with provider anthropic) ---------------------------

class Sentiment(BaseModel):
    label: str
    score: float


def facade(fake: FakeProvider) -> LLMClient:
    return get_llm(load_settings(provider="anthropic", anthropic_api_key="test-key",
                                 anthropic_base_url=fake.anthropic_base_url,
                                 llm_timeout_s=5.0, llm_max_retries=0), product="tests")


def test_get_llm_with_anthropic_completes_streams_and_bills(fake: FakeProvider) -> None:
    llm = facade(fake)
    result = llm.complete("how are you", system="Be brief.")
    assert (result.provider, result.model) == ("anthropic", MODEL)
    assert result.text == "you said: how are you"
    assert result.cost_usd > 0
    stream = llm.stream("stream these words to me please")
    assert "".join(stream) == stream.result.text == "you said: stream these words to me please"


def test_get_llm_structured_parses_the_tool_call(fake: FakeProvider) -> None:
    result = facade(fake).structured("great product", Sentiment)
    assert result.parsed == Sentiment(label="positive", score=0.9)
    assert last_body(fake)["tool_choice"] == {"type": "tool", "name": "Sentiment"}


def test_get_llm_structured_repairs_a_text_answer_once() -> None:
    answers = iter(["It is positive, I think.", {"label": "positive", "score": 0.7}])
    with FakeProvider(responder=lambda request: next(answers)) as fake:
        result = facade(fake).structured("great product", Sentiment)
        repair_turns = fake.requests[-1]["body"]["messages"]
    assert result.parsed == Sentiment(label="positive", score=0.7)
    assert [turn["role"] for turn in repair_turns] == ["user", "assistant", "user"]
    assert repair_turns[1]["content"] == "It is positive, I think."
