"""The LLM layer's data types and the one protocol each wire format implements.

Products only see `LLMClient` (in `client.py`) and these result types; a backend is the
small class per wire format (OpenAI, Anthropic) that turns one request into one `RawReply`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from shared.errors import AIPMError, BadInput

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    """One chat turn; system prompts travel separately as `system=`."""

    role: Role
    content: str


class ModelId(BaseModel):
    """A parsed `provider:model` string."""

    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_model_id(value: str, default_provider: str | None = None) -> ModelId:
    """The one place `provider:model` is parsed: "anthropic:claude-x" -> (anthropic, claude-x).

    A bare model name takes `default_provider`. Ollama tags keep their own colon
    ("ollama:llama3.2:3b" -> (ollama, llama3.2:3b)).
    """
    provider, sep, model = value.partition(":")
    if not sep:
        if default_provider is None:
            raise BadInput(f"Model '{value}' has no provider. Write it as provider:model, "
                           "for example openai:gpt-4.1-mini or ollama:llama3.2.")
        return ModelId(provider=default_provider, model=value)
    if not provider or not model:
        raise BadInput(f"Model '{value}' is not of the form provider:model.")
    return ModelId(provider=provider, model=model)


StopReason = Literal["end", "max_tokens", "tool"]
_STOP_REASONS: dict[str, StopReason] = {
    # OpenAI finish_reason
    "stop": "end", "length": "max_tokens", "tool_calls": "tool", "function_call": "tool",
    # Anthropic stop_reason (a full context window cuts the reply just like max_tokens)
    "end_turn": "end", "stop_sequence": "end", "max_tokens": "max_tokens",
    "model_context_window_exceeded": "max_tokens", "tool_use": "tool",
}


def stop_reason_of(provider_reason: str | None) -> StopReason | None:
    """A provider's finish/stop reason in the kit's words; None when unknown or absent
    (e.g. content_filter, refusal, pause_turn: none of them means "cut short")."""
    return _STOP_REASONS.get(provider_reason or "")


class RawReply(BaseModel):
    """What a backend returns for one request, before cost, latency and tracing are added."""

    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    structured: dict[str, Any] | None = None  # tool input or parsed JSON object
    stop_reason: StopReason | None = None  # "max_tokens": the reply was cut off at the limit


class LLMResult(BaseModel):
    """Every call's result: the text (and parsed object for structured calls) plus its bill."""

    text: str
    parsed: Any = None
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    cached: bool = False
    truncated: bool = False  # cut off at max_tokens: show "answer cut short", or raise the limit


class EmbeddingResult(BaseModel):
    """Vectors in input order, with the usage that produced them."""

    vectors: list[list[float]]
    provider: str
    model: str
    input_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0


class ChatParams(BaseModel):
    """What one chat call sends, declared once for a single call (`ChatRequest`), a stream and a
    batch item; every backend capability takes it whole."""

    messages: list[Message]
    system: str | None = None
    max_tokens: int = 1024
    temperature: float = 0.0
    json_schema: dict[str, Any] | None = None
    schema_name: str = "result"


class BatchRequest(ChatParams):
    """One item of a provider batch; `custom_id` ties the answer back to the caller's row."""

    custom_id: str


class BatchJob(BaseModel):
    """A submitted provider batch; persist it (it is plain JSON) to collect results later."""

    id: str
    provider: str
    model: str
    status: Literal["in_progress", "completed", "failed", "cancelled", "expired"]
    request_count: int
    counts: dict[str, int] = Field(default_factory=dict)
    custom_ids: list[str] = Field(default_factory=list)  # every submitted id, so none is lost


class BatchItemResult(BaseModel):
    """One item's outcome: a result, or an error that says why this row failed."""

    custom_id: str
    result: LLMResult | None = None
    error: str | None = None


class ChatBackend(Protocol):
    """Chat over one wire format. Implementations configure the SDK's own retries and timeouts."""

    def complete(self, model: str, params: ChatParams) -> RawReply: ...

    async def acomplete(self, model: str, params: ChatParams) -> RawReply: ...

    def stream(self, model: str, params: ChatParams) -> Iterator[str | RawReply]:
        """Yield text deltas, then exactly one final `RawReply` carrying the usage."""
        ...

    def astream(self, model: str, params: ChatParams) -> AsyncIterator[str | RawReply]: ...


class EmbeddingBackend(Protocol):
    """Embeddings, for the providers that have an embeddings API."""

    def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], int]:
        """Vectors in input order and the input tokens billed."""
        ...


class BatchBackend(Protocol):
    """A provider's batch API (half price, results within 24 h)."""

    def submit_batch(self, model: str, requests: list[BatchRequest]) -> BatchJob: ...

    def poll_batch(self, job: BatchJob) -> BatchJob: ...

    def collect_batch(self, job: BatchJob) -> list[tuple[str, RawReply | AIPMError]]: ...


@dataclass(frozen=True)
class Backend:
    """What one provider can do: chat always; embeddings and batches only where it has them,
    so a provider without an embeddings API lacks the capability instead of a method that
    raises."""

    provider: str
    chat: ChatBackend
    embeddings: EmbeddingBackend | None = None
    batches: BatchBackend | None = None
