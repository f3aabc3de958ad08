"""The OpenAI chat-completions wire format: OpenAI itself, Ollama and any OpenAI-compatible server.

One class; the providers differ only in base URL and key (the three factories at the bottom).
Retries with back-off, `Retry-After` and timeouts are the SDK's own, configured from settings.
SDK clients are built once per backend (the async one once per event loop, because an
async HTTP pool cannot outlive the loop that opened it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import openai

from shared.config import Settings
from shared.errors import AIPMError, BadInput, MissingKey
from shared.llm._errors import SDK_ERRORS, openai_error_to_kit
from shared.llm._schema import openai_response_format
from shared.llm.types import BatchJob, BatchRequest, Message, RawReply, stop_reason_of

_EMBED_CHUNK = 2048  # OpenAI's per-request input limit for embeddings
OLLAMA_PORT = 11434  # what Ollama listens on when OLLAMA_HOST names no port


class OpenAIBackend:
    """Chat, stream, structured output and embeddings over `/v1/chat/completions` and friends."""

    def __init__(self, provider: str, *, api_key: str, base_url: str | None, timeout_s: float,
                 max_retries: int) -> None:
        self.provider = provider
        self._sdk_options: dict[str, Any] = {
            "api_key": api_key, "base_url": base_url, "timeout": timeout_s,
            "max_retries": max_retries,
        }
        self._client = openai.OpenAI(**self._sdk_options)
        self._async_client: openai.AsyncOpenAI | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None

    def _aclient(self) -> openai.AsyncOpenAI:
        """The async client of the running event loop (`run_many` starts a new loop per run)."""
        loop = asyncio.get_running_loop()
        if self._async_client is None or self._async_loop is not loop:
            self._async_client = openai.AsyncOpenAI(**self._sdk_options)
            self._async_loop = loop
        return self._async_client

    def _error(self, err: Exception, model: str) -> AIPMError:
        return openai_error_to_kit(err, self.provider, model)

    def complete(
        self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
        temperature: float, json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
    ) -> RawReply:
        """One chat completion (structured when `json_schema` is given)."""
        params = chat_params(self.provider, model, messages, system=system, max_tokens=max_tokens,
                             temperature=temperature, json_schema=json_schema,
                             schema_name=schema_name)
        try:
            return raw_reply(self._client.chat.completions.create(**params), model)
        except SDK_ERRORS as err:
            raise self._error(err, model) from err

    async def acomplete(
        self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
        temperature: float, json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
    ) -> RawReply:
        """`complete` on the SDK's async client."""
        params = chat_params(self.provider, model, messages, system=system, max_tokens=max_tokens,
                             temperature=temperature, json_schema=json_schema,
                             schema_name=schema_name)
        try:
            return raw_reply(await self._aclient().chat.completions.create(**params), model)
        except SDK_ERRORS as err:
            raise self._error(err, model) from err

    def stream(self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
               temperature: float) -> Iterator[str | RawReply]:
        """Text deltas as they arrive, then one RawReply with the usage of the final chunk."""
        params = chat_params(self.provider, model, messages, system=system,
                             max_tokens=max_tokens, temperature=temperature)
        usage = _StreamUsage(model)
        try:
            chunks = self._client.chat.completions.create(
                **params, stream=True, stream_options={"include_usage": True})
            with chunks:
                for chunk in chunks:
                    if delta := usage.add(chunk):
                        yield delta
        except SDK_ERRORS as err:
            raise self._error(err, model) from err
        yield usage.reply()

    async def astream(self, model: str, messages: list[Message], *, system: str | None,
                      max_tokens: int, temperature: float) -> AsyncIterator[str | RawReply]:
        """`stream` on the SDK's async client."""
        params = chat_params(self.provider, model, messages, system=system,
                             max_tokens=max_tokens, temperature=temperature)
        usage = _StreamUsage(model)
        try:
            chunks = await self._aclient().chat.completions.create(
                **params, stream=True, stream_options={"include_usage": True})
            async with chunks:
                async for chunk in chunks:
                    if delta := usage.add(chunk):
                        yield delta
        except SDK_ERRORS as err:
            raise self._error(err, model) from err
        yield usage.reply()

    def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], int]:
        """Vectors in input order; long lists go in chunks of the API's per-request limit."""
        vectors: list[list[float]] = []
        tokens = 0
        for start in range(0, len(texts), _EMBED_CHUNK):
            try:
                reply = self._client.embeddings.create(
                    model=model, input=texts[start:start + _EMBED_CHUNK])
            except SDK_ERRORS as err:
                raise self._error(err, model) from err
            vectors.extend(item.embedding for item in sorted(reply.data, key=lambda d: d.index))
            tokens += reply.usage.prompt_tokens if reply.usage else 0
        return vectors, tokens

    # Batches live in `_openai_batch` (which imports this module's wire helpers, hence the
    # imports inside the methods).
    def submit_batch(self, model: str, requests: list[BatchRequest]) -> BatchJob:
        """Upload a JSONL file and start an OpenAI batch (half price, done within 24 h)."""
        from shared.llm import _openai_batch
        return _openai_batch.submit(self._client, model, requests)

    def poll_batch(self, job: BatchJob) -> BatchJob:
        """The batch's current status and counts."""
        from shared.llm import _openai_batch
        return _openai_batch.poll(self._client, job)

    def collect_batch(self, job: BatchJob) -> list[tuple[str, RawReply | AIPMError]]:
        """Every item's reply or error, by custom_id."""
        from shared.llm import _openai_batch
        return _openai_batch.collect(self._client, job)


