"""Answer ratings: a thumbs up or down (and an optional comment) on one traced answer.

The post-launch signal a PM watches: the share of 👍 per product and operation. A rating points
at a trace row by its `trace_id` and copies that row's product and operation, so no answer text
is stored; the only person-written text is a comment someone chose to type, and it passes
through `redact_pii` like every error message in the trace file. Ratings live in the trace
file itself (`<data_dir>/traces.sqlite`, table `ratings`); rating the same answer again
replaces the earlier rating.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from shared.errors import BadInput, NotFound
from shared.privacy import redact_pii
from shared.tracing import TRACE_FILE, TraceStore

MAX_COMMENT_CHARS = 2000
Thumbs = Literal["up", "down"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    trace_id TEXT PRIMARY KEY,
    ts TEXT NOT NULL,
    product TEXT NOT NULL,
    operation TEXT NOT NULL,
    up INTEGER NOT NULL,
    comment TEXT
);
"""


class Rating(BaseModel):
    """One person's verdict on one answer."""

    trace_id: str
    ts: str
    product: str
    operation: str
    thumbs: Thumbs
    comment: str | None = None


class RatingSummary(BaseModel):
    """👍 and 👎 for one product and operation, and the share of 👍."""

    product: str
    operation: str
    up: int
    down: int
    comments: int
    up_rate: float  # up / (up + down)


def _connect(path: Path) -> closing[sqlite3.Connection]:
    """The trace file with its ratings table; created through `TraceStore` when missing, so it
    gets the same folder and file set-up as every trace write."""
    try:
        if not path.exists():
            TraceStore(path).close()
        conn = sqlite3.connect(path, timeout=10)
        conn.executescript(_SCHEMA)
    except (OSError, sqlite3.Error) as err:
        raise BadInput(f"The trace file {path} cannot be opened ({err}). Move it aside, or set "
                       "AIPM_DATA_DIR to a folder you can write to.") from err
    return closing(conn)


def clean_comment(comment: str | None) -> str | None:
    """A typed comment, trimmed, capped and with personal data masked; None when blank."""
    text = (comment or "").strip()
    if not text:
        return None
    if len(text) > MAX_COMMENT_CHARS:
        raise BadInput(f"The comment is {len(text)} characters; keep it under "
                       f"{MAX_COMMENT_CHARS}.")
    return redact_pii(text)


def rate_answer(data_dir: Path, trace_id: str, thumbs: Thumbs,
                comment: str | None = None) -> Rating:
    """Store a rating for the traced answer `trace_id` (NotFound when no such trace exists)."""
    path = Path(data_dir) / TRACE_FILE
    with _connect(path) as conn:  # a clear BadInput when the file is unusable
        conn.commit()  # the ratings table now exists beside the traces
    traces = TraceStore(path)
    try:
        row = traces.find(trace_id)
    finally:
        traces.close()
    if row is None:
        raise NotFound(f"No traced answer has id '{trace_id}'. Rate the trace_id a product "
                       "returned with its answer (`aipm ops --json` lists recent ones).")
    rating = Rating(trace_id=trace_id, ts=datetime.now(UTC).isoformat(timespec="milliseconds"),
                    product=row.product, operation=row.operation, thumbs=thumbs,
                    comment=clean_comment(comment))
    with _connect(path) as conn, conn:
        conn.execute("INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?, ?, ?)",
                     (rating.trace_id, rating.ts, rating.product, rating.operation,
                      int(thumbs == "up"), rating.comment))
    return rating


def rating_summary(data_dir: Path) -> list[RatingSummary]:
    """Per product and operation: 👍, 👎, comments and the 👍 rate."""
    sql = ("SELECT product, operation, SUM(up), SUM(1 - up), COUNT(comment) FROM ratings "
           "GROUP BY product, operation ORDER BY product, operation")
    with _connect(Path(data_dir) / TRACE_FILE) as conn:
        rows = conn.execute(sql).fetchall()
    return [RatingSummary(product=p, operation=o, up=up, down=down, comments=comments,
                          up_rate=round(up / (up + down), 3)) for p, o, up, down, comments in rows]


def recent_ratings(data_dir: Path, limit: int = 20) -> list[Rating]:
    """The newest ratings first (comments included)."""
    sql = ("SELECT trace_id, ts, product, operation, up, comment FROM ratings "
           "ORDER BY ts DESC LIMIT ?")
    with _connect(Path(data_dir) / TRACE_FILE) as conn:
        rows = conn.execute(sql, (limit,)).fetchall()
    return [Rating(trace_id=t, ts=ts, product=p, operation=o, thumbs="up" if up else "down",
                   comment=c) for t, ts, p, o, up, c in rows]


__all__ = ["MAX_COMMENT_CHARS", "Rating", "RatingSummary", "Thumbs", "clean_comment",
           "rate_answer", "rating_summary", "recent_ratings"]
