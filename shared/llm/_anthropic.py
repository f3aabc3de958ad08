"""The Anthropic wire format: the Messages API through the official `anthropic` SDK.

Structured output uses tool use (one tool whose `input_schema` is the JSON schema, forced with
`tool_choice`), the mechanism Anthropic documents for schema-shaped answers. Retries with
back-off and `Retry-After`, timeouts and SSE parsing are the SDK's; this module only
configures them and turns SDK exceptions into the kit's typed errors.

The SDK 2.x speaks API version 2026-10-21, which rejects `temperature` (HTTP 400 even at its
default), so `temperature` is accepted for interface parity and not sent.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import anthropic

from shared.errors import (
    AIPMError,
    BadInput,
    BadKey,
    MissingKey,
    ModelNotFound,
    ProviderUnreachable,
    RateLimited,
)
from shared.llm._retry_hint import retry_after_seconds
from shared.llm.types import BatchJob, BatchRequest, Message, RawReply, stop_reason_of

if TYPE_CHECKING:
    from pydantic import SecretStr

    from shared.config import Settings

TOOL_NAME_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")  # tool names allow only these
KEY_HINT = "Check ANTHROPIC_API_KEY in .env or run `aipm doctor`."


def split_system(messages: list[Message], system: str | None) -> tuple[str | None, list[dict]]:
    """Anthropic takes the system prompt as a top-level field, so system turns are folded in."""
    system_parts = [system] if system else []
    turns: list[dict] = []
    for message in messages:
        if message.role == "system":
            system_parts.append(message.content)
        else:
            turns.append({"role": message.role, "content": message.content})
    return ("\n\n".join(system_parts) or None), turns


def tool_params(json_schema: dict[str, Any], schema_name: str) -> dict[str, Any]:
    """One tool shaped like the schema, and `tool_choice` forcing the model to call it."""
    if json_schema.get("type") != "object":
        raise BadInput(f"Anthropic structured output needs an object schema, got "
                       f"type={json_schema.get('type')!r} for '{schema_name}'. "
                       "Wrap the value in a pydantic model with one field.")
    name = TOOL_NAME_UNSAFE.sub("_", schema_name)[:64] or "result"
    tool = {"name": name, "input_schema": json_schema,
            "description": f"Record the answer as a {name} object."}
    return {"tools": [tool], "tool_choice": {"type": "tool", "name": name}}


def message_params(
    model: str, messages: list[Message], *, system: str | None, max_tokens: int,
    json_schema: dict[str, Any] | None = None, schema_name: str = "result",
) -> dict[str, Any]:
    """The body of one Messages API call; batches reuse it as each item's `params`."""
    system_text, turns = split_system(messages, system)
    params: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": turns}
    if system_text:
        params["system"] = system_text
    if json_schema is not None:
        params.update(tool_params(json_schema, schema_name))
    return params


def reply_from_message(message: Any) -> RawReply:
    """A tool call becomes `structured` (and its JSON the text); plain text is left for repair."""
    usage = message.usage
    common = {"model": message.model, "input_tokens": usage.input_tokens or 0,
              "output_tokens": usage.output_tokens or 0,
              "stop_reason": stop_reason_of(message.stop_reason)}
    tool_input = next((b.input for b in message.content if b.type == "tool_use"), None)
    if isinstance(tool_input, dict):
        return RawReply(text=json.dumps(tool_input), structured=tool_input, **common)
    text = "".join(block.text for block in message.content if block.type == "text")
    return RawReply(text=text, **common)


