"""The OpenAI chat-completions wire format: OpenAI itself, Ollama and any OpenAI-compatible host.

One SDK client per provider, shared by three small capability classes (chat, embeddings,
batches); `backend_for` gives a provider only the capabilities its `ProviderSpec` lists.
Request/reply conversions live in `_openai_wire`, error mapping in `_openai_errors`.
Retries with back-off, `Retry-After` and timeouts are the SDK's own, configured from settings;
its HTTP transport also retries a reply body cut off mid-JSON (`_http`).
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
from shared.llm import _openai_batch
from shared.llm._http import AsyncWholeJSONTransport, WholeJSONTransport
from shared.llm._openai_errors import openai_errors
from shared.llm._openai_wire import StreamUsage, chat_body, raw_reply
from shared.llm.types import Backend, BatchJob, BatchRequest, ChatParams, RawReply
from shared.providers import ProviderSpec

_EMBED_CHUNK = 2048  # OpenAI's per-request input limit for embeddings
OLLAMA_PORT = 11434  # what Ollama listens on when OLLAMA_HOST names no port


class OpenAISDK:
    """The SDK clients of one provider (sync, and async per event loop) and how to map errors."""

    def __init__(self, provider: str, *, api_key: str, base_url: str | None, timeout_s: float,
                 max_retries: int) -> None:
        self.provider = provider
        self.max_retries = max_retries
        self._options: dict[str, Any] = {
            "api_key": api_key, "base_url": base_url, "timeout": timeout_s,
            "max_retries": max_retries,
        }
        self.client = openai.OpenAI(
            **self._options, http_client=openai.DefaultHttpxClient(transport=WholeJSONTransport()))
        self._async_client: openai.AsyncOpenAI | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None

    def aclient(self) -> openai.AsyncOpenAI:
        """The async client of the running event loop (`run_many` starts a new loop per run)."""
        loop = asyncio.get_running_loop()
        if self._async_client is None or self._async_loop is not loop:
            self._async_client = openai.AsyncOpenAI(
                **self._options,
                http_client=openai.DefaultAsyncHttpxClient(transport=AsyncWholeJSONTransport()))
            self._async_loop = loop
        return self._async_client

    def errors(self, model: str) -> Any:
        """`with sdk.errors(model):` turns SDK exceptions into kit errors."""
        return openai_errors(self.provider, model, self.max_retries)


class OpenAIChat:
    """Chat, stream and structured output over `/v1/chat/completions`."""

    def __init__(self, sdk: OpenAISDK) -> None:
        self.sdk = sdk

    def complete(self, model: str, params: ChatParams) -> RawReply:
        """One chat completion (structured when `params.json_schema` is set)."""
        body = chat_body(self.sdk.provider, model, params)
        with self.sdk.errors(model):
            return raw_reply(self.sdk.client.chat.completions.create(**body), model)

    async def acomplete(self, model: str, params: ChatParams) -> RawReply:
        """`complete` on the SDK's async client."""
        body = chat_body(self.sdk.provider, model, params)
        with self.sdk.errors(model):
            return raw_reply(await self.sdk.aclient().chat.completions.create(**body), model)

    def stream(self, model: str, params: ChatParams) -> Iterator[str | RawReply]:
        """Text deltas as they arrive, then one RawReply with the usage of the final chunk."""
        body = chat_body(self.sdk.provider, model, params)
        usage = StreamUsage(model)
        with self.sdk.errors(model):
            chunks = self.sdk.client.chat.completions.create(
                **body, stream=True, stream_options={"include_usage": True})
            with chunks:
                for chunk in chunks:
                    if delta := usage.add(chunk):
                        yield delta
        yield usage.reply()

    async def astream(self, model: str, params: ChatParams) -> AsyncIterator[str | RawReply]:
        """`stream` on the SDK's async client."""
        body = chat_body(self.sdk.provider, model, params)
        usage = StreamUsage(model)
        with self.sdk.errors(model):
            chunks = await self.sdk.aclient().chat.completions.create(
                **body, stream=True, stream_options={"include_usage": True})
            async with chunks:
                async for chunk in chunks:
                    if delta := usage.add(chunk):
                        yield delta
        yield usage.reply()


class OpenAIEmbeddings:
    """`/v1/embeddings`, for the providers whose spec names an embedding model."""

    def __init__(self, sdk: OpenAISDK) -> None:
        self.sdk = sdk

    def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], int]:
        """Vectors in input order; long lists go in chunks of the API's per-request limit."""
        vectors: list[list[float]] = []
        tokens = 0
        for start in range(0, len(texts), _EMBED_CHUNK):
            with self.sdk.errors(model):
                reply = self.sdk.client.embeddings.create(
                    model=model, input=texts[start:start + _EMBED_CHUNK])
            vectors.extend(item.embedding for item in sorted(reply.data, key=lambda d: d.index))
            tokens += reply.usage.prompt_tokens if reply.usage else 0
        return vectors, tokens


class OpenAIBatches:
    """OpenAI's Batch API (`_openai_batch`): half price, done within 24 h."""

    def __init__(self, sdk: OpenAISDK) -> None:
        self.sdk = sdk

    def submit_batch(self, model: str, requests: list[BatchRequest]) -> BatchJob:
        """Upload a JSONL file and start the batch."""
        with self.sdk.errors(model):
            return _openai_batch.submit(self.sdk.client, model, requests)

    def poll_batch(self, job: BatchJob) -> BatchJob:
        """The batch's current status and counts."""
        with self.sdk.errors(job.model):
            return _openai_batch.poll(self.sdk.client, job)

    def collect_batch(self, job: BatchJob) -> list[tuple[str, RawReply | AIPMError]]:
        """Every item's reply or error, by custom_id."""
        with self.sdk.errors(job.model):
            return _openai_batch.collect(self.sdk.client, job)


def build(spec: ProviderSpec, settings: Settings, api_key: str, base_url: str | None) -> Backend:
    """The provider's capabilities over one shared SDK client."""
    sdk = OpenAISDK(spec.name, api_key=api_key, base_url=base_url,
                    timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries)
    return Backend(provider=spec.name, chat=OpenAIChat(sdk),
                   embeddings=OpenAIEmbeddings(sdk) if spec.embedding_model else None,
                   batches=OpenAIBatches(sdk) if spec.batches else None)


def backend_for(settings: Settings, spec: ProviderSpec) -> Backend:
    """Any OpenAI-wire provider from its spec: key and base URL from its variables."""
    key = settings.env_value(spec.key_env)
    if spec.key_required and not key:
        raise MissingKey(f"No {spec.key_env} set. Add it to .env, or run `aipm doctor`.")
    base_url = settings.env_value(spec.base_url_env) or spec.default_base_url
    if spec.base_url_required and not base_url:
        raise MissingKey(f"AIPM_PROVIDER={spec.name} needs {spec.base_url_env}, the server's "
                         "/v1 address (for example http://127.0.0.1:8000/v1 for vLLM). Add it "
                         "to .env, or run `aipm doctor`.")
    return build(spec, settings, key or "not-needed", base_url)


def ollama_backend(settings: Settings, spec: ProviderSpec) -> Backend:
    """Ollama's OpenAI-compatible endpoint at OLLAMA_HOST/v1; Ollama ignores the key."""
    return build(spec, settings, "ollama", ollama_base_url(settings.ollama_host))


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
    "OpenAIBatches",
    "OpenAIChat",
    "OpenAIEmbeddings",
    "OpenAISDK",
    "backend_for",
    "ollama_backend",
    "ollama_base_url",
]
