"""The OpenAI wire format, driven by the real `openai` SDK over loopback."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import openai

from shared.testing.fake_provider import FakeProvider
from shared.testing.responders import lying

REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sentiment": {"type": "string", "enum": ["positive", "negative", "neutral"]},
        "score": {"type": "number", "minimum": 1, "maximum": 5},
        "themes": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["sentiment", "score", "themes"],
    "additionalProperties": False,
}
FORMAT = {"type": "json_schema",
          "json_schema": {"name": "review", "schema": REVIEW_SCHEMA, "strict": True}}
TOOL = {"type": "function", "function": {"name": "record_review", "parameters": REVIEW_SCHEMA}}


def test_plain_completion_answers_with_usage(ask_openai: Any, fake_provider: FakeProvider) -> None:
    reply = ask_openai("Summarise the refund policy for annual plans.")
    assert reply.choices[0].message.content.startswith("Fake reply [")
    assert "refund policy for annual plans" in reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.prompt_tokens == math.ceil(len("Summarise the refund policy for annual "
                                                      "plans.") / 4)
    assert reply.usage.completion_tokens >= 1
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert fake_provider.requests[-1]["path"] == "/v1/chat/completions"


def test_input_tokens_count_system_and_every_message(openai_client: openai.OpenAI) -> None:
    short = openai_client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}])
    long = openai_client.chat.completions.create(model="gpt-4.1-mini", messages=[
        {"role": "system", "content": "You are a careful support agent. " * 10},
        {"role": "user", "content": "hi"}])
    assert long.usage.prompt_tokens > short.usage.prompt_tokens + 50


def test_same_prompt_same_answer_different_prompt_different_answer(ask_openai: Any) -> None:
    first, again, other = ask_openai("alpha"), ask_openai("alpha"), ask_openai("beta")
    assert first.choices[0].message.content == again.choices[0].message.content
    assert first.choices[0].message.content != other.choices[0].message.content


def test_stream_yields_deltas_then_usage_then_done(ask_openai: Any) -> None:
    text = "Stream a longer answer made of many separate words please"
    chunks = list(ask_openai(text, stream=True, stream_options={"include_usage": True}))
    deltas = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert len([d for d in deltas if d]) > 2
    assert "".join(deltas) == ask_openai(text).choices[0].message.content
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens >= 1
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_stream_without_include_usage_sends_no_usage(ask_openai: Any) -> None:
    chunks = list(ask_openai("hello", stream=True))
    assert all(c.usage is None for c in chunks)
    assert all(c.choices for c in chunks)


def test_json_schema_response_is_a_valid_minimal_object(ask_openai: Any,
                                                        fake_provider: FakeProvider) -> None:
    reply = ask_openai("Great product", response_format=FORMAT)
    parsed = json.loads(reply.choices[0].message.content)
    assert parsed == {"sentiment": "positive", "score": 1.0, "themes": []}
    assert fake_provider.requests[-1]["body"]["response_format"]["json_schema"]["strict"] is True


def test_responder_sees_the_schema_and_the_messages() -> None:
    seen: list[dict[str, Any]] = []

    def spy(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"sentiment": "negative", "score": 2, "themes": ["billing"]}

    with FakeProvider(responder=spy) as fake:
        client = openai.OpenAI(base_url=fake.openai_base_url, api_key="test-key", max_retries=0)
        reply = client.chat.completions.create(model="gpt-4.1-mini", response_format=FORMAT,
                                               messages=[{"role": "system", "content": "Be terse"},
                                                         {"role": "user", "content": "Bad bill"}])
    assert json.loads(reply.choices[0].message.content)["themes"] == ["billing"]
    assert seen == [{"provider": "openai", "model": "gpt-4.1-mini", "system": "Be terse",
                     "messages": [{"role": "user", "content": "Bad bill"}],
                     "json_schema": REVIEW_SCHEMA}]


def test_forced_tool_call_carries_json_arguments(ask_openai: Any) -> None:
    reply = ask_openai("Great product", tools=[TOOL],
                       tool_choice={"type": "function", "function": {"name": "record_review"}})
    call = reply.choices[0].message.tool_calls[0]
    assert call.function.name == "record_review"
    assert json.loads(call.function.arguments)["sentiment"] == "positive"
    assert reply.choices[0].message.content is None


def test_tools_without_forcing_get_a_plain_answer(ask_openai: Any) -> None:
    reply = ask_openai("Great product", tools=[TOOL])
    assert reply.choices[0].message.tool_calls is None
    assert reply.choices[0].message.content.startswith("Fake reply")


def test_streamed_tool_arguments_reassemble(ask_openai: Any) -> None:
    chunks = ask_openai("x", tools=[TOOL], tool_choice="required", stream=True)
    pieces = [c.choices[0].delta.tool_calls[0].function.arguments or ""
              for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    assert json.loads("".join(pieces))["sentiment"] == "positive"


def test_a_str_reply_to_a_structured_call_passes_through_raw() -> None:
    with FakeProvider(responder=lying) as fake:
        client = openai.OpenAI(base_url=fake.openai_base_url, api_key="test-key", max_retries=0)
        reply = client.chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": "x"}], tools=[TOOL],
            tool_choice={"type": "function", "function": {"name": "record_review"}})
    assert reply.choices[0].message.tool_calls[0].function.arguments == lying({})


def test_embeddings_default_to_1536_dimensions_and_bill_tokens(
        openai_client: openai.OpenAI) -> None:
    result = openai_client.embeddings.create(model="text-embedding-3-small",
                                             input=["refund policy", "shipping times"])
    assert [len(item.embedding) for item in result.data] == [1536, 1536]
    assert result.usage.prompt_tokens == math.ceil(13 / 4) + math.ceil(14 / 4)
    assert math.isclose(sum(v * v for v in result.data[0].embedding), 1.0, rel_tol=1e-5)


def test_embeddings_are_deterministic_and_word_sensitive(openai_client: openai.OpenAI) -> None:
    def vector(text: str) -> list[float]:
        return openai_client.embeddings.create(model="text-embedding-3-small", input=text,
                                               dimensions=256,
                                               encoding_format="float").data[0].embedding

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    refund = vector("how do I get a refund for my order")
    assert len(refund) == 256
    assert refund == vector("how do I get a refund for my order")
    assert cosine(refund, vector("refund for my order")) > cosine(refund, vector("pizza tonight"))


def test_models_list_answers_for_a_key_check(openai_client: openai.OpenAI) -> None:
    assert "gpt-4.1-mini" in [model.id for model in openai_client.models.list()]


def test_unknown_path_is_a_not_found_error_that_names_the_base_url(
        fake_provider: FakeProvider) -> None:
    client = openai.OpenAI(base_url=fake_provider.url, api_key="test-key", max_retries=0)
    try:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    except openai.NotFoundError as exc:
        assert "ending in /v1" in str(exc)
    else:
        raise AssertionError("a base_url without /v1 must not be answered")


def test_concurrent_async_calls_are_all_answered(fake_provider: FakeProvider) -> None:
    """The bounded-concurrency path (run_many) opens many connections at once."""
    async def run() -> list[Any]:
        client = openai.AsyncOpenAI(base_url=fake_provider.openai_base_url, api_key="test-key",
                                    max_retries=0, timeout=10.0)
        return await asyncio.gather(*[client.chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": f"row {i}"}])
            for i in range(40)])

    replies = asyncio.run(run())
    assert [r.choices[0].message.content.endswith(f"row {i}") for i, r in enumerate(replies)] \
        == [True] * 40
    assert len(fake_provider.requests) == 40
