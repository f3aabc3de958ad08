"""The few error classes a person can act on.

Library code raises these; the edges convert them: the CLI prints `message` and exits non-zero,
the API returns `{"error": {"code", "message"}}` with `http_status`, pages call `st.error`.
Every message says what happened and what to do next.
"""

from __future__ import annotations


class AIPMError(Exception):
    """Base class: `code` is stable for machines, `str(err)` is written for people."""

    code = "error"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The JSON shape the API and `--json` CLI output use for errors."""
        return {"code": self.code, "message": self.message}


class MissingKey(AIPMError):
    """A provider is selected but its API key is not set."""

    code = "missing_key"
    http_status = 503


class BadKey(AIPMError):
    """The provider rejected the API key (401/403)."""

    code = "bad_key"
    http_status = 502


class ModelNotFound(AIPMError):
    """The provider does not know the requested model (404)."""

    code = "model_not_found"
    http_status = 502


class RateLimited(AIPMError):
    """The provider kept answering 429 after the SDK's own retries."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ProviderUnreachable(AIPMError):
    """Connection refused, DNS failure, timeout, or a 5xx that outlived the retries."""

    code = "provider_unreachable"
    http_status = 503


class BadModelOutput(AIPMError):
    """The model's reply could not be used (invalid JSON, wrong schema) even after one repair."""

    code = "bad_model_output"
    http_status = 502

    def __init__(self, message: str, raw_text: str = "") -> None:
        super().__init__(message)
        self.raw_text = raw_text


class BadInput(AIPMError):
    """The user's input cannot be processed: corrupt file, empty file, wrong format, too large."""

    code = "bad_input"
    http_status = 400


class TooLarge(BadInput):
    """An upload or file is over the configured size limit."""

    code = "too_large"
    http_status = 413


class NotFound(BadInput):
    """The user named something that does not exist (a collection, a job, a file)."""

    code = "not_found"
    http_status = 404


class IndexMismatch(AIPMError):
    """A collection was built with another embedder or dimension than the one now configured."""

    code = "index_mismatch"
    http_status = 409


def one_line(text: str, limit: int = 300) -> str:
    """`text` as one short line: a reason a job records or a page shows, whatever it held."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def failure_reason(err: BaseException) -> str:
    """One line for any exception that ended a background job or a page action: the kit's
    own message, or the exception's type and text for an unforeseen one (whose traceback the
    caller logs)."""
    if isinstance(err, AIPMError):
        return one_line(err.message)
    return one_line(f"unexpected {type(err).__name__}: {err} (the server log has the details)")


__all__ = [
    "AIPMError",
    "BadInput",
    "BadKey",
    "BadModelOutput",
    "IndexMismatch",
    "MissingKey",
    "ModelNotFound",
    "NotFound",
    "ProviderUnreachable",
    "RateLimited",
    "TooLarge",
    "failure_reason",
    "one_line",
]
