"""Progress and cancel for long work, shared by the CLI (a rich bar, Ctrl-C) and the hub.

A `WorkControl` is the one object both sides read: the work advances `done` (of `total`
when known) and checks `cancelled` between two units (a chunk of rows, a file); the
terminal bar or the hub fragment reads the counters from another thread and sets the flag.
Work that sees the flag stops at the next boundary and returns what it finished, so a
cancel never loses done work. Issue 21, item 3; docs/decisions.md has the action table.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
# Set by a parent that runs a command as a child process and shows its progress (the hub's
# "Run the eval"): with no terminal to draw on, the command writes `aipm-progress DONE TOTAL`
# lines to stderr instead, which `progress_line` reads back.
PROGRESS_LINES_ENV = "AIPM_PROGRESS_LINES"
_LINE_PREFIX = "aipm-progress "


class WorkControl:
    """Counters of one long action and the flag that stops it between two units."""

    def __init__(self, unit: str = "rows", total: int = 0) -> None:
        self.unit = unit
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.listeners: list[Callable[[WorkControl], None]] = []
        # Whether anything shows `total`: counting the work first costs a pass over it (a
        # 100k-row CSV: ~0.35 s, 6% of the run), wasted when no bar is drawn.
        self.needs_total = True
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def advance(self, done: int) -> None:
        """The work's progress callback: `done` units so far (listeners redraw a bar)."""
        self.done = done
        for listener in self.listeners:
            listener(self)

    def eta_seconds(self) -> float | None:
        """Seconds left at the pace so far (None before the first unit or without a total)."""
        if not self.done or not self.total:
            return None
        elapsed = time.monotonic() - self.started
        return max(0.0, elapsed / self.done * (self.total - self.done))

    def share(self) -> float:
        """0..1 for a progress bar (0 while the total is unknown)."""
        return min(1.0, self.done / self.total) if self.total else 0.0

    def describe(self) -> str:
        """ "1,200/5,000 rows · about 3 s left" """
        text = f"{self.done:,}/{self.total:,} {self.unit}" if self.total else \
            f"{self.done:,} {self.unit}"
        eta = self.eta_seconds()
        return f"{text} · about {eta:,.0f} s left" if eta is not None else text


class BackgroundJob(Generic[T]):
    """One long action run in a thread of its own, so a hub page can redraw its progress
    and offer a stop button while it runs (a Streamlit script run would be stopped by the
    very click that should only cancel). `result` or `error` is set when it ends."""

    def __init__(self, work: Callable[[WorkControl], T], control: WorkControl,
                 name: str = "aipm-job") -> None:
        self.control = control
        self.result: T | None = None
        self.error: str | None = None
        self._work = work
        self.thread = threading.Thread(target=self._run, daemon=True, name=name)

    def start(self) -> BackgroundJob[T]:
        self.thread.start()
        return self

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the job ends (tests only: a page never waits)."""
        self.thread.join(timeout)

    def _run(self) -> None:
        from shared.errors import AIPMError, failure_reason

        try:
            self.result = self._work(self.control)
        except AIPMError as err:
            self.error = err.message
        except Exception as err:  # a bug must still end the job visibly, not hang the page
            log.exception("%s failed", self.thread.name)
            self.error = f"Failed: {failure_reason(err)}."


@contextmanager
def stop_on_interrupt(control: WorkControl, notice: str) -> Iterator[None]:
    """The first Ctrl-C sets `control`'s flag (the work stops at its next boundary and keeps
    what it did); a second one aborts. The previous handler is put back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from rich.console import Console

    def stop(signum: int, frame: object) -> None:
        if control.cancelled:
            raise KeyboardInterrupt
        control.cancel()
        Console(stderr=True).print(notice)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def terminal_progress(control: WorkControl, label: str, enabled: bool = True,
                      notice: str = "Stopping at the next step (Ctrl-C again to abort)…",
                      cancellable: bool = True) -> Iterator[None]:
    """A rich bar on stderr (count of total, time left) fed by `control`, and Ctrl-C as a
    cancel (unless the work cannot stop part-way: then Ctrl-C aborts as usual). No bar for
    --json or when stderr is not a terminal; Ctrl-C still cancels. With `AIPM_PROGRESS_LINES`
    set (a parent process shows the progress) it writes `progress_line` lines instead."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    err = Console(stderr=True)
    with stop_on_interrupt(control, notice) if cancellable else nullcontext():
        if os.environ.get(PROGRESS_LINES_ENV):
            with _progress_lines(control):
                yield
            return
        if not enabled or not err.is_terminal:
            control.needs_total = False
            yield
            return
        columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(),
                   TextColumn(control.unit), TimeRemainingColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("", total=control.total or None)

            def redraw(seen: WorkControl) -> None:
                bar.update(task, completed=seen.done, total=seen.total or None, refresh=True)

            control.listeners.append(redraw)
            try:
                yield
            finally:
                control.listeners.remove(redraw)


@contextmanager
def _progress_lines(control: WorkControl) -> Iterator[None]:
    """One `aipm-progress DONE TOTAL` line on stderr per step, for a parent process."""
    def write(seen: WorkControl) -> None:
        sys.stderr.write(f"{_LINE_PREFIX}{seen.done} {seen.total}\n")
        sys.stderr.flush()

    control.listeners.append(write)
    try:
        yield
    finally:
        control.listeners.remove(write)


def progress_line(line: str) -> tuple[int, int] | None:
    """(done, total) from a child's `aipm-progress` line; None for any other line."""
    if not line.startswith(_LINE_PREFIX):
        return None
    parts = line[len(_LINE_PREFIX):].split()
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


__all__ = ["PROGRESS_LINES_ENV", "BackgroundJob", "WorkControl", "progress_line",
           "stop_on_interrupt", "terminal_progress"]
