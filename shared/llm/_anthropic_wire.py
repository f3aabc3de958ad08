"""The Anthropic Messages wire format: kit request -> request params, Message -> `RawReply`.

The one place these conversions live, imported by the chat backend (`_anthropic`) and the
batch module (`_anthropic_batch`), so a batch item's `params` is exactly what a single call
sends. Structured output uses tool use (one tool whose `input_schema` is the JSON schema,
forced with `tool_choice`), the mechanism Anthropic documents for schema-shaped answers.

The SDK 2.x speaks API version 2026-10-21, which rejects `temperature` (HTTP 400 even at its
default), so `temperature` is accepted for interface parity and not sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shared.errors import BadInput
from shared.llm.types import ChatParams, Message, RawReply, stop_reason_of

TOOL_NAME_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")  # tool names allow only these


def split_system(messages: list[Message], system: str | None) -> tuple[str | None, list[dict]]:
    """Anthropic takes the system prompt as a top-level field, so system turns are folded in."""
    system_parts = [system] if system else []
    turns: list[dict] = []
    for message in messages:
        if message.role == "system":
            system_parts.append(message.content)
        else:
            turns.append({"role": message.role, "content": message.content})
    return ("\n\n".join(system_parts) or None), turns


def tool_params(json_schema: dict[str, Any], schema_name: str) -> dict[str, Any]:
    """One tool shaped like the schema, and `tool_choice` forcing the model to call it."""
    if json_schema.get("type") != "object":
        raise BadInput(f"Anthropic structured output needs an object schema, got "
                       f"type={json_schema.get('type')!r} for '{schema_name}'. "
                       "Wrap the value in a pydantic model with one field.")
    name = TOOL_NAME_UNSAFE.sub("_", schema_name)[:64] or "result"
    tool = {"name": name, "input_schema": json_schema,
            "description": f"Record the answer as a {name} object."}
    return {"tools": [tool], "tool_choice": {"type": "tool", "name": name}}


def message_params(model: str, params: ChatParams) -> dict[str, Any]:
    """The body of one Messages API call; batches reuse it as each item's `params`."""
    system_text, turns = split_system(params.messages, params.system)
    body: dict[str, Any] = {"model": model, "max_tokens": params.max_tokens, "messages": turns}
    if system_text:
        body["system"] = system_text
    if params.json_schema is not None:
        body.update(tool_params(params.json_schema, params.schema_name))
    return body


def reply_from_message(message: Any) -> RawReply:
    """A tool call becomes `structured` (and its JSON the text); plain text is left for repair."""
    usage = message.usage
    common = {"model": message.model, "input_tokens": usage.input_tokens or 0,
              "output_tokens": usage.output_tokens or 0,
              "stop_reason": stop_reason_of(message.stop_reason)}
    tool_input = next((b.input for b in message.content if b.type == "tool_use"), None)
    if isinstance(tool_input, dict):
        return RawReply(text=json.dumps(tool_input), structured=tool_input, **common)
    text = "".join(block.text for block in message.content if block.type == "text")
    return RawReply(text=text, **common)


__all__ = ["message_params", "reply_from_message", "split_system", "tool_params"]
