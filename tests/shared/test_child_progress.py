"""A child command's progress lines feed the parent's control, and a stop reaches it as
Ctrl-C (the hub's "Run the eval")."""

from __future__ import annotations

import sys

from shared.child_progress import run_with_progress
from shared.progress import WorkControl, progress_line

CHILD = """
import os, signal, sys, time
assert os.environ["AIPM_PROGRESS_LINES"] == "1"
for done in (1, 2, 3):
    print(f"aipm-progress {done} 10", file=sys.stderr, flush=True)
print("a warning line", file=sys.stderr, flush=True)
print("report written", flush=True)
try:
    time.sleep(60)
except KeyboardInterrupt:
    print("stopped by ctrl-c", file=sys.stderr, flush=True)
    sys.exit(130)
"""


def test_progress_lines_advance_the_control_and_a_stop_is_a_ctrl_c() -> None:
    control = WorkControl(unit="steps")
    seen: list[int] = []

    def on_step(current: WorkControl) -> None:
        seen.append(current.done)
        if current.done == 3:
            control.cancel()

    control.listeners.append(on_step)
    run = run_with_progress([sys.executable, "-c", CHILD], control, timeout_s=30)
    assert seen == [1, 2, 3] and control.total == 10
    assert run.stopped and not run.timed_out and run.returncode == 130
    assert "stopped by ctrl-c" in run.stderr and "aipm-progress" not in run.stderr
    assert "a warning line" in run.stderr and run.stdout == "report written\n"


def test_a_child_over_its_time_is_killed() -> None:
    run = run_with_progress([sys.executable, "-c", "import time; time.sleep(60)"],
                            WorkControl(), timeout_s=0.3)
    assert run.timed_out and not run.stopped and run.returncode != 0


def test_only_well_formed_progress_lines_count() -> None:
    assert progress_line("aipm-progress 3 10\n") == (3, 10)
    assert progress_line("aipm-progress 3\n") is None
    assert progress_line("aipm-progress x 10\n") is None
    assert progress_line("progress 3 10\n") is None
