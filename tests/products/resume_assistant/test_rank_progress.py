"""Issue 21 item 3 for `resume rank`: progress (postings of total, time left) and a cancel
that keeps the postings already ranked, on the hub page (a stop button) and in the terminal
(Ctrl-C).

The ranking scores one posting at a time (`ranking._one`, wrapped); the wrapper holds the
second posting, so the cancel lands at a known point with no timing involved."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import products
from frontdoors.cli import build_app
from products import available_products
from products.resume_assistant.core import ranking
from tests.hub_jobs import progress_text, stop_held_job
from tests.products.resume_assistant.helpers import DATA, MAYA

PAGE = str(Path(products.__file__).resolve().parent / "resume_assistant" / "ui.py")
JOBS = sorted((DATA / "jobs").iterdir())


@pytest.fixture(autouse=True)
def _wordllama(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")


def hold_second_posting(monkeypatch: pytest.MonkeyPatch,
                        on_hold: Callable[[], None]) -> threading.Event:
    """Call `on_hold()` when the second posting comes up, then wait for the returned event
    before scoring it."""
    release, original, calls = threading.Event(), ranking._one, []

    def one(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            on_hold()
            release.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(ranking, "_one", one)
    return release


def rank_cli(*extra: str) -> object:
    return CliRunner().invoke(build_app(available_products()),
                              ["resume", "rank", str(MAYA), *map(str, JOBS), *extra])


def test_the_page_shows_postings_of_total_and_a_stop_that_keeps_the_ranked_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    held = threading.Event()
    release = hold_second_posting(monkeypatch, held.set)
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    app.button(key="resume_rank").click().run()
    assert held.wait(30), "the job never reached its second posting"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert f"1/{len(JOBS)} postings" in progress_text(app) and "s left" in progress_text(app)
    stop_held_job(app, "Stop ranking", "resume_rank_job", release)
    assert len(app.dataframe[0].value) == 2  # the held posting finished; nothing after it
    assert f"Stopped after 2 of {len(JOBS)} postings" in app.warning[0].value
    assert not app.get("progress")


def test_ctrl_c_in_the_terminal_stops_before_the_next_posting_and_prints_the_ranking(
        monkeypatch: pytest.MonkeyPatch) -> None:
    hold_second_posting(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGINT)).set()
    result = rank_cli()
    assert result.exit_code == 0, result.output
    assert "Stopping after the current posting" in result.stderr
    assert f"Cancelled: 2 of {len(JOBS)} posting(s) ranked" in result.stdout
    assert "  1. " in result.stdout and "  2. " in result.stdout
    assert "  3. " not in result.stdout
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_terminal_bar_counts_postings_of_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its bar as on a terminal
    result = rank_cli()
    assert result.exit_code == 0, result.output
    assert "Ranking" in result.stderr and f"/{len(JOBS)}" in result.stderr
    assert f"{len(JOBS)} posting(s) ranked" in result.stdout and "Cancelled" not in result.stdout


def test_json_adds_cancelled_only_when_the_ranking_was_stopped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    whole = json.loads(rank_cli("--json").stdout)
    assert "cancelled" not in whole and len(whole["postings"]) == len(JOBS)
    hold_second_posting(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGINT)).set()
    stopped = json.loads(rank_cli("--json").stdout)
    assert stopped["cancelled"] is True and len(stopped["postings"]) == 2


def test_the_golden_eval_reports_every_step_to_a_parent(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the hub (AIPM_PROGRESS_LINES) the eval writes steps of its total, ending at it."""
    from products.resume_assistant.core.evaluation import eval_steps

    monkeypatch.setenv("AIPM_PROGRESS_LINES", "1")
    result = CliRunner().invoke(build_app(available_products()),
                                ["eval", "resume", "--baseline", "--report",
                                 str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    steps = [line for line in result.stderr.splitlines() if line.startswith("aipm-progress")]
    total = eval_steps()
    assert len(steps) == total and steps[-1] == f"aipm-progress {total} {total}"
