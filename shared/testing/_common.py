"""Pieces both wire formats share: the reply shape, token estimates, answers and fault effects."""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Responder = Callable[[dict[str, Any]], "str | dict[str, Any]"]


@dataclass
class HttpReply:
    """What the handler writes: a plain body, or SSE frames sent with chunked encoding."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    events: Iterable[bytes] | None = None
    content_type: str = "application/json"


@dataclass
class ChatCall:
    """One chat request, normalised: the responder's view plus how the wire wants the answer."""

    request: dict[str, Any]
    stream: bool = False
    tool_name: str | None = None  # set when the answer must come back as a forced tool call
    include_usage: bool = False
    max_tokens: int | None = None  # the request's output limit, if it set one


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpReply:
    """Serialise `payload` compactly, the way the real APIs send it."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return HttpReply(status=status, body=body, headers=headers or {})


def count_tokens(text: str) -> int:
    """A stand-in tokenizer: about four characters a token, never zero."""
    return max(1, math.ceil(len(text) / 4))


def fit_to_limit(text: str, max_tokens: int | None) -> tuple[str, bool]:
    """`text` cut to `max_tokens` in `count_tokens` terms, and whether it was cut.

    Real models stop generating at the limit, mid-word or mid-JSON; so does the fake, so a
    client's "reply was cut off" path runs against the same wire signals the providers send.
    """
    if not max_tokens or max_tokens < 1 or count_tokens(text) <= max_tokens:
        return text, False
    return text[: max_tokens * 4], True


def token_limit(value: Any) -> int | None:
    """A request's `max_tokens`-style field as an int, or None when absent or not a number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def prompt_tokens(request: dict[str, Any]) -> int:
    """Input tokens over the system prompt and every message, as a provider would bill them."""
    parts = [request.get("system") or ""] + [m["content"] for m in request["messages"]]
    return count_tokens("\n".join(parts))


def flatten_content(content: Any) -> str:
    """Text of a message's content, whether a string or a list of typed parts or blocks."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(flatten_content(part) for part in content)
    if isinstance(content, dict):
        if "text" in content:
            return str(content["text"])
        return flatten_content(content.get("content"))
    return str(content)


def answer_as_text(answer: str | dict[str, Any]) -> str:
    """A dict answer becomes its JSON; a str answer is passed through untouched."""
    return answer if isinstance(answer, str) else json.dumps(answer)


def malform(answer: str | dict[str, Any], structured: bool) -> str:
    """The 'malformed' fault: broken JSON for structured calls, garbled words otherwise."""
    text = answer_as_text(answer)
    if structured:
        return text[: max(1, len(text) // 2)] if len(text) > 2 else '{"'
    return "\ufffd" + " ".join(reversed(text.split())) + " \ufffd"


def truncate(reply: HttpReply) -> HttpReply:
    """The 'truncated' fault: a 200 whose JSON stops half-way (for SSE: mid-event)."""
    if reply.events is None:
        return HttpReply(reply.status, reply.body[: len(reply.body) // 2], reply.headers)
    frames = list(reply.events)
    cut = frames[len(frames) // 2]
    broken = cut.rstrip(b"\n")[: max(8, len(cut) // 2)] + b"\n\n"
    return HttpReply(reply.status, headers=reply.headers, content_type=reply.content_type,
                     events=[*frames[: len(frames) // 2], broken])


def sse_frame(data: Any, event: str | None = None) -> bytes:
    """One server-sent event; `data` is JSON-encoded unless it is already a string."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    prefix = f"event: {event}\n" if event else ""
    return f"{prefix}data: {payload}\n\n".encode()


def split_for_stream(text: str) -> Iterator[str]:
    """Cut text into deltas of a few words, like a model emitting tokens."""
    words = text.split(" ")
    for start in range(0, len(words), 3):
        piece = " ".join(words[start:start + 3])
        yield piece if start + 3 >= len(words) else piece + " "


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:24]}"


def now() -> int:
    return int(time.time())
