"""A local trace store: one SQLite row per LLM call or keyless product operation, read by
`aipm ops` and the Ops page.

Rows hold only metadata (never prompts or replies), and error text passes through `redact_pii`,
so a trace file can be shared without leaking the customer text that the feedback analyzer or
résumé assistant processes. Every row carries a `trace_id` (a random hex uuid) from the moment
it is built, so a product can hand it to the answer-rating widget before the row is written.

Every row also says where it came from (`source`: "user" by default). Whole test runs, such as
`aipm stress`, wrap their work in `trace_source("stress")`, so every row written inside it,
LLM calls included, is tagged and the Ops page can hide them: a stress run is not usage.
"""

from __future__ import annotations

import logging
import sqlite3
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from shared._private import private_file
from shared.privacy import redact_pii

log = logging.getLogger(__name__)
TRACE_FILE = "traces.sqlite"  # inside the data dir

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
    items INTEGER NOT NULL DEFAULT 0,
    trace_id TEXT,
    source TEXT NOT NULL DEFAULT 'user'
);
"""
LOCAL_PROVIDER = "local"  # the provider of a row that records a baseline (no LLM) operation
USER_SOURCE = "user"  # a row a person's use of the product wrote
_SOURCE: ContextVar[str] = ContextVar("aipm_trace_source", default=USER_SOURCE)
_COLUMNS = (
    "ts", "product", "operation", "provider", "model", "latency_ms", "input_tokens",
    "output_tokens", "cost_usd", "cache_hit", "status", "error", "items", "trace_id", "source",
)
_INSERT_SQL = f"INSERT INTO calls ({','.join(_COLUMNS)}) VALUES ({','.join('?' * len(_COLUMNS))})"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def current_source() -> str:
    """The source new rows are tagged with: "user" unless inside `trace_source(...)`."""
    return _SOURCE.get()


@contextmanager
def trace_source(source: str) -> Iterator[None]:
    """Tag every row built inside the block (this thread and its asyncio tasks) as `source`."""
    token = _SOURCE.set(source)
    try:
        yield
    finally:
        _SOURCE.reset(token)


def new_trace_id() -> str:
    """A random id that names one row (and the answer a person may rate)."""
    return uuid.uuid4().hex


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
    trace_id: str | None = Field(default_factory=new_trace_id)  # None only in pre-id stores
    source: str = Field(default_factory=current_source)  # "user", or "stress" for a test run


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
    items: int = 0  # rows, files or questions the operations handled


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
        _add_missing_columns(self._writer)

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

    def record(self, row: TraceRow) -> str | None:
        """Append one call; returns its `trace_id` (what a rating refers to)."""
        self.record_many([row])
        return row.trace_id

    def record_many(self, rows: list[TraceRow]) -> None:
        """Append many calls in one transaction: a 10k-row batch collect writes once."""
        values = [_row_values(row) for row in rows]
        with self._lock, self._writer:
            if len(values) == 1:  # the per-call path: a plain execute is cheaper
                self._writer.execute(_INSERT_SQL, values[0])
            else:
                self._writer.executemany(_INSERT_SQL, values)

    def recent(self, limit: int = 100, *, errors_only: bool = False,
               hide_sources: Collection[str] = ()) -> list[TraceRow]:
        """The newest rows first; `hide_sources` leaves out rows tagged with those sources."""
        hidden = sorted(hide_sources)
        clauses = (["status != 'ok'"] if errors_only else []) + (
            [f"source NOT IN ({','.join('?' * len(hidden))})"] if hidden else [])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT {','.join(_COLUMNS)} FROM calls {where} ORDER BY id DESC LIMIT ?"
        with self._connect() as conn:
            rows = conn.execute(sql, (*hidden, limit)).fetchall()
        return [TraceRow(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]

    def find(self, trace_id: str) -> TraceRow | None:
        """The row with this id, or None."""
        sql = f"SELECT {','.join(_COLUMNS)} FROM calls WHERE trace_id = ? LIMIT 1"
        with self._connect() as conn:
            row = conn.execute(sql, (trace_id,)).fetchone()
        return TraceRow(**dict(zip(_COLUMNS, row, strict=True))) if row else None

    def count_sources(self) -> dict[str, int]:
        """Rows per source ("user", "stress", …), to say how many a view hides."""
        with self._connect() as conn:
            rows = conn.execute("SELECT source, COUNT(*) FROM calls GROUP BY source").fetchall()
        return {source: count for source, count in rows}

    def summary(self, hide_sources: Collection[str] = ()) -> list[UsageSummary]:
        """Per product and model: calls, errors, tokens, cost, p50/p95 latency."""
        groups: dict[tuple[str, str, str], list[TraceRow]] = {}
        for row in self.recent(limit=1_000_000, hide_sources=hide_sources):
            groups.setdefault((row.product, row.provider, row.model), []).append(row)
        return [_summarise(key, rows) for key, rows in sorted(groups.items())]


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Stores written before `items` or `trace_id` existed get the column instead of failing."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(calls)")}
    if "items" not in columns:
        conn.execute("ALTER TABLE calls ADD COLUMN items INTEGER NOT NULL DEFAULT 0")
    if "trace_id" not in columns:
        conn.execute("ALTER TABLE calls ADD COLUMN trace_id TEXT")
    if "source" not in columns:
        conn.execute("ALTER TABLE calls ADD COLUMN source TEXT NOT NULL DEFAULT 'user'")
    # No index on trace_id: it would tax every call's insert (the hot path, see
    # benchmarks/llm_client.py) to speed up `find`, which runs once per human rating.


@contextmanager
def trace_operation(
    store: TraceStore, *, product: str, operation: str, engine: str, items: int = 0,
) -> Iterator[TraceRow]:
    """Record one product operation (a baseline ask, a CSV analysis) with its latency: no text.

    LLM calls are traced one by one by `shared.llm`; this row is what a keyless session leaves
    on the Ops page. Set `row.items` inside the block when the count is known only at the end;
    an exception marks the row as an error with its class name and is re-raised. `row.trace_id`
    is set from the start: return it with the result so the person can rate the answer.
    """
    row = _operation_row(product, operation, engine, items)
    with _timed(row, store.record):
        yield row


@contextmanager
def traced_operation(
    data_dir: Path, *, product: str, operation: str, engine: str, items: int = 0,
) -> Iterator[TraceRow]:
    """`trace_operation` on the data dir's store, for product code: when the store cannot be
    opened or written (read-only disk, corrupt file) it logs a warning and the operation goes
    on, because losing one trace row must never cost the person their answer."""
    row = _operation_row(product, operation, engine, items)
    with _timed(row, lambda done: _record_or_warn(data_dir, done)):
        yield row


def trace_store_for(data_dir: Path) -> TraceStore:
    """The store every call writes to (`<data_dir>/traces.sqlite`)."""
    return TraceStore(Path(data_dir) / TRACE_FILE)


def _operation_row(product: str, operation: str, engine: str, items: int) -> TraceRow:
    return TraceRow(product=product, operation=operation, provider=LOCAL_PROVIDER, model=engine,
                    items=items)


@contextmanager
def _timed(row: TraceRow, finish: Callable[[TraceRow], object]) -> Iterator[TraceRow]:
    """Time the block; an exception marks the row as an error (class name only), re-raised."""
    started = time.perf_counter()
    try:
        yield row
    except Exception as exc:
        row.status, row.error = "error", type(exc).__name__
        raise
    finally:
        row.latency_ms = round((time.perf_counter() - started) * 1000, 3)
        finish(row)


def _record_or_warn(data_dir: Path, row: TraceRow) -> None:
    try:
        store = trace_store_for(data_dir)
        try:
            store.record(row)
        finally:
            store.close()
    except (OSError, sqlite3.Error) as err:
        log.warning("Could not write the trace row for %s/%s to %s (%s); the operation itself "
                    "went on.", row.product, row.operation, data_dir, err)


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
        items=sum(row.items for row in rows),
    )


__all__ = [
    "LOCAL_PROVIDER", "TRACE_FILE", "USER_SOURCE", "TraceRow", "TraceStore", "UsageSummary",
    "current_source", "new_trace_id", "percentile", "trace_operation", "trace_source",
    "trace_store_for", "traced_operation",
]
