"""OpenAI SDK exceptions -> the kit's few typed errors, each saying what to do next.

The SDK has already retried (with back-off and `Retry-After`) by the time one of these
reaches us, so the message can say the problem is persistent, not a blip.
"""

from __future__ import annotations

import json

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
from shared.llm._retry_hint import retry_after_seconds

# What a person should check per provider: the env var that configures it.
_KEY_HINT = {
    "openai": "Check OPENAI_API_KEY in .env",
    "openai-compatible": "Check OPENAI_API_KEY and OPENAI_BASE_URL in .env",
    "ollama": "Ollama needs no key; check OLLAMA_HOST in .env",
}
_HOST_HINT = {
    "openai": "Check your network (and OPENAI_BASE_URL if you set one)",
    "openai-compatible": "Check that the server is running and OPENAI_BASE_URL points at it",
    "ollama": "Start Ollama (`ollama serve`) and check OLLAMA_HOST",
}


# What the SDK lets escape besides its own errors: a reply body (or SSE event) cut short
# parses as broken JSON. That is a transport failure, not the model's output.
SDK_ERRORS = (openai.OpenAIError, json.JSONDecodeError)


def openai_error_to_kit(err: Exception, provider: str, model: str) -> AIPMError:
    """The kit error for one SDK exception; callers `raise ... from err` to keep the cause."""
    where = f"{provider} ({model})"
    if isinstance(err, json.JSONDecodeError):
        return ProviderUnreachable(
            f"{where} sent an incomplete reply (the response body broke off: {err.msg}). "
            "This is usually a dropped connection or an overloaded server; try again, "
            "or run `aipm doctor`.")
    if isinstance(err, openai.APITimeoutError):
        return ProviderUnreachable(
            f"{where} did not answer in time, even after retries. {_HOST_HINT.get(provider, '')}, "
            "or raise AIPM_LLM_TIMEOUT. Run `aipm doctor` to test the connection.")
    if isinstance(err, openai.APIConnectionError):
        return ProviderUnreachable(
            f"Could not reach {where}: {err.message} {_HOST_HINT.get(provider, '')}, "
            "then run `aipm doctor`.")
    if isinstance(err, openai.APIStatusError):
        return _status_error(err, provider, model)
    if isinstance(err, openai.APIResponseValidationError):
        return BadModelOutput(f"{where} sent a reply the OpenAI SDK could not read: {err.message}")
    return AIPMError(f"{where} failed: {err}. Run `aipm doctor` to check the configuration.")


def _status_error(err: openai.APIStatusError, provider: str, model: str) -> AIPMError:
    where = f"{provider} ({model})"
    detail = _short(_provider_message(err))
    if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
        return BadKey(f"{where} rejected the API key ({err.status_code}: {detail}). "
                      f"{_KEY_HINT.get(provider, 'Check the API key')}, or run `aipm doctor`.")
    if isinstance(err, openai.NotFoundError):
        return ModelNotFound(_not_found_message(provider, model, detail))
    if isinstance(err, openai.RateLimitError):
        return RateLimited(
            f"{where} is rate limiting us (429) even after retries: {detail}. Wait a minute, "
            "lower AIPM_LLM_CONCURRENCY, or use a batch job for large runs.",
            retry_after_s=retry_after_seconds(err.response.headers))
    if err.status_code >= 500:
        return ProviderUnreachable(
            f"{where} had a server error ({err.status_code}) even after retries: {detail}. "
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


__all__ = ["SDK_ERRORS", "openai_error_to_kit"]
