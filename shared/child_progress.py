"""Run a kit command as a child process while a hub page shows its progress and can stop it.

The hub's PM page runs `aipm eval PRODUCT` in a child (each product's eval is a CLI command
with its own options). The child is told to write `aipm-progress DONE TOTAL` lines
(`shared.progress.PROGRESS_LINES_ENV`); they feed the page's `WorkControl`, and a cancel on
that control sends the child a Ctrl-C, which the kit's commands answer by stopping without
writing a half report.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import IO

from shared.progress import PROGRESS_LINES_ENV, WorkControl, progress_line

POLL_SECONDS = 0.1


@dataclass(frozen=True)
class ChildRun:
    """How a child run ended: its exit code, its output, and whether it was stopped."""

    returncode: int
    stdout: str
    stderr: str
    stopped: bool = False
    timed_out: bool = False


def run_with_progress(command: list[str], control: WorkControl,
                      timeout_s: float) -> ChildRun:
    """Run `command`, feeding its progress lines to `control`; a cancel sends SIGINT (and
    the run is `stopped`), going over `timeout_s` kills it (`timed_out`)."""
    env = {**os.environ, PROGRESS_LINES_ENV: "1"}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=_read_all, args=(child.stdout, out), daemon=True),
               threading.Thread(target=_follow, args=(child.stderr, control, err),
                                daemon=True)]
    for reader in readers:
        reader.start()
    stopped, timed_out = _wait(child, control, timeout_s)
    for reader in readers:
        reader.join()
    return ChildRun(child.returncode, "".join(out), "".join(err), stopped, timed_out)


def _wait(child: subprocess.Popen[str], control: WorkControl,
          timeout_s: float) -> tuple[bool, bool]:
    """Wait for the child, passing a cancel on as one SIGINT; (stopped, timed out)."""
    stopped, deadline = False, time.monotonic() + timeout_s
    while True:
        try:
            child.wait(timeout=POLL_SECONDS)
            return stopped, False
        except subprocess.TimeoutExpired:  # still running: pass on a stop, or give up
            if control.cancelled and not stopped:
                child.send_signal(signal.SIGINT)
                stopped = True
            if time.monotonic() > deadline:
                child.kill()
                child.wait()
                return stopped, True


def _read_all(stream: IO[str] | None, into: list[str]) -> None:
    if stream is not None:
        into.append(stream.read())


def _follow(stream: IO[str] | None, control: WorkControl, into: list[str]) -> None:
    """Progress lines advance `control`; every other line is kept as the child's stderr."""
    if stream is None:
        return
    for line in stream:
        seen = progress_line(line)
        if seen is None:
            into.append(line)
            continue
        control.total = seen[1]
        control.advance(seen[0])


__all__ = ["ChildRun", "run_with_progress"]
