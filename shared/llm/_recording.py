"""Turning a backend's RawReply into a priced LLMResult, and writing one trace row per call.

Shared by the client and its streams so every path (success, error, cache hit, stream end)
records the same way. A tracing failure is logged and swallowed: losing a metadata row must
never cost a user their answer.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from shared.config import Settings
from shared.errors import AIPMError, BadInput
from shared.llm.pricing import cost_usd
from shared.llm.types import LLMResult, RawReply
from shared.tracing import TraceRow, TraceStore

log = logging.getLogger(__name__)
_ERROR_TEXT_LIMIT = 300


def elapsed_ms(started: float | None) -> float:
    """Milliseconds since `started` (a `time.perf_counter()` value); 0 when not timed."""
    return 0.0 if started is None else round((time.perf_counter() - started) * 1000, 3)


def error_text(err: AIPMError) -> str:
    """`code: message`, short enough for a table cell."""
    text = f"{err.code}: {err.message}"
    return text if len(text) <= _ERROR_TEXT_LIMIT else text[: _ERROR_TEXT_LIMIT - 1] + "…"


class CallRecorder:
    """Prices replies and traces calls for one client (one product, provider and model)."""

    def __init__(self, settings: Settings, *, product: str, provider: str, model: str) -> None:
        self.product = product
        self.provider = provider
        self.model = model
        self._store = _open_store(settings)

    def result(self, raw: RawReply, started: float | None, *, batch: bool = False) -> LLMResult:
        """The priced result of one reply, timed from `started` (None: not timed, e.g. batch)."""
        return LLMResult(
            text=raw.text, provider=self.provider, model=raw.model or self.model,
            input_tokens=raw.input_tokens, output_tokens=raw.output_tokens,
            cost_usd=cost_usd(self.provider, raw.model or self.model, raw.input_tokens,
                              raw.output_tokens, batch=batch),
            latency_ms=elapsed_ms(started), truncated=raw.stop_reason == "max_tokens",
        )

    def ok(self, operation: str, result: LLMResult) -> None:
        """Trace a successful call (or a cache hit, when `result.cached`)."""
        billed = not result.cached  # a cache hit bills nothing
        self.record(TraceRow(
            product=self.product, operation=operation, provider=self.provider,
            model=result.model, latency_ms=result.latency_ms,
            input_tokens=result.input_tokens if billed else 0,
            output_tokens=result.output_tokens if billed else 0,
            cost_usd=result.cost_usd if billed else 0.0, cache_hit=result.cached))

    def error(self, operation: str, started: float | None, err: AIPMError, *,
              spent: LLMResult | None = None, model: str | None = None) -> None:
        """Trace a failed call; `spent` carries the tokens of a reply that was paid but unusable."""
        self.record(TraceRow(
            product=self.product, operation=operation, provider=self.provider,
            model=spent.model if spent else model or self.model, latency_ms=elapsed_ms(started),
            input_tokens=spent.input_tokens if spent else 0,
            output_tokens=spent.output_tokens if spent else 0,
            cost_usd=spent.cost_usd if spent else 0.0, status="error", error=error_text(err)))

    def record(self, row: TraceRow) -> None:
        """Append one row; on a disk or SQLite failure, warn and carry on."""
        if self._store is None:
            return
        try:
            self._store.record(row)
        except (sqlite3.Error, OSError) as err:
            log.warning("Could not write a trace row to %s (%s); the call itself succeeded.",
                        self._store.path, err)


def _open_store(settings: Settings) -> TraceStore | None:
    try:
        return TraceStore(settings.data_path("traces.sqlite"))
    except (sqlite3.Error, OSError, BadInput) as err:  # BadInput: data dir cannot be created
        log.warning("Tracing is off: cannot open the trace store in %s (%s). Calls still work.",
                    settings.data_dir, err)
        return None


__all__ = ["CallRecorder", "elapsed_ms", "error_text"]
