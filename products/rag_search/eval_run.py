"""The terminal side of a long `aipm eval rag` run: a cases-of-total bar and a Ctrl-C that
writes nothing (issue 21, item 3).

A cancelled eval writes no report: the committed report (or the one `--report` names) stays
as it was, and the run says so in one line with how far it got. A report of part of a set
would carry numbers over a different set of cases under the same name, which `aipm prd
check` and a reader would take for the whole (products/rag_search/DECISIONS.md, 2026-12-07).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from shared.cli_support import emit_json
from shared.progress import WorkControl, terminal_progress

INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C
Progress = Callable[[int, int], None]


def cases_callback(control: WorkControl) -> Progress:
    """The (done, total) callback the evals call, feeding `control` (and so the bar)."""

    def step(done: int, total: int) -> None:
        control.total = total
        control.advance(done)

    return step


def cancelled_line(control: WorkControl, report: Path) -> str:
    """ "Cancelled after 12 of 40 cases: no report written (… is unchanged)." """
    where = f"{control.done} of {control.total}" if control.total else "0"
    state = "is unchanged" if report.exists() else "was not created"
    return (f"Cancelled after {where} {control.unit}: no report written ({report} {state}). "
            "Run again to score the whole set.")


@contextmanager
def eval_cases(report: Path, *, json_output: bool, label: str = "Asking",
               unit: str = "cases") -> Iterator[Progress]:
    """The eval's progress callback (a bar on a terminal, `shared.progress`); Ctrl-C ends
    the run with exit code 130 and the line above instead of a traceback or a partial
    report (the report is written inside this block, in one rename)."""
    control = WorkControl(unit=unit)
    try:
        with terminal_progress(control, label, enabled=not json_output, cancellable=False):
            yield cases_callback(control)
    except KeyboardInterrupt:
        if json_output:
            emit_json({"cancelled": True, "done": control.done, "total": control.total,
                       "report_path": None})
        typer.echo(cancelled_line(control, report), err=True)
        raise typer.Exit(INTERRUPTED) from None


__all__ = ["INTERRUPTED", "cancelled_line", "cases_callback", "eval_cases"]
