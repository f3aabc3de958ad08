"""One run over a file: read in chunks, flag duplicates, analyse, write, count.

Whatever the engine, rows stream through in chunks, so memory stays flat; every input row
produces exactly one output line in input order, including empty, non-text, duplicate and
failed rows (marked, never dropped).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Protocol

from products.feedback_analyzer.core.models import (
    FeedbackRow,
    Labelled,
    RowAnalysis,
    RowResult,
    RunSummary,
    TableInfo,
)
from products.feedback_analyzer.core.output import OutputWriter
from products.feedback_analyzer.core.parallel import labelled_chunks
from products.feedback_analyzer.core.reader import FeedbackTable
from products.feedback_analyzer.core.summary import Counts, SummaryBuilder, ThemeCandidate

CHUNK_ROWS = 2000
Progress = Callable[[int], None]


class RowEngine(Protocol):
    """An engine labels a chunk of rows, returning one analysis per row in the same order."""

    name: str

    def analyze_rows(self, rows: list[FeedbackRow]) -> Sequence[RowAnalysis | RowResult]: ...


def text_key(text: str) -> str:
    """A stable key for "the same text": case and spacing ignored (16 hex digits)."""
    normal = " ".join(text.casefold().split())
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def flag_duplicates(rows: Iterable[FeedbackRow]) -> Iterator[FeedbackRow]:
    """Mark each repeat of an earlier row's text with `duplicate of <first row id>`. The key
    lives only for this pass, so it is Python's 64-bit string hash of the normalised text (as
    collision-safe as `text_key`'s 8-byte digest, at half the cost, and smaller to hold for a
    million rows)."""
    first_seen: dict[int, str] = {}
    for row in rows:
        if row.flag not in ("empty", "non_text"):
            key = hash(" ".join(row.text.casefold().split()))
            if key in first_seen:
                note = f"duplicate of {first_seen[key]}"
                row.flag = f"{row.flag}; {note}" if row.flag else note
            else:
                first_seen[key] = row.row_id
        yield row


def chunked(rows: Iterable[FeedbackRow], size: int) -> Iterator[list[FeedbackRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class RunOutcome:
    """What a streamed run leaves behind for the summary and the report."""

    def __init__(self, info: TableInfo, counts: Counts, candidates: list[ThemeCandidate],
                 statuses: dict[str, int], seconds: float, cancelled: bool = False) -> None:
        self.info = info
        self.cancelled = cancelled
        self.counts = counts
        self.candidates = candidates
        self.statuses = statuses
        self.seconds = seconds


def stream_analysis(table: FeedbackTable, engine: RowEngine, out: Path,
                    progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS,
                    stop: Callable[[], bool] | None = None, workers: int = 1) -> RunOutcome:
    """Analyse every row of `table` with `engine` into `out`; returns counts and samples.
    LLM runs use smaller chunks so the checkpoint advances every few seconds. `stop` is
    asked between two chunks: when it says yes the run ends there, the CSV keeps every row
    labelled so far and the outcome says `cancelled` (a cancel loses no finished row).
    `workers` > 1 labels chunks in forked processes (core.parallel; the keyless engine)."""
    started = time.perf_counter()
    info = table.info
    builder = SummaryBuilder(columns=info.columns, group_column=info.group_column,
                             effort_column=info.effort_column)
    statuses = {"ok": 0, "failed": 0, "skipped": 0}
    done, stopped = 0, [False]

    def asked_to_stop() -> bool:  # asked only while a chunk is left: yes means cancelled
        stopped[0] = stop is not None and stop()
        return stopped[0]

    with OutputWriter(out, table.info.columns) as writer:
        for chunk, analyses in labelled_chunks(
                chunked(flag_duplicates(table.rows()), chunk_rows), engine.analyze_rows,
                workers, asked_to_stop):
            items = [Labelled(row, analysis) for row, analysis
                     in zip(chunk, analyses, strict=True)]
            writer.write_many(items)
            for item in items:
                builder.add(item)
                statuses[item.analysis.status] += 1
            done += len(chunk)
            if progress:
                progress(done)
    return RunOutcome(table.info, builder.counts(), builder.candidates, statuses,
                      time.perf_counter() - started, stopped[0])


def run_summary(outcome: RunOutcome, *, engine: str, model: str | None,
                pii: dict[str, int], cost_usd: float, output: Path | None) -> RunSummary:
    """The `--json` object of `aipm feedback analyze`."""
    counts = outcome.counts
    return RunSummary(rows=sum(outcome.statuses.values()), **outcome.statuses,
                      engine=engine,  # type: ignore[arg-type]
                      model=model, counts=counts.sentiment, aspects=counts.aspects,
                      pii_redacted=pii, seconds=round(outcome.seconds, 3),
                      cost_usd=round(cost_usd, 6), output=str(output) if output else None,
                      cancelled=outcome.cancelled)


__all__ = ["CHUNK_ROWS", "RowEngine", "RunOutcome", "chunked", "flag_duplicates",
           "run_summary", "stream_analysis", "text_key"]
