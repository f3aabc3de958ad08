"""Validating a structured reply against its pydantic model, and the one repair turn.

Providers' JSON modes make bad output rare, not impossible (a local model in non-strict mode).
One repair turn, showing the model its reply and the validation error, fixes most of those; a
second failure is reported with the raw text so a person can see it. A reply cut off at
max_tokens is not repaired: the repair would be cut at the same limit, so the caller is told at
once to raise it.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from shared.errors import BadModelOutput
from shared.llm.types import LLMResult, Message, RawReply

_ERROR_LIMIT = 1500
T = TypeVar("T", bound=BaseModel)

REPAIR_INSTRUCTION = (
    "Your previous reply could not be used: {error}\n"
    "Reply again with only the corrected JSON object that matches the schema. "
    "No prose, no code fences."
)


class InvalidReply(BadModelOutput):
    """A paid-for reply that failed validation; `reply` keeps its text and token usage."""

    def __init__(self, message: str, reply: RawReply) -> None:
        super().__init__(message, raw_text=reply.text)
        self.reply = reply
        self.spent: LLMResult | None = None  # the priced reply, set by the client


class ReplyCutOff(BadModelOutput):
    """A structured reply stopped by max_tokens: unusable, and not worth a repair turn."""

    def __init__(self, reply: RawReply, max_tokens: int | None) -> None:
        limit = (f"max_tokens={max_tokens}" if max_tokens
                 else f"max_tokens ({reply.output_tokens} output tokens)")
        super().__init__(f"The model's reply was cut off at {limit} before the JSON was "
                         "complete. Raise max_tokens (or ask for less), then retry.",
                         raw_text=reply.text)
        self.reply = reply
        self.spent: LLMResult | None = None  # the priced reply, set by the client


def parse_complete_reply(reply: RawReply, schema: type[T], max_tokens: int | None) -> T:
    """`parse_reply` for a reply that ran to its end; a cut-off one raises ReplyCutOff, even
    when its prefix happens to validate (optional fields would silently go missing)."""
    if reply.stop_reason == "max_tokens":
        raise ReplyCutOff(reply, max_tokens)
    return parse_reply(reply, schema)


def parse_reply(reply: RawReply, schema: type[T]) -> T:
    """The schema instance for a reply, or InvalidReply saying what was wrong."""
    try:
        if reply.structured is not None:
            return schema.model_validate(reply.structured)
        return schema.model_validate_json(_strip_fences(reply.text))
    except ValidationError as err:
        raise InvalidReply(_describe(err, schema), reply) from err


def repair_messages(messages: list[Message], bad: InvalidReply) -> list[Message]:
    """The original turns, the bad reply, and a request for corrected JSON."""
    instruction = REPAIR_INSTRUCTION.format(error=bad.message[:_ERROR_LIMIT])
    return [*messages, Message(role="assistant", content=bad.raw_text or "(empty reply)"),
            Message(role="user", content=instruction)]


def final_failure(bad: InvalidReply, schema: type[BaseModel]) -> BadModelOutput:
    """The error a caller sees after the repair also failed; carries the last raw text."""
    return BadModelOutput(
        f"The model's reply still did not match {schema.__name__} after one repair attempt "
        f"({bad.message[:300]}). Try a stronger model (AIPM_MODEL) or a simpler schema; "
        "the raw reply is in `raw_text`.", raw_text=bad.raw_text)


def _strip_fences(text: str) -> str:
    """Models without a JSON mode often wrap JSON in ```json fences; accept that."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        return stripped.removesuffix("```").strip()
    return stripped


def _describe(err: ValidationError, schema: type[BaseModel]) -> str:
    problems = [f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
                for e in err.errors(include_url=False)[:8]]
    return f"not valid {schema.__name__} JSON: " + "; ".join(problems)


__all__ = ["InvalidReply", "ReplyCutOff", "final_failure", "parse_complete_reply",
           "parse_reply", "repair_messages"]
