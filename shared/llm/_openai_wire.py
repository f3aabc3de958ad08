"""The OpenAI chat-completions wire format: kit request -> request body, reply -> `RawReply`.

The one place these conversions live, imported by the chat backend (`_openai`) and the batch
module (`_openai_batch`) alike, so a batch line is byte-for-byte the body a single call sends
and neither module imports the other.
"""

from __future__ import annotations

import json
from typing import Any

from shared.errors import BadModelOutput
from shared.llm._schema import openai_response_format
from shared.llm.types import ChatParams, RawReply, stop_reason_of

Outcome = RawReply | BadModelOutput


def chat_body(provider: str, model: str, params: ChatParams) -> dict[str, Any]:
    """The body of one chat-completions call; batch files reuse it for each line."""
    wire = [{"role": "system", "content": params.system}] if params.system else []
    wire.extend({"role": m.role, "content": m.content} for m in params.messages)
    # OpenAI's newer models reject `max_tokens`; local servers may not know its successor.
    limit = "max_completion_tokens" if provider == "openai" else "max_tokens"
    body = {"model": model, "messages": wire, limit: params.max_tokens,
            "temperature": params.temperature}
    if params.json_schema is not None:
        body["response_format"] = openai_response_format(params.json_schema, params.schema_name)
    return body


def raw_reply(reply: Any, model: str) -> RawReply:
    """A ChatCompletion (SDK object) as the kit's RawReply; a refusal comes back as the text."""
    choice = reply.choices[0] if reply.choices else None
    message = choice.message if choice else None
    text = (message.content or message.refusal or "") if message else ""
    usage = reply.usage
    return RawReply(
        text=text, model=reply.model or model,
        stop_reason=stop_reason_of(choice.finish_reason if choice else None),
        input_tokens=(usage.prompt_tokens or 0) if usage else 0,
        output_tokens=(usage.completion_tokens or 0) if usage else 0,
    )


class StreamUsage:
    """Accumulates a stream's text, reported model and final usage chunk."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.parts: list[str] = []
        self.input_tokens = 0
        self.output_tokens = 0
        self.finish_reason: str | None = None

    def add(self, chunk: Any) -> str:
        """Record one chunk; return its text delta ("" when it carries none)."""
        self.model = chunk.model or self.model
        if chunk.usage is not None:
            self.input_tokens = chunk.usage.prompt_tokens or 0
            self.output_tokens = chunk.usage.completion_tokens or 0
        if chunk.choices and chunk.choices[0].finish_reason:
            self.finish_reason = chunk.choices[0].finish_reason
        delta = chunk.choices[0].delta.content if chunk.choices else None
        if delta:
            self.parts.append(delta)
        return delta or ""

    def reply(self) -> RawReply:
        return RawReply(text="".join(self.parts), model=self.model,
                        input_tokens=self.input_tokens, output_tokens=self.output_tokens,
                        stop_reason=stop_reason_of(self.finish_reason))


def reply_from_chat_body(body: dict[str, Any]) -> Outcome:
    """A chat-completion body (plain JSON, as batch output carries it) as a RawReply."""
    choices = body.get("choices") or []
    message = choices[0].get("message") or {} if choices else {}
    if message.get("refusal"):
        return BadModelOutput(f"The model refused this item: {message['refusal']}",
                              raw_text=message["refusal"])
    if not isinstance(message.get("content"), str):
        return BadModelOutput("The batch reply for this item has no text; submit it again.")
    usage = body.get("usage") or {}
    return RawReply(text=message["content"], model=body.get("model", ""),
                    input_tokens=usage.get("prompt_tokens") or 0,
                    output_tokens=usage.get("completion_tokens") or 0,
                    structured=json_object(message["content"]),
                    stop_reason=stop_reason_of(choices[0].get("finish_reason")))


def json_object(text: str) -> dict[str, Any] | None:
    """The text as a JSON object, or None: the client validates (and repairs) either way."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


__all__ = ["StreamUsage", "chat_body", "json_object", "raw_reply", "reply_from_chat_body"]