class _StreamUsage:
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


def chat_params(
    provider: str, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
    temperature: float, json_schema: dict[str, Any] | None = None, schema_name: str = "result",
) -> dict[str, Any]:
    """The body of one chat-completions call; batch files reuse it for each line."""
    wire = [{"role": "system", "content": system}] if system else []
    wire.extend({"role": m.role, "content": m.content} for m in messages)
    # OpenAI's newer models reject `max_tokens`; local servers may not know its successor.
    limit = "max_completion_tokens" if provider == "openai" else "max_tokens"
    params = {"model": model, "messages": wire, limit: max_tokens, "temperature": temperature}
    if json_schema is not None:
        params["response_format"] = openai_response_format(json_schema, schema_name)
    return params


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


def _backend(settings: Settings, provider: str, api_key: str,
             base_url: str | None) -> OpenAIBackend:
    return OpenAIBackend(provider, api_key=api_key, base_url=base_url,
                         timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries)


def _secret(value: Any) -> str:
    return value.get_secret_value() if value is not None else ""


def openai_backend(settings: Settings) -> OpenAIBackend:
    """api.openai.com (or OPENAI_BASE_URL when set, e.g. a proxy); needs OPENAI_API_KEY."""
    key = _secret(settings.openai_api_key)
    if not key:
        raise MissingKey("No OPENAI_API_KEY set. Add it to .env, or run `aipm doctor`.")
    return _backend(settings, "openai", key, settings.openai_base_url)


def openai_compatible_backend(settings: Settings) -> OpenAIBackend:
    """vLLM, LM Studio, llama.cpp server...: OPENAI_BASE_URL is required, a key usually is not."""
    if not settings.openai_base_url:
        raise MissingKey("AIPM_PROVIDER=openai-compatible needs OPENAI_BASE_URL, the server's "
                         "/v1 address (for example http://127.0.0.1:8000/v1 for vLLM). Add it to "
                         ".env, or run `aipm doctor`.")
    key = _secret(settings.openai_api_key) or "not-needed"
    return _backend(settings, "openai-compatible", key, settings.openai_base_url)


def ollama_backend(settings: Settings) -> OpenAIBackend:
    """Ollama's OpenAI-compatible endpoint at OLLAMA_HOST/v1; Ollama ignores the key."""
    return _backend(settings, "ollama", "ollama", ollama_base_url(settings.ollama_host))


def ollama_base_url(host: str) -> str:
    """OLLAMA_HOST read the way Ollama reads it, as the OpenAI SDK's `base_url`.

    Ollama's own docs set `OLLAMA_HOST=127.0.0.1:11434` (no scheme; a bare host means port
    11434), and people paste the `/v1` URL too; both used to fail as a connection error or a
    `/v1/v1` "model not found".
    """
    text = host.strip().rstrip("/")
    try:
        port = urlsplit(text if "://" in text else f"http://{text}").port
    except ValueError as err:
        raise BadInput(f"OLLAMA_HOST={host!r} is not a host[:port] or URL ({err}). Set it to "
                       f"e.g. http://127.0.0.1:{OLLAMA_PORT} in .env.") from err
    if "://" not in text:
        text = f"http://{text}" if port else f"http://{text}:{OLLAMA_PORT}"
    return f"{text.removesuffix('/v1').rstrip('/')}/v1"


__all__ = [
    "OpenAIBackend",
    "chat_params",
    "ollama_backend",
    "ollama_base_url",
    "openai_backend",
    "openai_compatible_backend",
    "raw_reply",
]
