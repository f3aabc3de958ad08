"""`LLMClient`: the one object products call, whatever the provider.

It adds what every call needs on top of a backend (one class per wire format): message
coercion, pricing, timing, the opt-in cache, structured-output validation with one repair,
bounded-concurrency fan-out, and one trace row per call. Retries and timeouts stay the SDKs'.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from shared.config import Settings
from shared.errors import AIPMError, BadInput, BadModelOutput, MissingKey
from shared.llm._recording import CallRecorder
from shared.llm._request import ChatRequest, Prompt, plus_attempt, to_messages
from shared.llm._structured import (
    InvalidReply,
    ReplyCutOff,
    final_failure,
    parse_complete_reply,
)
from shared.llm.cache import ClientCache
from shared.llm.registry import (
    NO_LLM_MESSAGE,
    build_backend,
    embedding_model_for,
    settings_with_key,
)
from shared.llm.streaming import AsyncLLMStream, LLMStream
from shared.llm.types import (
    Backend,
    BatchBackend,
    BatchItemResult,
    BatchJob,
    BatchRequest,
    ChatParams,
    EmbeddingBackend,
    EmbeddingResult,
    LLMResult,
    ModelId,
    RawReply,
    parse_model_id,
)


class LLMClient:
    """Provider-agnostic calls for one product and model; build it once and reuse it.

    The backend (and so the SDK clients with their connection pools) is built here, once.
    """

    def __init__(self, settings: Settings, model: ModelId | str, *, product: str = "kit",
                 api_key: str | None = None, backend: Backend | None = None) -> None:
        model_id = model if isinstance(model, ModelId) else parse_model_id(model)
        self.settings = settings
        self.provider = model_id.provider
        self.model = model_id.model
        self.product = product
        self.backend = backend or build_backend(self.provider,
                                                settings_with_key(settings, self.provider, api_key))
        self._recorder = CallRecorder(settings, product=product, provider=self.provider,
                                      model=self.model)
        self._cache = ClientCache(settings, self.provider, self.model, self._recorder)

    def __repr__(self) -> str:
        return f"LLMClient({self.provider}:{self.model}, product={self.product!r})"

    # -- completions --------------------------------------------------------------------
    def complete(self, prompt: Prompt, *, system: str | None = None, max_tokens: int = 1024,
                 temperature: float = 0.0, operation: str = "complete",
                 cache: bool = False) -> LLMResult:
        """One reply. `cache=True` answers an identical earlier request from disk."""
        request = ChatRequest.build(prompt, system=system, max_tokens=max_tokens,
                                    temperature=temperature)
        key = self._cache.key(request) if cache else None
        if hit := self._cache.lookup(key, operation, None):
            return hit
        return self._cache.store(key, self._attempt(operation, request))

    def structured(self, prompt: Prompt, schema: type[BaseModel], *, system: str | None = None,
                   max_tokens: int = 1024, temperature: float = 0.0,
                   operation: str = "structured", cache: bool = False) -> LLMResult:
        """`.parsed` is a `schema` instance; one repair (none if cut off), then BadModelOutput."""
        request = ChatRequest.build(prompt, system=system, max_tokens=max_tokens,
                                    temperature=temperature, schema=schema)
        key = self._cache.key(request) if cache else None
        if hit := self._cache.lookup(key, operation, schema):
            return hit
        try:
            result = self._attempt(operation, request, schema)
        except InvalidReply as bad:
            result = self._repair(operation, request, schema, bad)
        return self._cache.store(key, result)

    def stream(self, prompt: Prompt, *, system: str | None = None, max_tokens: int = 1024,
               temperature: float = 0.0, operation: str = "stream") -> LLMStream:
        """Text deltas as they arrive; `.result` (tokens, cost) once the stream is read.

        Streams are never cached: a cached answer has nothing to stream, so use `complete`."""
        chunks = self.backend.chat.stream(self.model, _stream_params(prompt, system, max_tokens,
                                                                     temperature))
        return LLMStream(self._recorder, operation, chunks)

    async def acomplete(self, prompt: Prompt, *, system: str | None = None,
                        max_tokens: int = 1024, temperature: float = 0.0,
                        operation: str = "complete", cache: bool = False) -> LLMResult:
        """`complete` on the SDK's async client."""
        request = ChatRequest.build(prompt, system=system, max_tokens=max_tokens,
                                    temperature=temperature)
        key = self._cache.key(request) if cache else None
        if hit := self._cache.lookup(key, operation, None):
            return hit
        return self._cache.store(key, await self._aattempt(operation, request))

    async def astructured(self, prompt: Prompt, schema: type[BaseModel], *,
                          system: str | None = None, max_tokens: int = 1024,
                          temperature: float = 0.0, operation: str = "structured",
                          cache: bool = False) -> LLMResult:
        """`structured` on the SDK's async client."""
        request = ChatRequest.build(prompt, system=system, max_tokens=max_tokens,
                                    temperature=temperature, schema=schema)
        key = self._cache.key(request) if cache else None
        if hit := self._cache.lookup(key, operation, schema):
            return hit
        try:
            result = await self._aattempt(operation, request, schema)
        except InvalidReply as bad:
            result = await self._arepair(operation, request, schema, bad)
        return self._cache.store(key, result)

    def astream(self, prompt: Prompt, *, system: str | None = None, max_tokens: int = 1024,
                temperature: float = 0.0, operation: str = "stream") -> AsyncLLMStream:
        """`stream` on the SDK's async client (`async for delta in llm.astream(...)`)."""
        chunks = self.backend.chat.astream(self.model, _stream_params(prompt, system, max_tokens,
                                                                      temperature))
        return AsyncLLMStream(self._recorder, operation, chunks)

    # -- many rows --------------------------------------------------------------------------
    def run_many(self, prompts: Sequence[Prompt], *, schema: type[BaseModel] | None = None,
                 concurrency: int | None = None, **options: Any) -> list[LLMResult | AIPMError]:
        """Every prompt, at most `concurrency` in flight; results in input order, and a row
        that fails holds its AIPMError instead of stopping the run. Inside a running event
        loop (FastAPI handlers, notebooks) await `arun_many` instead."""
        return asyncio.run(self.arun_many(prompts, schema=schema, concurrency=concurrency,
                                          **options))

    async def arun_many(self, prompts: Sequence[Prompt], *,
                        schema: type[BaseModel] | None = None, concurrency: int | None = None,
                        **options: Any) -> list[LLMResult | AIPMError]:
        """`run_many` for callers already inside an event loop. Options as for `complete`."""
        limit = concurrency if concurrency is not None else self.settings.llm_concurrency
        if limit < 1:
            raise BadInput(f"concurrency must be at least 1, got {limit}.")
        gate = asyncio.Semaphore(limit)

        async def one(prompt: Prompt) -> LLMResult | AIPMError:
            async with gate:
                try:
                    if schema is None:
                        return await self.acomplete(prompt, **options)
                    return await self.astructured(prompt, schema, **options)
                except AIPMError as err:
                    return err

        return list(await asyncio.gather(*(one(prompt) for prompt in prompts)))

    # -- embeddings and batches -------------------------------------------------------------
    def embed(self, texts: Sequence[str], *, model: str | None = None,
              operation: str = "embed") -> EmbeddingResult:
        """Vectors in input order (default model: the provider's, e.g. text-embedding-3-small)."""
        name = model or embedding_model_for(self.provider)
        embeddings = self._embeddings()
        started = time.perf_counter()
        if not texts:
            return EmbeddingResult(vectors=[], provider=self.provider, model=name)
        try:
            vectors, tokens = embeddings.embed(name, list(texts))
            if len(vectors) != len(texts):
                raise BadModelOutput(f"{self.provider} returned {len(vectors)} vectors for "
                                     f"{len(texts)} texts; no vector can be trusted to match "
                                     "its text. Try again, or run `aipm doctor`.")
        except AIPMError as err:
            self._recorder.error(operation, started, err, model=name)
            raise
        billed = self._recorder.result(RawReply(text="", model=name, input_tokens=tokens), started)
        self._recorder.ok(operation, billed)
        return EmbeddingResult(vectors=vectors, provider=self.provider, model=name,
                               input_tokens=tokens, cost_usd=billed.cost_usd,
                               latency_ms=billed.latency_ms)

    def submit_batch(self, requests: Sequence[BatchRequest]) -> BatchJob:
        """Send requests as one provider batch (half price, results within 24 h)."""
        if not requests:
            raise BadInput("A batch needs at least one request.")
        return self._guarded("batch.submit", self._batches().submit_batch, self.model,
                             list(requests))

    def poll_batch(self, job: BatchJob) -> BatchJob:
        """The job with its current status and counts."""
        return self._guarded("batch.poll", self._batches().poll_batch, job)

    def collect_batch(self, job: BatchJob, *,
                      schema: type[BaseModel] | None = None) -> list[BatchItemResult]:
        """Every item as a result (batch-discounted cost) or an error string; with `schema`,
        results are validated into `.parsed` (no repair turn: rerun failed rows instead)."""
        outcomes = self._guarded("batch.collect", self._batches().collect_batch, job)
        return [self._batch_item(custom_id, outcome, schema) for custom_id, outcome in outcomes]

    # -- internals ----------------------------------------------------------------------------
    def _embeddings(self) -> EmbeddingBackend:
        """The provider's embeddings capability, or BadInput naming the embedders that work."""
        if self.backend.embeddings is None:
            raise BadInput(f"{self.provider} has no embeddings API. Set AIPM_EMBEDDER=hashing "
                           "(offline, the default), wordllama, openai or ollama in .env.")
        return self.backend.embeddings

    def _batches(self) -> BatchBackend:
        """The provider's batch capability, or BadInput saying which providers have one."""
        if self.backend.batches is None:
            raise BadInput(f"{self.provider} has no batch API the kit speaks (OpenAI and "
                           "Anthropic do). Use run_many for many rows instead.")
        return self.backend.batches

    def _attempt(self, operation: str, request: ChatRequest,
                 schema: type[BaseModel] | None = None) -> LLMResult:
        started = time.perf_counter()
        try:
            raw = self.backend.chat.complete(self.model, request)
        except AIPMError as err:
            self._recorder.error(operation, started, err)
            raise
        return self._finish(operation, raw, started, schema, max_tokens=request.max_tokens)

    async def _aattempt(self, operation: str, request: ChatRequest,
                        schema: type[BaseModel] | None = None) -> LLMResult:
        started = time.perf_counter()
        try:
            raw = await self.backend.chat.acomplete(self.model, request)
        except AIPMError as err:
            self._recorder.error(operation, started, err)
            raise
        return self._finish(operation, raw, started, schema, max_tokens=request.max_tokens)

    def _finish(self, operation: str, raw: RawReply, started: float | None,
                schema: type[BaseModel] | None, *, batch: bool = False,
                max_tokens: int | None = None) -> LLMResult:
        """Price the reply, validate it against `schema` if any (ReplyCutOff when cut off at
        max_tokens: callers skip the repair for it), and trace the outcome."""
        result = self._recorder.result(raw, started, batch=batch)
        if schema is not None:
            try:
                result.parsed = parse_complete_reply(raw, schema, max_tokens)
            except (InvalidReply, ReplyCutOff) as bad:
                bad.spent = result
                self._recorder.error(operation, started, bad, spent=result)
                raise
        self._recorder.ok(operation, result)
        return result

    def _repair(self, operation: str, request: ChatRequest, schema: type[BaseModel],
                bad: InvalidReply) -> LLMResult:
        try:
            fixed = self._attempt(f"{operation}.repair", request.repaired(bad), schema)
        except InvalidReply as again:
            raise final_failure(again, schema) from again
        return plus_attempt(fixed, bad.spent)

    async def _arepair(self, operation: str, request: ChatRequest, schema: type[BaseModel],
                       bad: InvalidReply) -> LLMResult:
        try:
            fixed = await self._aattempt(f"{operation}.repair", request.repaired(bad),
                                         schema)
        except InvalidReply as again:
            raise final_failure(again, schema) from again
        return plus_attempt(fixed, bad.spent)

    def _guarded(self, operation: str, call: Any, *args: Any) -> Any:
        """Run a non-chat backend call (batch submit/poll/collect), tracing only failures."""
        started = time.perf_counter()
        try:
            return call(*args)
        except AIPMError as err:
            self._recorder.error(operation, started, err)
            raise

    def _batch_item(self, custom_id: str, outcome: RawReply | AIPMError,
                    schema: type[BaseModel] | None) -> BatchItemResult:
        if isinstance(outcome, AIPMError):
            self._recorder.error("batch", None, outcome)
            return BatchItemResult(custom_id=custom_id, error=f"{outcome.code}: {outcome.message}")
        try:
            result = self._finish("batch", outcome, None, schema, batch=True)
        except (InvalidReply, ReplyCutOff) as bad:
            return BatchItemResult(custom_id=custom_id, error=f"{bad.code}: {bad.message}")
        return BatchItemResult(custom_id=custom_id, result=result)


def _stream_params(prompt: Prompt, system: str | None, max_tokens: int,
                   temperature: float) -> ChatParams:
    return ChatParams(messages=to_messages(prompt), system=system, max_tokens=max_tokens,
                      temperature=temperature)


def get_llm(settings: Settings, product: str = "kit", model: str | None = None, *,
            api_key: str | None = None) -> LLMClient:
    """The client for `product`: the configured model, or `model` ("provider:model").

    Raises MissingKey in baseline mode (no provider configured) unless `model` names one,
    and when the chosen provider's key is missing.
    """
    if model is None and settings.engine == "baseline":
        raise MissingKey(NO_LLM_MESSAGE)
    provider = settings.resolved_provider
    model_id = parse_model_id(model or settings.model_id or "",
                              default_provider=None if provider == "none" else provider)
    return LLMClient(settings, model_id, product=product, api_key=api_key)


__all__ = ["LLMClient", "get_llm"]
