"""A chat request as the client builds it: prompt coercion, the schema, the repair turn."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ValidationError

from shared.errors import BadInput
from shared.llm._schema import schema_of
from shared.llm._structured import InvalidReply, repair_messages
from shared.llm.types import ChatParams, LLMResult, Message

Prompt = str | Message | Sequence[Message | dict[str, str]]


def to_messages(prompt: Prompt) -> list[Message]:
    """A bare string is one user turn; lists of Message or {"role","content"} dicts pass through.

    Anything else (None, a number: a blank CSV cell read by pandas is a float NaN) is BadInput,
    so one bad row in `run_many` fails alone instead of stopping the run.
    """
    if isinstance(prompt, str):
        return [Message(role="user", content=prompt)]
    if isinstance(prompt, Message):
        return [prompt]
    if not isinstance(prompt, Sequence):
        raise BadInput(f"A prompt must be text or a list of messages, not {type(prompt).__name__}"
                       f" ({str(prompt)[:40]!r}). Check for empty cells in the input.")
    try:
        messages = [m if isinstance(m, Message) else Message.model_validate(m) for m in prompt]
    except ValidationError as err:
        raise BadInput(f"A message is not of the form {{'role': 'user'|'assistant'|'system', "
                       f"'content': text}}: {err.errors(include_url=False)[0]['msg']}.") from None
    if not messages:
        raise BadInput("The prompt is empty: pass a string or at least one message.")
    return messages


class ChatRequest(ChatParams):
    """One chat request in the shape every backend takes; also what the cache key covers."""

    @classmethod
    def build(cls, prompt: Prompt, *, system: str | None, max_tokens: int, temperature: float,
              schema: type[BaseModel] | None = None) -> ChatRequest:
        """The request for a prompt; with `schema`, its JSON schema and name ride along."""
        json_schema, name = schema_of(schema) if schema is not None else (None, "result")
        return cls(messages=to_messages(prompt), system=system, max_tokens=max_tokens,
                   temperature=temperature, json_schema=json_schema, schema_name=name)

    def repaired(self, bad: InvalidReply) -> ChatRequest:
        """The same request plus the bad reply and a request for corrected JSON."""
        return self.model_copy(update={"messages": repair_messages(self.messages, bad)})


def plus_attempt(result: LLMResult, earlier: LLMResult | None) -> LLMResult:
    """The repaired result billed for both attempts (the first reply was paid for too)."""
    if earlier is None:
        return result
    return result.model_copy(update={
        "input_tokens": result.input_tokens + earlier.input_tokens,
        "output_tokens": result.output_tokens + earlier.output_tokens,
        "cost_usd": round(result.cost_usd + earlier.cost_usd, 8),
        "latency_ms": round(result.latency_ms + earlier.latency_ms, 3)})


__all__ = ["ChatRequest", "Prompt", "plus_attempt", "to_messages"]
