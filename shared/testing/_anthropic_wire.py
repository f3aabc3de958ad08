"""The Anthropic wire format: messages (plain, SSE, tools, output_config JSON schema), errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from shared.testing._common import (
    ChatCall,
    HttpReply,
    answer_as_text,
    count_tokens,
    fit_to_limit,
    flatten_content,
    json_reply,
    new_id,
    prompt_tokens,
    split_for_stream,
    sse_frame,
    token_limit,
)

_ERRORS = {
    "401": (401, "authentication_error", "invalid x-api-key"),
    "404": (404, "not_found_error", "model: {model}"),
    "429": (429, "rate_limit_error",
            "This request would exceed the rate limit for your organization (fake provider)."),
    "500": (500, "api_error", "Internal server error"),
    "400": (400, "invalid_request_error", "Invalid request."),
}


def error_reply(kind: str, model: str = "", headers: dict[str, str] | None = None,
                message: str | None = None) -> HttpReply:
    """An error in Anthropic's `{"type": "error", "error": {type, message}}` shape."""
    status, err_type, template = _ERRORS[kind]
    body = {"type": "error",
            "error": {"type": err_type, "message": message or template.format(model=model)},
            "request_id": new_id("req_")}
    return json_reply(body, status, headers)


def parse_messages(body: dict[str, Any]) -> ChatCall:
    """Normalise a messages body into the responder's request."""
    messages = [{"role": m.get("role", "user"), "content": flatten_content(m.get("content"))}
                for m in body.get("messages") or []]
    tool_name, schema = _forced_tool(body)
    if tool_name is None:
        schema = _output_format_schema(body)
    request = {"provider": "anthropic", "model": body.get("model", ""),
               "system": flatten_content(body.get("system")) or None, "messages": messages,
               "json_schema": schema}
    return ChatCall(request, bool(body.get("stream")), tool_name,
                    max_tokens=token_limit(body.get("max_tokens")))


def _forced_tool(body: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """The tool forced by tool_choice {"type": "tool", "name"} or {"type": "any"}."""
    tools = body.get("tools") or []
    choice = body.get("tool_choice") or {}
    if not tools or choice.get("type") not in ("tool", "any"):
        return None, None
    tool = next((t for t in tools if t.get("name") == choice.get("name")), tools[0])
    return tool.get("name"), tool.get("input_schema") or {"type": "object"}


def _output_format_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """Structured outputs: `output_config.format` (GA) or the older `output_format`."""
    fmt = (body.get("output_config") or {}).get("format") or body.get("output_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        return fmt.get("schema") or {"type": "object"}
    return None


def render_messages(call: ChatCall, answer: str | dict[str, Any]) -> HttpReply:
    """A message (or its SSE stream) carrying `answer`."""
    if call.stream:
        return HttpReply(events=_stream_frames(call, answer), content_type="text/event-stream")
    return json_reply(message_body(call, answer))


def message_body(call: ChatCall, answer: str | dict[str, Any]) -> dict[str, Any]:
    """The `message` object; also what each batch result line carries."""
    text, cut = fit_to_limit(answer_as_text(answer), call.max_tokens)
    block = _content_block(call, answer, text, cut)
    return {**_envelope(call, output_tokens=count_tokens(text)), "content": [block],
            "stop_reason": _stop_reason(block, cut)}


def _stop_reason(block: dict[str, Any], cut: bool) -> str:
    if cut:
        return "max_tokens"
    return "tool_use" if block["type"] == "tool_use" else "end_turn"


def _content_block(call: ChatCall, answer: str | dict[str, Any], text: str,
                   cut: bool) -> dict[str, Any]:
    """A tool_use block when a tool is forced and the answer is an object; text otherwise.

    A str answer to a forced tool that is not a JSON object comes back as a text block: the
    model ignored the tool, which is what a client's repair path must handle. `text` is the
    answer as emitted, already cut to the request's max_tokens when `cut`.
    """
    tool_input = _as_object(answer) if call.tool_name else None
    if tool_input is not None:
        return {"type": "tool_use", "id": new_id("toolu_"), "name": call.tool_name,
                "input": _partial_object(text) if cut else tool_input}
    return {"type": "text", "text": text, "citations": None}


def _partial_object(cut_json: str) -> dict[str, Any]:
    """A tool input cut off mid-JSON, as the API hands it over: the complete part, parsed.

    Anthropic still returns the `tool_use` block when max_tokens stops it; its input is what
    had been generated. Parsing the prefix the way the SDK's own stream accumulator does (jiter
    in partial mode, dropping an unfinished string) makes the plain and streamed replies agree.
    """
    from jiter import from_json  # the anthropic SDK's own dependency

    try:
        value = from_json(cut_json.encode(), partial_mode=True)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _as_object(answer: str | dict[str, Any]) -> dict[str, Any] | None:
    if isinstance(answer, dict):
        return answer
    try:
        parsed = json.loads(answer)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _envelope(call: ChatCall, output_tokens: int) -> dict[str, Any]:
    usage = {"input_tokens": prompt_tokens(call.request), "output_tokens": output_tokens,
             "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
             "service_tier": "standard"}
    return {"id": new_id("msg_"), "type": "message", "role": "assistant",
            "model": call.request["model"], "content": [], "stop_reason": None,
            "stop_sequence": None, "usage": usage}


def _stream_frames(call: ChatCall, answer: str | dict[str, Any]) -> Iterator[bytes]:
    """message_start, one content block with its deltas, message_delta (usage), message_stop."""
    text, cut = fit_to_limit(answer_as_text(answer), call.max_tokens)
    block = _content_block(call, answer, text, cut)
    yield sse_frame({"type": "message_start", "message": _envelope(call, 1)}, "message_start")
    opening = {**block, "input": {}} if block["type"] == "tool_use" else {**block, "text": ""}
    yield _event({"type": "content_block_start", "index": 0, "content_block": opening})
    yield _event({"type": "ping"})
    for piece in split_for_stream(text):
        delta = ({"type": "input_json_delta", "partial_json": piece}
                 if block["type"] == "tool_use" else {"type": "text_delta", "text": piece})
        yield _event({"type": "content_block_delta", "index": 0, "delta": delta})
    yield _event({"type": "content_block_stop", "index": 0})
    stop = _stop_reason(block, cut)
    yield _event({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                  "usage": {"output_tokens": count_tokens(text)}})
    yield _event({"type": "message_stop"})


def _event(data: dict[str, Any]) -> bytes:
    return sse_frame(data, data["type"])


def models_list(model_ids: list[str]) -> HttpReply:
    """`GET /v1/models` in Anthropic's paginated shape."""
    data = [{"type": "model", "id": m, "display_name": m, "created_at": "2026-01-01T00:00:00Z"}
            for m in model_ids]
    return json_reply({"data": data, "has_more": False,
                       "first_id": data[0]["id"] if data else None,
                       "last_id": data[-1]["id"] if data else None})
