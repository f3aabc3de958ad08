"""Anthropic errors -> the kit's typed errors: the one place for SDK exceptions (chat and batch
calls) and for an errored batch item's `error.type`.

The SDK has already retried by the time an exception reaches us; messages say how many times.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anthropic

from shared.errors import (
    AIPMError,
    BadInput,
    BadKey,
    ModelNotFound,
    ProviderUnreachable,
    RateLimited,
)
from shared.llm._http import was_truncated
from shared.llm._retry_hint import after_retries, retry_after_seconds
from shared.providers import host_hint, key_hint

ITEM_ERROR_TYPES: dict[str, type[AIPMError]] = {  # an errored item's `error.type` -> kit error
    "invalid_request_error": BadInput, "authentication_error": BadKey,
    "permission_error": BadKey, "billing_error": BadKey, "not_found_error": ModelNotFound,
    "rate_limit_error": RateLimited, "api_error": ProviderUnreachable,
    "overloaded_error": ProviderUnreachable, "timeout_error": ProviderUnreachable,
}


def map_status_error(err: anthropic.APIStatusError, model: str, retries: int = 0) -> AIPMError:
    """One HTTP error from Anthropic as the typed error a person can act on."""
    detail = err.api_message or err.message
    if isinstance(err, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return BadKey(f"Anthropic rejected the API key ({err.status_code}: {detail}). "
                      f"{key_hint('anthropic')} or run `aipm doctor`.")
    if isinstance(err, anthropic.NotFoundError):
        return ModelNotFound(f"Anthropic does not know the model '{model}' ({detail}). Set "
                             "AIPM_MODEL to a model your key can use, e.g. "
                             "anthropic:claude-haiku-4-5, or run `aipm doctor`.")
    if isinstance(err, anthropic.RateLimitError):
        wait = retry_after_seconds(err.response.headers)
        after = f" Retry after {wait:g} s." if wait is not None else ""
        return RateLimited(f"Anthropic is rate limiting this key{after_retries(retries)} "
                           f"({detail}).{after} Lower AIPM_LLM_CONCURRENCY or use a batch for "
                           "large jobs.", wait)
    if err.status_code in (400, 413, 422):
        return BadInput(f"Anthropic refused the request ({err.status_code}: {detail}). "
                        "Shorten the input or check the model's limits.")
    return ProviderUnreachable(f"Anthropic answered {err.status_code}{after_retries(retries)} "
                               f"({detail}). Try again in a minute; {host_hint('anthropic')}.")


def map_sdk_error(err: anthropic.AnthropicError, model: str, retries: int = 0) -> AIPMError:
    """Connection failures and timeouts included: every SDK error becomes an `AIPMError`."""
    if isinstance(err, anthropic.APIStatusError):
        return map_status_error(err, model, retries)
    if isinstance(err, anthropic.APITimeoutError):
        return ProviderUnreachable(f"Anthropic did not answer in time{after_retries(retries)}. "
                                   "Raise AIPM_LLM_TIMEOUT or try again; run `aipm doctor` to "
                                   "check the connection.")
    if isinstance(err, anthropic.APIConnectionError) and was_truncated(err):
        return ProviderUnreachable(f"Anthropic's reply was cut off before it ended"
                                   f"{after_retries(retries)}. Try again; if it keeps "
                                   "happening, run `aipm doctor`.")
    if isinstance(err, anthropic.APIConnectionError):
        return ProviderUnreachable(f"Cannot reach Anthropic{after_retries(retries)}. "
                                   f"{host_hint('anthropic')}, or run `aipm doctor`.")
    return ProviderUnreachable(f"The Anthropic SDK failed: {err}. Run `aipm doctor`.")


@contextmanager
def anthropic_errors(model: str, retries: int = 0) -> Iterator[None]:
    """Convert SDK exceptions at the wire edge, keeping the original as `__cause__`."""
    try:
        yield
    except anthropic.AnthropicError as err:
        raise map_sdk_error(err, model, retries) from err
    except json.JSONDecodeError as err:  # an SSE event cut short (whole bodies are retried)
        raise ProviderUnreachable("Anthropic's reply was cut off before it ended. Try again; "
                                  "if it keeps happening, run `aipm doctor`.") from err


def item_error(response: Any) -> AIPMError:
    """An errored batch item's `{type, message}` as the matching kit error."""
    error = getattr(response, "error", None)
    kind = getattr(error, "type", None) or "api_error"
    detail = getattr(error, "message", None) or "no detail"
    error_class = ITEM_ERROR_TYPES.get(kind, AIPMError)
    return error_class(f"Anthropic could not process this item ({kind}: {detail}). "
                       "Fix the row if the input is at fault, then submit it again.")


__all__ = ["ITEM_ERROR_TYPES", "anthropic_errors", "item_error", "map_sdk_error",
           "map_status_error"]
