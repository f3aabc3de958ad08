"""Label chunks in worker processes while the parent reads, writes and counts.

The keyless engine is pure Python and CPU-bound: one process labels ~15k rows a second,
while reading the CSV, flagging duplicates, writing the output and building the summary take
about a third of a run. With `workers` > 1, chunks are labelled by forked processes (each
inherits the loaded lexicon and learned layer, so nothing is loaded or pickled but the rows)
and come back in input order; at most IN_FLIGHT_PER_WORKER chunks per worker wait, so memory
stays flat on a million rows. The parent stops asking for new chunks as soon as `stop` says
so; the chunks already handed out are still written (a cancel loses no finished row), and
a worker ignores Ctrl-C, which the parent alone turns into that stop.

Fork only: a spawned worker would import the whole kit again (~1 s). The CLI asks for
workers (`--workers`); the API and the hub, whose processes run threads, stay in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from typing import Any

from products.feedback_analyzer.core.models import FeedbackRow, RowAnalysis, RowResult

IN_FLIGHT_PER_WORKER = 2
MAX_AUTO_WORKERS = 4

Analysis = Sequence[RowAnalysis | RowResult]
_engine: Any = None  # the engine a forked worker inherits (set just before the pool forks)


def auto_workers() -> int:
    """One worker per core this process may use, at most MAX_AUTO_WORKERS (1: in-process)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_AUTO_WORKERS, usable or 1))


def labelled_chunks(chunks: Iterable[list[FeedbackRow]], analyze: Callable[[list[FeedbackRow]],
                    Analysis], workers: int = 1, stop: Callable[[], bool] | None = None,
                    ) -> Iterator[tuple[list[FeedbackRow], Analysis]]:
    """(chunk, its analyses) in input order; in `workers` forked processes when > 1 and the
    file has more than one chunk (a small file is not worth a fork). `stop` is asked before
    each chunk is handed out; the chunks already handed out are still yielded."""
    iterator = iter(chunks)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None) if workers > 1 else None
    if second is None:
        yield from _in_process(chain([first], iterator), analyze, stop)
        return
    yield from _in_workers(chain([first, second], iterator), analyze, workers, stop)


def _in_process(chunks: Iterable[list[FeedbackRow]],
                analyze: Callable[[list[FeedbackRow]], Analysis],
                stop: Callable[[], bool] | None) -> Iterator[tuple[list[FeedbackRow], Analysis]]:
    for chunk in chunks:
        if stop is not None and stop():
            return
        yield chunk, analyze(chunk)


def _in_workers(chunks: Iterable[list[FeedbackRow]],
                analyze: Callable[[list[FeedbackRow]], Analysis], workers: int,
                stop: Callable[[], bool] | None,
                ) -> Iterator[tuple[list[FeedbackRow], Analysis]]:
    """A worker that dies (killed, out of memory) breaks the pool: its chunk and every chunk
    after it are then labelled here, in-process, so the run still loses no row."""
    global _engine
    _engine = analyze
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context,
                             initializer=_ignore_interrupts) as pool:
        waiting: deque[tuple[list[FeedbackRow], Future[Analysis] | None]] = deque()
        for chunk in chunks:
            if stop is not None and stop():
                break
            try:
                waiting.append((chunk, pool.submit(_analyze_in_worker, chunk)))
            except BrokenProcessPool:  # a worker died earlier: the rest is labelled here
                waiting.append((chunk, None))
            if len(waiting) >= workers * IN_FLIGHT_PER_WORKER:
                yield _collect(waiting.popleft(), analyze)
        while waiting:
            yield _collect(waiting.popleft(), analyze)


def _collect(item: tuple[list[FeedbackRow], Future[Analysis] | None],
             analyze: Callable[[list[FeedbackRow]], Analysis],
             ) -> tuple[list[FeedbackRow], Analysis]:
    chunk, future = item
    if future is None:
        return chunk, analyze(chunk)
    try:
        return chunk, future.result()
    except BrokenProcessPool:
        return chunk, analyze(chunk)


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the parent turns it into a stop between chunks
    (shared.progress.stop_on_interrupt), so a worker must not die of it mid-chunk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _analyze_in_worker(chunk: list[FeedbackRow]) -> Analysis:
    return _engine(chunk)


__all__ = ["IN_FLIGHT_PER_WORKER", "MAX_AUTO_WORKERS", "auto_workers", "labelled_chunks"]
