"""The fake honours max_tokens the way each provider does: the reply stops at the limit and the
wire says so (OpenAI finish_reason "length", Anthropic stop_reason "max_tokens")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from shared.testing.fake_provider import FakeProvider

LONG_TEXT = " ".join(f"word{i}" for i in range(60))  # 60 words, well over 10 tokens
CONTACT = {"name": "Ada Lovelace", "summary": "Wrote the first published program " * 4}
TOOL = {"name": "record_contact", "description": "Save the contact.",
        "input_schema": {"type": "object",
                         "properties": {"name": {"type": "string"},
                                        "summary": {"type": "string"}},
                         "required": ["name"]}}
FORCE_TOOL = {"type": "tool", "name": "record_contact"}


def responder(request: dict[str, Any]) -> str | dict[str, Any]:
    return CONTACT if request["json_schema"] is not None else LONG_TEXT


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider(responder=responder) as server:
        yield server


@pytest.fixture
def oai(fake: FakeProvider) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.openai_base_url, api_key="k", max_retries=0, timeout=2.0)


@pytest.fixture
def claude(fake: FakeProvider) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=fake.anthropic_base_url, api_key="k", max_retries=0,
                               timeout=2.0)


def ask(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "Tell me"}], **kwargs)


def claude_params(limit: int, **extra: Any) -> dict[str, Any]:
    return {"model": "claude-haiku-4-5", "max_tokens": limit,
            "messages": [{"role": "user", "content": "Tell me"}], **extra}


@pytest.mark.parametrize("limit_name", ["max_completion_tokens", "max_tokens"])
def test_openai_reply_is_cut_at_the_limit_and_says_length(oai: openai.OpenAI,
                                                          limit_name: str) -> None:
    reply = ask(oai, **{limit_name: 5})
    assert reply.choices[0].message.content == LONG_TEXT[:20]
    assert reply.choices[0].finish_reason == "length"
    assert reply.usage.completion_tokens == 5


def test_openai_reply_within_the_limit_is_whole(oai: openai.OpenAI) -> None:
    exact = -(-len(LONG_TEXT) // 4)  # exactly the reply's size: nothing to cut
    reply = ask(oai, max_completion_tokens=exact)
    assert reply.choices[0].message.content == LONG_TEXT
    assert reply.choices[0].finish_reason == "stop"
    assert ask(oai).choices[0].finish_reason == "stop"  # no limit sent: never cut


def test_openai_stream_is_cut_and_its_final_chunk_says_length(oai: openai.OpenAI) -> None:
    chunks = list(ask(oai, max_completion_tokens=6, stream=True,
                      stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert text == LONG_TEXT[:24]
    assert finishes[-1] == "length" and set(finishes[:-1]) == {None}
    assert chunks[-1].usage.completion_tokens == 6


def test_openai_forced_tool_arguments_are_cut_too(oai: openai.OpenAI) -> None:
    tool = {"type": "function", "function": {"name": TOOL["name"],
                                             "parameters": TOOL["input_schema"]}}
    reply = ask(oai, max_completion_tokens=4, tools=[tool],
                tool_choice={"type": "function", "function": {"name": TOOL["name"]}})
    arguments = reply.choices[0].message.tool_calls[0].function.arguments
    assert arguments == json.dumps(CONTACT)[:16]
    assert reply.choices[0].finish_reason == "length"
    with pytest.raises(ValueError):
        json.loads(arguments)


def test_openai_json_schema_reply_is_cut_mid_json(oai: openai.OpenAI) -> None:
    schema = {"type": "json_schema", "json_schema": {"name": "c", "schema": TOOL["input_schema"]}}
    reply = ask(oai, max_completion_tokens=7, response_format=schema)
    assert reply.choices[0].message.content == json.dumps(CONTACT)[:28]
    assert reply.choices[0].finish_reason == "length"


def test_anthropic_reply_is_cut_and_says_max_tokens(claude: anthropic.Anthropic) -> None:
    reply = claude.messages.create(**claude_params(5))
    assert reply.content[0].text == LONG_TEXT[:20]
    assert (reply.stop_reason, reply.usage.output_tokens) == ("max_tokens", 5)
    assert claude.messages.create(**claude_params(500)).stop_reason == "end_turn"


def test_anthropic_stream_is_cut_and_message_delta_says_max_tokens(
        claude: anthropic.Anthropic) -> None:
    events = list(claude.messages.create(**claude_params(5), stream=True))
    delta = next(e for e in events if e.type == "message_delta")
    assert (delta.delta.stop_reason, delta.usage.output_tokens) == ("max_tokens", 5)
    with claude.messages.stream(**claude_params(5)) as stream:
        assert "".join(stream.text_stream) == LONG_TEXT[:20]
        assert stream.get_final_message().stop_reason == "max_tokens"


def test_anthropic_cut_tool_use_keeps_the_complete_part_of_its_input(
        claude: anthropic.Anthropic) -> None:
    """`{"name": "Ada Lovelace", "summary": "Wrote th` -> {"name": "Ada Lovelace"}: the block is
    still tool_use, its unfinished string is dropped, and a stream agrees with the plain call."""
    params = claude_params(10, tools=[TOOL], tool_choice=FORCE_TOOL)
    reply = claude.messages.create(**params)
    block = reply.content[0]
    assert (block.type, block.input) == ("tool_use", {"name": "Ada Lovelace"})
    assert (reply.stop_reason, reply.usage.output_tokens) == ("max_tokens", 10)
    with claude.messages.stream(**params) as stream:
        final = stream.get_final_message()
    assert final.content[0].input == {"name": "Ada Lovelace"}
    assert final.stop_reason == "max_tokens"


def test_anthropic_tool_cut_before_any_field_completes_has_empty_input(
        claude: anthropic.Anthropic) -> None:
    reply = claude.messages.create(**claude_params(2, tools=[TOOL], tool_choice=FORCE_TOOL))
    assert (reply.content[0].type, reply.content[0].input) == ("tool_use", {})
    assert reply.stop_reason == "max_tokens"
