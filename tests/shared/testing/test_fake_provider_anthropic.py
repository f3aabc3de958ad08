"""The Anthropic wire format, driven by the real `anthropic` SDK over loopback."""

from __future__ import annotations

import json
import math
from typing import Any

import anthropic

from shared.testing.fake_provider import FakeProvider
from shared.testing.responders import lying

CONTACT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "years": {"type": "integer", "minimum": 0},
                   "skills": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    "required": ["name", "years", "skills"],
}
TOOL = {"name": "record_contact", "description": "Save the parsed résumé header.",
        "input_schema": CONTACT_SCHEMA}
FORCE_TOOL = {"type": "tool", "name": "record_contact"}


def test_plain_message_answers_with_usage(ask_anthropic: Any,
                                          fake_provider: FakeProvider) -> None:
    reply = ask_anthropic("What does the premium plan include?")
    assert reply.content[0].type == "text"
    assert "premium plan include" in reply.content[0].text
    assert reply.stop_reason == "end_turn"
    assert reply.usage.input_tokens == math.ceil(len("What does the premium plan include?") / 4)
    assert reply.usage.output_tokens == math.ceil(len(reply.content[0].text) / 4)
    recorded = fake_provider.requests[-1]
    assert (recorded["provider"], recorded["path"], recorded["model"]) == (
        "anthropic", "/v1/messages", "claude-haiku-4-5")
    assert recorded["body"]["max_tokens"] == 256


def test_system_blocks_reach_the_responder_as_text() -> None:
    seen: list[dict[str, Any]] = []
    with FakeProvider(responder=lambda request: seen.append(request) or "ok") as fake:
        client = anthropic.Anthropic(base_url=fake.anthropic_base_url, api_key="test-key")
        client.messages.create(
            model="claude-haiku-4-5", max_tokens=10,
            system=[{"type": "text", "text": "You screen résumés."}],
            messages=[{"role": "user", "content": [{"type": "text", "text": "Read this"}]}])
    assert seen[0]["system"] == "You screen résumés."
    assert seen[0]["messages"] == [{"role": "user", "content": "Read this"}]
    assert seen[0]["json_schema"] is None


def test_raw_stream_has_the_real_event_sequence(anthropic_client: anthropic.Anthropic) -> None:
    events = list(anthropic_client.messages.create(
        model="claude-haiku-4-5", max_tokens=100, stream=True,
        messages=[{"role": "user", "content": "Stream a few words back to me"}]))
    kinds = [event.type for event in events]
    assert kinds[:2] == ["message_start", "content_block_start"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert kinds.count("content_block_delta") > 1
    assert events[-2].usage.output_tokens >= 1


def test_stream_helper_rebuilds_the_text_and_usage(anthropic_client: anthropic.Anthropic,
                                                   ask_anthropic: Any) -> None:
    text = "Stream a few words back to me please"
    with anthropic_client.messages.stream(model="claude-haiku-4-5", max_tokens=100,
                                          messages=[{"role": "user", "content": text}]) as stream:
        streamed = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert streamed == ask_anthropic(text).content[0].text
    assert final.usage.output_tokens == math.ceil(len(streamed) / 4)
    assert final.usage.input_tokens >= 1


def test_forced_tool_returns_a_tool_use_block(ask_anthropic: Any) -> None:
    reply = ask_anthropic("Jane, 7 years of SQL", tools=[TOOL], tool_choice=FORCE_TOOL)
    block = reply.content[0]
    assert (block.type, block.name, reply.stop_reason) == ("tool_use", "record_contact",
                                                           "tool_use")
    assert block.input == {"name": "", "years": 0, "skills": [""]}


def test_streamed_tool_use_reassembles_its_input(anthropic_client: anthropic.Anthropic) -> None:
    with anthropic_client.messages.stream(
            model="claude-haiku-4-5", max_tokens=100, tools=[TOOL], tool_choice=FORCE_TOOL,
            messages=[{"role": "user", "content": "Jane"}]) as stream:
        final = stream.get_final_message()
    assert final.content[0].input == {"name": "", "years": 0, "skills": [""]}


def test_output_config_json_schema_answers_json_text(ask_anthropic: Any) -> None:
    reply = ask_anthropic("Jane", output_config={"format": {"type": "json_schema",
                                                            "schema": CONTACT_SCHEMA}})
    assert json.loads(reply.content[0].text) == {"name": "", "years": 0, "skills": [""]}


def test_a_non_json_str_reply_to_a_forced_tool_comes_back_as_text() -> None:
    with FakeProvider(responder=lying) as fake:
        client = anthropic.Anthropic(base_url=fake.anthropic_base_url, api_key="test-key")
        reply = client.messages.create(model="claude-haiku-4-5", max_tokens=50, tools=[TOOL],
                                       tool_choice=FORCE_TOOL,
                                       messages=[{"role": "user", "content": "Jane"}])
    assert [block.type for block in reply.content] == ["text"]
    assert reply.content[0].text == lying({})


def test_a_json_str_reply_to_a_forced_tool_becomes_its_input() -> None:
    with FakeProvider(responder=lambda request: '{"name": "Jane"}') as fake:
        client = anthropic.Anthropic(base_url=fake.anthropic_base_url, api_key="test-key")
        reply = client.messages.create(model="claude-haiku-4-5", max_tokens=50, tools=[TOOL],
                                       tool_choice={"type": "any"},
                                       messages=[{"role": "user", "content": "Jane"}])
    assert reply.content[0].input == {"name": "Jane"}


def test_models_list_speaks_anthropic_to_the_anthropic_sdk(
        anthropic_client: anthropic.Anthropic) -> None:
    ids = [model.id for model in anthropic_client.models.list()]
    assert "claude-haiku-4-5" in ids
