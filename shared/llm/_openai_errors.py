"""OpenAI-wire errors -> the kit's few typed errors, each saying what to do next: the one place
for SDK exceptions (chat, embeddings, batch calls) and for a batch item's HTTP status.

The SDK has already retried (with back-off and `Retry-After`) by the time one of these
reaches us; the message says how many times, so it never claims retries that were not made.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openai

from shared.errors import (
    AIPMError,
    BadInput,
    BadKey,
    BadModelOutput,
    ModelNotFound,
    ProviderUnreachable,
    RateLimited,
)
from shared.llm._http import was_truncated
from shared.llm._retry_hint import after_retries, retry_after_seconds
from shared.providers import host_hint, key_hint

# What the SDK lets escape besides its own errors: a reply body (or SSE event) cut short
# parses as broken JSON. That is a transport failure, not the model's output.
SDK_ERRORS = (openai.OpenAIError, json.JSONDecodeError)


def openai_error_to_kit(err: Exception, provider: str, model: str,
                        retries: int = 0) -> AIPMError:
    """The kit error for one SDK exception; callers `raise ... from err` to keep the cause."""
    where = f"{provider} ({model})"
    if isinstance(err, json.JSONDecodeError):  # a stream cut mid-event (bodies are retried)
        return ProviderUnreachable(
            f"{where} sent an incomplete reply (the response body broke off: {err.msg}). "
            "This is usually a dropped connection or an overloaded server; try again, "
            "or run `aipm doctor`.")
    if isinstance(err, openai.APIConnectionError) and was_truncated(err):
        return ProviderUnreachable(
            f"{where} sent an incomplete reply{after_retries(retries)} (the response body "
            "broke off). This is usually a dropped connection or an overloaded server; try "
            "again, or run `aipm doctor`.")
    if isinstance(err, openai.APITimeoutError):
        return ProviderUnreachable(
            f"{where} did not answer in time{after_retries(retries)}. {host_hint(provider)}, "
            "or raise AIPM_LLM_TIMEOUT. Run `aipm doctor` to test the connection.")
    if isinstance(err, openai.APIConnectionError):
        return ProviderUnreachable(
            f"Could not reach {where}{after_retries(retries)}: {err.message} "
            f"{host_hint(provider)}, then run `aipm doctor`.")
    if isinstance(err, openai.APIStatusError):
        return _status_error(err, provider, model, retries)
    if isinstance(err, openai.APIResponseValidationError):
        return BadModelOutput(f"{where} sent a reply the OpenAI SDK could not read: {err.message}")
    return AIPMError(f"{where} failed: {err}. Run `aipm doctor` to check the configuration.")


def _status_error(err: openai.APIStatusError, provider: str, model: str,
                  retries: int) -> AIPMError:
    where = f"{provider} ({model})"
    detail = _short(_provider_message(err))
    if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
        return BadKey(f"{where} rejected the API key ({err.status_code}: {detail}). "
                      f"{key_hint(provider)}, or run `aipm doctor`.")
    if isinstance(err, openai.NotFoundError):
        return ModelNotFound(_not_found_message(provider, model, detail))
    if isinstance(err, openai.RateLimitError):
        return RateLimited(
            f"{where} is rate limiting us (429){after_retries(retries)}: {detail}. Wait a minute, "
            "lower AIPM_LLM_CONCURRENCY, or use a batch job for large runs.",
            retry_after_s=retry_after_seconds(err.response.headers))
    if err.status_code >= 500:
        return ProviderUnreachable(
            f"{where} had a server error ({err.status_code}){after_retries(retries)}: {detail}. "
            "Try again later, or run `aipm doctor`.")
    return BadInput(f"{where} refused the request ({err.status_code}): {detail}. "
                    "Check the prompt size and the model's parameters.")


def _not_found_message(provider: str, model: str, detail: str) -> str:
    if provider == "ollama":
        return (f"Ollama has no model '{model}' ({detail}). Run `ollama pull {model}`, "
                "or set AIPM_MODEL to a model you have pulled.")
    return (f"{provider} does not know the model '{model}' ({detail}). Set AIPM_MODEL to a model "
            "your account can use (for example openai:gpt-4.1-mini), or run `aipm doctor`.")


def _provider_message(err: openai.APIStatusError) -> str:
    """The provider's own explanation (`error.message` in the body), without the SDK prefix."""
    body = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    return err.message


def _short(text: str, limit: int = 200) -> str:
    """One line, capped, without end punctuation: the kit's sentence adds its own full stop."""
    text = " ".join(str(text).split()).rstrip(" .!")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def openai_errors(provider: str, model: str, retries: int = 0) -> Iterator[None]:
    """SDK exceptions -> kit errors at the wire edge, keeping the original as `__cause__`."""
    try:
        yield
    except SDK_ERRORS as err:
        raise openai_error_to_kit(err, provider, model, retries) from err


def error_for_status(status: int | None, detail: str) -> AIPMError:
    """An item's HTTP status inside a batch as the typed error for that one row."""
    text = f"OpenAI could not process this item ({status}: {detail})."
    if status in (401, 403):
        return BadKey(f"{text} Check OPENAI_API_KEY in .env or run `aipm doctor`.")
    if status == 404:
        return ModelNotFound(f"{text} Set AIPM_MODEL to a model your account can use.")
    if status == 429:
        return RateLimited(f"{text} Submit the item again later.")
    if status is not None and 400 <= status < 500:
        return BadInput(f"{text} Fix the row and submit it again.")
    return ProviderUnreachable(f"{text} Submit the item again.")


def item_error(error: dict[str, Any]) -> AIPMError:
    """A batch line's own `error` object (OpenAI did not run the item)."""
    return AIPMError(f"OpenAI did not run this item ({error.get('code')}: "
                     f"{error.get('message')}); submit it again.")


def whole_batch_error(batch: Any) -> AIPMError:
    """OpenAI rejected the file itself (validation): every item carries the reason."""
    errors = (batch.errors.data or []) if batch.errors else []
    reasons = "; ".join(f"line {e.line}: {e.message}" if e.line else str(e.message)
                        for e in errors[:3]) or "no reason given"
    return BadInput(f"OpenAI rejected the whole batch ({reasons}). Fix those rows and submit "
                    "the batch again.")


__all__ = ["SDK_ERRORS", "error_for_status", "item_error", "openai_error_to_kit",
           "openai_errors", "whole_batch_error"]
