"""The Anthropic wire format: the Messages API through the official `anthropic` SDK.

Chat and batches share one SDK client; Anthropic has no embeddings API, so its `Backend` has
no embeddings capability. Conversions live in `_anthropic_wire`, error mapping in
`_anthropic_errors`. Retries with back-off and `Retry-After`, timeouts and SSE parsing are
the SDK's; its HTTP transport also retries a reply body cut off mid-JSON (`_http`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic

from shared.config import Settings
from shared.errors import AIPMError, MissingKey
from shared.llm import _anthropic_batch
from shared.llm._anthropic_errors import anthropic_errors
from shared.llm._anthropic_wire import message_params, reply_from_message
from shared.llm._http import AsyncWholeJSONTransport, WholeJSONTransport
from shared.llm.types import Backend, BatchJob, BatchRequest, ChatParams, RawReply
from shared.providers import ProviderSpec


class AnthropicSDK:
    """The SDK clients (sync, and async per event loop) with the kit's retry/timeout settings."""

    def __init__(self, settings: Settings, api_key: str, base_url: str | None) -> None:
        self.max_retries = settings.llm_max_retries
        self._options = {"api_key": api_key, "base_url": base_url,
                         "max_retries": settings.llm_max_retries,
                         "timeout": settings.llm_timeout_s}
        self.client = anthropic.Anthropic(
            **self._options,
            http_client=anthropic.DefaultHttpxClient(transport=WholeJSONTransport()))
        self._async_pair: tuple[asyncio.AbstractEventLoop, anthropic.AsyncAnthropic] | None = None

    def aclient(self) -> anthropic.AsyncAnthropic:
        """One async client per event loop: pooled connections cannot cross loops."""
        loop = asyncio.get_running_loop()
        if self._async_pair is None or self._async_pair[0] is not loop:
            client = anthropic.AsyncAnthropic(
                **self._options,
                http_client=anthropic.DefaultAsyncHttpxClient(
                    transport=AsyncWholeJSONTransport()))
            self._async_pair = (loop, client)
        return self._async_pair[1]

    def errors(self, model: str) -> Any:
        """`with sdk.errors(model):` turns SDK exceptions into kit errors."""
        return anthropic_errors(model, self.max_retries)


class AnthropicChat:
    """Chat, stream and structured output (a forced tool call) over the Messages API."""

    def __init__(self, sdk: AnthropicSDK) -> None:
        self.sdk = sdk

    def complete(self, model: str, params: ChatParams) -> RawReply:
        """One Messages call; with `json_schema`, a forced tool call carries the object."""
        with self.sdk.errors(model):
            return reply_from_message(
                self.sdk.client.messages.create(**message_params(model, params)))

    async def acomplete(self, model: str, params: ChatParams) -> RawReply:
        """`complete` on the async client, for bounded-concurrency work over many rows."""
        with self.sdk.errors(model):
            return reply_from_message(
                await self.sdk.aclient().messages.create(**message_params(model, params)))

    def stream(self, model: str, params: ChatParams) -> Iterator[str | RawReply]:
        """Text deltas from the SDK's stream helper, then the final message's usage."""
        body = message_params(model, params.model_copy(update={"json_schema": None}))
        with self.sdk.errors(model), self.sdk.client.messages.stream(**body) as stream:
            yield from stream.text_stream
            final = stream.get_final_message()
        yield reply_from_message(final)

    async def astream(self, model: str, params: ChatParams) -> AsyncIterator[str | RawReply]:
        """Async twin of `stream`."""
        body = message_params(model, params.model_copy(update={"json_schema": None}))
        with self.sdk.errors(model):
            async with self.sdk.aclient().messages.stream(**body) as stream:
                async for text in stream.text_stream:
                    yield text
                final = await stream.get_final_message()
        yield reply_from_message(final)


class AnthropicBatches:
    """Message Batches (`_anthropic_batch`): half price, done within 24 h."""

    def __init__(self, sdk: AnthropicSDK) -> None:
        self.sdk = sdk

    def submit_batch(self, model: str, requests: list[BatchRequest]) -> BatchJob:
        """Send every request as one Message Batch."""
        with self.sdk.errors(model):
            return _anthropic_batch.submit(self.sdk.client, model, requests)

    def poll_batch(self, job: BatchJob) -> BatchJob:
        """The batch's current status and counts."""
        with self.sdk.errors(job.model):
            return _anthropic_batch.poll(self.sdk.client, job)

    def collect_batch(self, job: BatchJob) -> list[tuple[str, RawReply | AIPMError]]:
        """Every item of an ended batch, as a reply or as the error that item hit."""
        with self.sdk.errors(job.model):
            return _anthropic_batch.collect(self.sdk.client, job)


def backend_for(settings: Settings, spec: ProviderSpec) -> Backend:
    """Anthropic's capabilities (chat, batches) from its spec's key and base URL variables."""
    key = settings.env_value(spec.key_env)
    if spec.key_required and not key:
        raise MissingKey(f"No {spec.key_env} set. Add it to .env, or run `aipm doctor`.")
    base_url = settings.env_value(spec.base_url_env) or spec.default_base_url
    sdk = AnthropicSDK(settings, key, base_url)
    return Backend(provider=spec.name, chat=AnthropicChat(sdk),
                   batches=AnthropicBatches(sdk) if spec.batches else None)


__all__ = ["AnthropicBatches", "AnthropicChat", "AnthropicSDK", "backend_for"]
