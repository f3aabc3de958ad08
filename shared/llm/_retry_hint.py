"""The provider's `Retry-After` hint, read the same way for every wire format.

Both SDKs already wait for it before retrying; the kit only keeps the number so a
`RateLimited` error (and the API's 429) can tell the caller how long to back off.
"""

from __future__ import annotations

from collections.abc import Mapping

# `retry-after-ms` first: it is the finer of the two, and the SDKs read it first too.
_HEADERS = (("retry-after-ms", 1000.0), ("retry-after", 1.0))


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from the first numeric retry header; None when there is none."""
    for name, divisor in _HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) / divisor, 0.0)
        except ValueError:
            continue  # an HTTP date: the SDK already waited for it; we keep numbers only
    return None


def after_retries(retries: int) -> str:
    """How many times the SDK retried, in words for an error message ("" when it did not):
    a message must not claim retries that AIPM_LLM_MAX_RETRIES=0 switched off."""
    if retries <= 0:
        return ""
    return f" after {retries} {'retry' if retries == 1 else 'retries'}"


__all__ = ["after_retries", "retry_after_seconds"]
