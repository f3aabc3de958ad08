"""A local trace store: one SQLite row per LLM call, read by `aipm ops` and the Ops page.

Rows hold only metadata (never prompts or replies), and error text passes through `redact_pii`,
so a trace file can be shared without leaking the customer text that the feedback analyzer or
résumé assistant processes.
"""

from __future__ import annotations

import sqlite3
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from shared._private import private_file
from shared.privacy import redact_pii

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    product TEXT NOT NULL,
    operation TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    cache_hit INTEGER NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    items INTEGER NOT NULL DEFAULT 0
);
"""
LOCAL_PROVIDER = "local"  # the provider of a row that records a baseline (no LLM) operation
_COLUMNS = (
    "ts", "product", "operation", "provider", "model", "latency_ms", "input_tokens",
    "output_tokens", "cost_usd", "cache_hit", "status", "error", "items",
)
_INSERT_SQL = f"INSERT INTO calls ({','.join(_COLUMNS)}) VALUES ({','.join('?' * len(_COLUMNS))})"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class TraceRow(BaseModel):
    """One call as the Ops page sees it."""

    ts: str = Field(default_factory=_now)
    product: str = "kit"
    operation: str = "complete"
    provider: str
    model: str
    latency_ms: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cache_hit: bool = False
    status: str = "ok"
    error: str | None = None
    items: int = 0  # rows, files or questions an operation handled (0 for one LLM call)


class UsageSummary(BaseModel):
    """Calls, errors, tokens, cost and latency percentiles for one product and model."""

    product: str
    provider: str
    model: str
    calls: int
    errors: int
    cache_hits: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    p50_latency_ms: float
    p95_latency_ms: float


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return float(cuts[int(pct) - 1]) if 1 <= pct <= 99 else float(max(values))


class TraceStore:
    """Append-only call log in `<data_dir>/traces.sqlite`; safe to share across threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        private_file(self.path)
        self._lock = threading.Lock()
        # One long-lived writer: opening a connection per row made SQLite checkpoint and delete
        # the WAL on every close, ~2 ms a row (measured in benchmarks/llm_client.py).
        self._writer = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self._writer.execute("PRAGMA journal_mode=WAL")
        self._writer.execute("PRAGMA synchronous=NORMAL")
        self._writer.executescript(_SCHEMA)
        _add_items_column(self._writer)

    def close(self) -> None:
        """Close the writer; later reads still work, a later write raises `sqlite3.Error`."""
        with self._lock:
            self._writer.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            yield conn
        finally:
            conn.close()

    def record(self, row: TraceRow) -> None:
        """Append one call."""
        self.record_many([row])

    def record_many(self, rows: list[TraceRow]) -> None:
        """Append many calls in one transaction: a 10k-row batch collect writes once."""
        values = [_row_values(row) for row in rows]
        with self._lock, self._writer:
            if len(values) == 1:  # the per-call path: a plain execute is cheaper
                self._writer.execute(_INSERT_SQL, values[0])
            else:
                self._writer.executemany(_INSERT_SQL, values)

    def recent(self, limit: int = 100, *, errors_only: bool = False) -> list[TraceRow]:
        """The newest rows first."""
        where = "WHERE status != 'ok'" if errors_only else ""
        sql = f"SELECT {','.join(_COLUMNS)} FROM calls {where} ORDER BY id DESC LIMIT ?"
        with self._connect() as conn:
            rows = conn.execute(sql, (limit,)).fetchall()
        return [TraceRow(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]

    def summary(self) -> list[UsageSummary]:
        """Per product and model: calls, errors, tokens, cost, p50/p95 latency."""
        groups: dict[tuple[str, str, str], list[TraceRow]] = {}
        for row in self.recent(limit=1_000_000):
            groups.setdefault((row.product, row.provider, row.model), []).append(row)
        return [_summarise(key, rows) for key, rows in sorted(groups.items())]


def _add_items_column(conn: sqlite3.Connection) -> None:
    """Stores written before `items` existed get the column (default 0) instead of failing."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(calls)")}
    if "items" not in columns:
        conn.execute("ALTER TABLE calls ADD COLUMN items INTEGER NOT NULL DEFAULT 0")


@contextmanager
def trace_operation(
    store: TraceStore, *, product: str, operation: str, engine: str, items: int = 0,
) -> Iterator[TraceRow]:
    """Record one product operation (a baseline ask, a CSV analysis) with its latency: no text.

    LLM calls are traced one by one by `shared.llm`; this row is what a keyless session leaves
    on the Ops page. Set `row.items` inside the block when the count is known only at the end;
    an exception marks the row as an error with its class name and is re-raised.
    """
    row = TraceRow(product=product, operation=operation, provider=LOCAL_PROVIDER,
                   model=engine, items=items)
    started = time.perf_counter()
    try:
        yield row
    except Exception as exc:
        row.status, row.error = "error", type(exc).__name__
        raise
    finally:
        row.latency_ms = round((time.perf_counter() - started) * 1000, 3)
        store.record(row)


def _row_values(row: TraceRow) -> tuple[object, ...]:
    """The row as SQL values, with personal data and secrets masked out of the error text."""
    error = redact_pii(row.error) if row.error else row.error
    return tuple(error if name == "error" else getattr(row, name) for name in _COLUMNS)


def _summarise(key: tuple[str, str, str], rows: list[TraceRow]) -> UsageSummary:
    latencies = [row.latency_ms for row in rows if not row.cache_hit]
    return UsageSummary(
        product=key[0],
        provider=key[1],
        model=key[2],
        calls=len(rows),
        errors=sum(row.status != "ok" for row in rows),
        cache_hits=sum(row.cache_hit for row in rows),
        input_tokens=sum(row.input_tokens for row in rows),
        output_tokens=sum(row.output_tokens for row in rows),
        cost_usd=round(sum(row.cost_usd for row in rows), 6),
        p50_latency_ms=round(percentile(latencies, 50), 1),
        p95_latency_ms=round(percentile(latencies, 95), 1),
    )


__all__ = [
    "LOCAL_PROVIDER", "TraceRow", "TraceStore", "UsageSummary", "percentile", "trace_operation",
]