def map_status_error(err: anthropic.APIStatusError, model: str) -> AIPMError:
    """One HTTP error from Anthropic as the typed error a person can act on."""
    detail = err.api_message or err.message
    if isinstance(err, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return BadKey(f"Anthropic rejected the API key ({err.status_code}: {detail}). {KEY_HINT}")
    if isinstance(err, anthropic.NotFoundError):
        return ModelNotFound(f"Anthropic does not know the model '{model}' ({detail}). Set "
                             "AIPM_MODEL to a model your key can use, e.g. "
                             "anthropic:claude-haiku-4-5, or run `aipm doctor`.")
    if isinstance(err, anthropic.RateLimitError):
        wait = retry_after_seconds(err.response.headers)
        after = f" Retry after {wait:g} s." if wait is not None else ""
        return RateLimited(f"Anthropic is rate limiting this key ({detail}).{after} Lower "
                           "AIPM_LLM_CONCURRENCY or use a batch for large jobs.", wait)
    if err.status_code in (400, 413, 422):
        return BadInput(f"Anthropic refused the request ({err.status_code}: {detail}). "
                        "Shorten the input or check the model's limits.")
    return ProviderUnreachable(f"Anthropic answered {err.status_code} ({detail}) after the "
                               "SDK's retries. Try again in a minute; status.anthropic.com "
                               "shows outages.")


def map_sdk_error(err: anthropic.AnthropicError, model: str) -> AIPMError:
    """Connection failures and timeouts included: every SDK error becomes an `AIPMError`."""
    if isinstance(err, anthropic.APIStatusError):
        return map_status_error(err, model)
    if isinstance(err, anthropic.APITimeoutError):
        return ProviderUnreachable("Anthropic did not answer in time. Raise AIPM_LLM_TIMEOUT "
                                   "or try again; run `aipm doctor` to check the connection.")
    if isinstance(err, anthropic.APIConnectionError):
        return ProviderUnreachable("Cannot reach Anthropic. Check your network and "
                                   "ANTHROPIC_BASE_URL, or run `aipm doctor`.")
    return ProviderUnreachable(f"The Anthropic SDK failed: {err}. Run `aipm doctor`.")


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


@contextmanager
def anthropic_errors(model: str) -> Iterator[None]:
    """Convert SDK exceptions at the wire edge, keeping the original as `__cause__`."""
    try:
        yield
    except anthropic.AnthropicError as err:
        raise map_sdk_error(err, model) from err
    except json.JSONDecodeError as err:  # the SDK parses a 200 body or SSE event cut short
        raise ProviderUnreachable("Anthropic's reply was cut off before it ended. Try again; "
                                  "if it keeps happening, run `aipm doctor`.") from err


class AnthropicBackend:
    """`ChatBackend` for Anthropic; SDK clients are built once and reused for every call."""

    provider = "anthropic"

    def __init__(
        self, settings: Settings, api_key: str | None = None, base_url: str | None = None,
    ) -> None:
        """The registry calls `AnthropicBackend(settings)`; key and URL then come from it."""
        key = api_key or _secret(settings.anthropic_api_key)
        if not key:
            raise MissingKey("No ANTHROPIC_API_KEY set. Add it to .env, or run `aipm doctor`.")
        self._client_options = {"api_key": key,
                                "base_url": base_url or settings.anthropic_base_url,
                                "max_retries": settings.llm_max_retries,
                                "timeout": settings.llm_timeout_s}
        self._client = anthropic.Anthropic(**self._client_options)
        self._async_pair: tuple[asyncio.AbstractEventLoop, anthropic.AsyncAnthropic] | None = None

    def _async_client(self) -> anthropic.AsyncAnthropic:
        """One async client per event loop: pooled connections cannot cross loops."""
        loop = asyncio.get_running_loop()
        if self._async_pair is None or self._async_pair[0] is not loop:
            self._async_pair = (loop, anthropic.AsyncAnthropic(**self._client_options))
        return self._async_pair[1]

    def complete(
        self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
        temperature: float, json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
    ) -> RawReply:
        """One Messages call; with `json_schema`, a forced tool call carries the object."""
        params = message_params(model, messages, system=system, max_tokens=max_tokens,
                                json_schema=json_schema, schema_name=schema_name)
        with anthropic_errors(model):
            return reply_from_message(self._client.messages.create(**params))

    async def acomplete(
        self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
        temperature: float, json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
    ) -> RawReply:
        """`complete` on the async client, for bounded-concurrency work over many rows."""
        params = message_params(model, messages, system=system, max_tokens=max_tokens,
                                json_schema=json_schema, schema_name=schema_name)
        with anthropic_errors(model):
            return reply_from_message(await self._async_client().messages.create(**params))

    def stream(
        self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
        temperature: float,
    ) -> Iterator[str | RawReply]:
        """Text deltas from the SDK's stream helper, then the final message's usage."""
        params = message_params(model, messages, system=system, max_tokens=max_tokens)
        with anthropic_errors(model), self._client.messages.stream(**params) as stream:
            yield from stream.text_stream
            final = stream.get_final_message()
        yield reply_from_message(final)

    async def astream(
        self, model: str, messages: list[Message], *, system: str | None, max_tokens: int,
        temperature: float,
    ) -> AsyncIterator[str | RawReply]:
        """Async twin of `stream`."""
        params = message_params(model, messages, system=system, max_tokens=max_tokens)
        with anthropic_errors(model):
            async with self._async_client().messages.stream(**params) as stream:
                async for text in stream.text_stream:
                    yield text
                final = await stream.get_final_message()
        yield reply_from_message(final)

    def embed(self, model: str, texts: list[str]) -> tuple[list[list[float]], int]:
        """Anthropic has no embeddings endpoint; say which embedders do."""
        raise BadInput("Anthropic has no embeddings API. Set AIPM_EMBEDDER=hashing (offline, "
                       "the default), openai or ollama in .env for embeddings.")

    def submit_batch(self, model: str, requests: list[BatchRequest]) -> BatchJob:
        """Send every request as one Message Batch (half price, done within 24 h)."""
        from shared.llm import _anthropic_batch  # it imports this module's wire helpers

        with anthropic_errors(model):
            return _anthropic_batch.submit(self._client, model, requests)

    def poll_batch(self, job: BatchJob) -> BatchJob:
        """The batch's current status and counts."""
        from shared.llm import _anthropic_batch

        with anthropic_errors(job.model):
            return _anthropic_batch.poll(self._client, job)

    def collect_batch(self, job: BatchJob) -> list[tuple[str, RawReply | AIPMError]]:
        """Every item of an ended batch, as a reply or as the error that item hit."""
        from shared.llm import _anthropic_batch

        with anthropic_errors(job.model):
            return _anthropic_batch.collect(self._client, job)


__all__ = ["AnthropicBackend", "anthropic_errors", "message_params", "reply_from_message"]
