"""The OpenAI wire format: chat completions (plain, SSE, json_schema, tools), embeddings, errors."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
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
    now,
    prompt_tokens,
    split_for_stream,
    sse_frame,
    token_limit,
)

_ERRORS = {
    "401": (401, "invalid_request_error", "invalid_api_key",
            "Incorrect API key provided: test-key. You can find your API key at "
            "https://platform.openai.com/account/api-keys."),
    "404": (404, "invalid_request_error", "model_not_found",
            "The model `{model}` does not exist or you do not have access to it."),
    "429": (429, "requests", "rate_limit_exceeded",
            "Rate limit reached for {model} (fake provider). Please try again in 20ms."),
    "500": (500, "server_error", None,
            "The server had an error while processing your request. Sorry about that!"),
    "400": (400, "invalid_request_error", None, "Invalid request."),
}


def error_reply(kind: str, model: str = "", headers: dict[str, str] | None = None,
                message: str | None = None) -> HttpReply:
    """An error in OpenAI's `{"error": {message, type, param, code}}` shape."""
    status, err_type, code, template = _ERRORS[kind]
    body = {"error": {"message": message or template.format(model=model), "type": err_type,
                      "param": None, "code": code}}
    return json_reply(body, status, headers)


def parse_chat(body: dict[str, Any]) -> ChatCall:
    """Normalise a chat-completions body into the responder's request."""
    system_parts, messages = [], []
    for message in body.get("messages") or []:
        text = flatten_content(message.get("content"))
        if message.get("role") in ("system", "developer"):
            system_parts.append(text)
        else:
            messages.append({"role": message.get("role", "user"), "content": text})
    tool_name, schema = _forced_tool(body)
    if tool_name is None:
        schema = _response_format_schema(body.get("response_format"))
    request = {"provider": "openai", "model": body.get("model", ""),
               "system": "\n".join(system_parts) or None, "messages": messages,
               "json_schema": schema}
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    limit = token_limit(body.get("max_completion_tokens")) or token_limit(body.get("max_tokens"))
    return ChatCall(request, bool(body.get("stream")), tool_name, include_usage, limit)


def _response_format_schema(response_format: Any) -> dict[str, Any] | None:
    if not isinstance(response_format, dict):
        return None
    if response_format.get("type") == "json_schema":
        return (response_format.get("json_schema") or {}).get("schema") or {"type": "object"}
    if response_format.get("type") == "json_object":
        return {"type": "object"}
    return None


def _forced_tool(body: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """The tool the request forces, by name or with tool_choice="required" (first tool)."""
    tools = [t.get("function", {}) for t in body.get("tools") or []]
    choice = body.get("tool_choice")
    if not tools or choice in (None, "auto", "none"):
        return None, None
    wanted = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
    tool = next((t for t in tools if t.get("name") == wanted), tools[0])
    return tool.get("name"), tool.get("parameters") or {"type": "object"}


def render_chat(call: ChatCall, answer: str | dict[str, Any]) -> HttpReply:
    """A chat completion (or its SSE stream) carrying `answer`."""
    text = answer_as_text(answer)
    if call.stream:
        return HttpReply(events=_stream_frames(call, text), content_type="text/event-stream")
    return json_reply(completion_body(call, text))


def _fit(call: ChatCall, text: str) -> tuple[str, str]:
    """The text the model gets to emit within the request's limit, and the finish_reason.

    Cut at the limit, OpenAI says "length" even for a tool call, whose arguments stop short.
    """
    text, cut = fit_to_limit(text, call.max_tokens)
    if cut:
        return text, "length"
    return text, "tool_calls" if call.tool_name else "stop"


def completion_body(call: ChatCall, text: str) -> dict[str, Any]:
    """The `chat.completion` object; also what each batch output line carries."""
    text, finish = _fit(call, text)
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None,
                               "annotations": []}
    if call.tool_name:
        message.update(content=None, tool_calls=[_tool_call(call.tool_name, text)])
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    return {**_envelope(call, "chat.completion"), "choices": [choice],
            "usage": _usage(call, text)}


def _tool_call(name: str, arguments: str) -> dict[str, Any]:
    return {"id": new_id("call_"), "type": "function",
            "function": {"name": name, "arguments": arguments}}


def _envelope(call: ChatCall, kind: str) -> dict[str, Any]:
    return {"id": new_id("chatcmpl-"), "object": kind, "created": now(),
            "model": call.request["model"], "service_tier": "default",
            "system_fingerprint": "fp_fake"}


def _usage(call: ChatCall, text: str) -> dict[str, Any]:
    prompt, completion = prompt_tokens(call.request), count_tokens(text)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0}}


def _stream_frames(call: ChatCall, text: str) -> Iterator[bytes]:
    """Role chunk, content (or tool-argument) deltas, finish chunk, usage chunk, [DONE]."""
    envelope = _envelope(call, "chat.completion.chunk")
    text, finish = _fit(call, text)
    extra = {"usage": None} if call.include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse_frame({**envelope, "choices": [choice], **extra})

    if call.tool_name:
        first = _tool_call(call.tool_name, "")
        yield chunk({"role": "assistant", "content": None, "tool_calls": [{"index": 0, **first}]})
        for piece in split_for_stream(text):
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
    else:
        yield chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in split_for_stream(text):
            yield chunk({"content": piece})
    yield chunk({}, finish)
    if call.include_usage:
        yield sse_frame({**envelope, "choices": [], "usage": _usage(call, text)})
    yield sse_frame("[DONE]")


def render_embeddings(body: dict[str, Any], drop_last: bool = False) -> HttpReply:
    """Deterministic vectors: hashed words, so texts sharing words land near each other."""
    texts = body.get("input")
    texts = [texts] if isinstance(texts, str) else list(texts or [])
    if texts and not all(isinstance(t, str) for t in texts):
        return error_reply("400", message="The fake provider embeds only strings.")
    dimensions = int(body.get("dimensions") or 1536)
    as_base64 = body.get("encoding_format") == "base64"
    data = [{"object": "embedding", "index": i,
             "embedding": _encode(embed_text(t, dimensions), as_base64)}
            for i, t in enumerate(texts)]
    tokens = sum(count_tokens(t) for t in texts)
    return json_reply({"object": "list", "data": data[:-1] if drop_last else data,
                       "model": body.get("model", ""),
                       "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def embed_text(text: str, dimensions: int) -> list[float]:
    """Unit vector from signed feature hashing of lower-cased words (or the whole text)."""
    vector = [0.0] * dimensions
    for feature in re.findall(r"\w+", text.lower()) or [text]:
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        slot = int.from_bytes(digest[:4], "little") % dimensions
        vector[slot] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def _encode(vector: list[float], as_base64: bool) -> list[float] | str:
    if not as_base64:
        return vector
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def models_list(model_ids: list[str]) -> HttpReply:
    """`GET /v1/models`, so a doctor-style key check has something to list."""
    data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake-provider"}
            for m in model_ids]
    return json_reply({"object": "list", "data": data})


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """The request body as a dict; raises ValueError with a message for a 400."""
    body = json.loads(raw or b"{}")
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    return body
