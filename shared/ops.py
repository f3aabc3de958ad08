"""The ops report: LLM calls (tokens, cost, latency), keyless product operations, and answer
ratings, all from the local trace store.

One function feeds `aipm ops --json`, `GET /v1/ops` and the hub's Ops page, so the three
can never disagree about what was spent. Rows with provider "local" are baseline operations
(`trace_operation`): they are counted per product and engine, never as LLM calls.
Rows tagged as test runs (`source` "stress", written by `aipm stress`) are hidden unless
asked for (`include_stress`), so a stress run never reads as people using the product.
"""

from __future__ import annotations

import sqlite3

from pydantic import BaseModel

from shared.config import Settings
from shared.errors import BadInput
from shared.ratings import Rating, RatingSummary, rating_summary, recent_ratings
from shared.tracing import (
    LOCAL_PROVIDER,
    TRACE_FILE,
    USER_SOURCE,
    TraceRow,
    TraceStore,
    UsageSummary,
)

TEST_SOURCES = frozenset({"stress"})  # trace sources that are test runs, not usage


class OpsTotals(BaseModel):
    """Totals over every recorded LLM call."""

    calls: int
    errors: int
    cache_hits: int
    input_tokens: int
    output_tokens: int
    tokens: int
    cost_usd: float


class OpsReport(BaseModel):
    """What the Ops page, `aipm ops --json` and `GET /v1/ops` show."""

    trace_file: str
    totals: OpsTotals
    by_model: list[UsageSummary]  # LLM calls per product and model
    operations: list[UsageSummary]  # keyless operations per product and engine (model)
    ratings: list[RatingSummary]  # 👍/👎 per product and operation
    recent: list[TraceRow]
    recent_errors: list[TraceRow]
    recent_ratings: list[Rating]
    hidden_test_rows: int = 0  # rows tagged as test runs (stress) this view leaves out

    @property
    def empty(self) -> bool:
        """Nothing recorded yet: no LLM call, no operation, no rating."""
        return not (self.totals.calls or self.operations or self.ratings)


def open_trace_store(settings: Settings) -> TraceStore:
    """The trace store every LLM call writes to (`<data_dir>/traces.sqlite`)."""
    return TraceStore(settings.data_path(TRACE_FILE))


def totals_of(summaries: list[UsageSummary]) -> OpsTotals:
    """Add the per-model summaries up into one line."""
    input_tokens = sum(s.input_tokens for s in summaries)
    output_tokens = sum(s.output_tokens for s in summaries)
    return OpsTotals(
        calls=sum(s.calls for s in summaries),
        errors=sum(s.errors for s in summaries),
        cache_hits=sum(s.cache_hits for s in summaries),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        tokens=input_tokens + output_tokens,
        cost_usd=round(sum(s.cost_usd for s in summaries), 6),
    )


def format_usd(value: float) -> str:
    """Dollars for people: sub-cent costs keep six decimals (a one-token call is ~$0.00002)."""
    if value == 0 or abs(value) >= 0.01:
        return f"${value:,.4f}"
    digits = f"{value:.6f}".rstrip("0")
    return "$" + digits.ljust(len("0.0000"), "0")


def build_ops_report(settings: Settings, recent: int = 20,
                     include_stress: bool = False) -> OpsReport:
    """Read the trace store once and summarise it; `recent` caps the row lists.

    Stress-run rows are left out unless `include_stress`; `hidden_test_rows` says how many.
    """
    try:
        return _read_report(settings, recent, include_stress)
    except sqlite3.DatabaseError as err:
        path = settings.data_dir / TRACE_FILE
        raise BadInput(f"The trace file {path} cannot be read ({err}). Move it aside; a new one "
                       "is created on the next LLM call.") from err
    except OSError as err:  # the data dir itself cannot be created or opened
        raise BadInput(f"Cannot open the data dir {settings.data_dir} ({err.strerror}). Set "
                       "AIPM_DATA_DIR to a folder you can write to.") from err


def _read_report(settings: Settings, recent: int, include_stress: bool) -> OpsReport:
    store = open_trace_store(settings)
    hide = () if include_stress else TEST_SOURCES
    counts = store.count_sources()
    summaries = store.summary(hide_sources=hide)
    llm = [s for s in summaries if s.provider != LOCAL_PROVIDER]
    return OpsReport(
        trace_file=str(store.path.resolve()),
        totals=totals_of(llm),
        by_model=llm,
        operations=[s for s in summaries if s.provider == LOCAL_PROVIDER],
        ratings=rating_summary(settings.data_dir),
        recent=store.recent(limit=recent, hide_sources=hide),
        recent_errors=store.recent(limit=recent, errors_only=True, hide_sources=hide),
        recent_ratings=recent_ratings(settings.data_dir, limit=recent),
        hidden_test_rows=sum(n for source, n in counts.items() if source in hide),
    )


__all__ = [
    "TEST_SOURCES",
    "USER_SOURCE",
    "OpsReport",
    "OpsTotals",
    "build_ops_report",
    "format_usd",
    "open_trace_store",
    "totals_of",
]
