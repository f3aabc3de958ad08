"""Responders for the fake provider: functions from a normalised request to a reply.

A responder is `fn(request) -> str | dict`, where request is
`{"provider", "model", "system", "messages": [{"role", "content"}], "json_schema"}`.
A dict reply is JSON-serialised (or becomes the tool input); a str reply is passed
through as the model's raw text even for structured calls, which is how a test makes
a model "lie" to exercise repair paths.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from shared.testing._schema_sample import sample_for_schema

__all__ = ["default_responder", "echo_context", "last_user_text", "lying"]


def last_user_text(request: dict[str, Any]) -> str:
    """The text of the last user turn ("" when there is none)."""
    users = [m["content"] for m in request.get("messages", []) if m.get("role") == "user"]
    return users[-1] if users else ""


def default_responder(request: dict[str, Any]) -> str | dict[str, Any]:
    """A minimal schema-valid object for structured calls; a short deterministic text otherwise.

    The text names a digest of the last user message, so two different prompts never get the
    same answer (a cache or batch-ordering bug shows up) while reruns stay identical.
    """
    if request.get("json_schema") is not None:
        return sample_for_schema(request["json_schema"])
    text = last_user_text(request)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    words = " ".join(text.split()[:12])
    return f"Fake reply [{digest}] to: {words}"


def echo_context(request: dict[str, Any]) -> str | dict[str, Any]:
    """Answer from the last user message: its first sentence after any "Context:" marker.

    Good enough for RAG and extraction tests: the answer is grounded in what was sent, and
    structured calls get every required string field filled with that sentence.
    """
    text = last_user_text(request)
    _, marker, after = text.partition("Context:")
    source = after if marker else text
    sentence = _first_sentence(source)
    schema = request.get("json_schema")
    if schema is None:
        return sentence
    return _fill_strings(sample_for_schema(schema), sentence)


def lying(request: dict[str, Any]) -> str:
    """Always answer with prose that is not JSON: tests the repair and BadModelOutput paths."""
    return "Sure! Here is what you asked for, in prose rather than JSON."


def _first_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)
    return parts[0][:400] if parts and parts[0] else "(empty message)"


def _fill_strings(value: Any, filler: str) -> Any:
    if isinstance(value, dict):
        return {key: _fill_strings(item, filler) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill_strings(item, filler) for item in value]
    return filler if value == "" else value
