"""Issue 21 item 3 for `feedback analyze`: progress (rows of total, time left) and a cancel
that keeps the rows already labelled, on the hub page and in the terminal.

The run is made of 100-row chunks (the pipeline's `chunked`, patched) and the baseline engine
is held on its second chunk, so the cancel lands at a known point with no timing involved."""

from __future__ import annotations

import csv
import os
import signal
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import products
from frontdoors.cli import build_app
from products import available_products
from products.feedback_analyzer.core import pipeline
from products.feedback_analyzer.core.baseline import BaselineEngine
from tests.hub_jobs import progress_text, stop_held_job

PAGE = str(Path(products.__file__).resolve().parent / "feedback_analyzer" / "ui.py")
CHUNK = 100


def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    original = pipeline.chunked
    monkeypatch.setattr(pipeline, "chunked", lambda rows, size: original(rows, CHUNK))


def hold_second_chunk(monkeypatch: pytest.MonkeyPatch, on_hold) -> threading.Event:
    """Call `on_hold()` when the engine gets its second chunk, then wait for the returned
    event before labelling it."""
    release, original, calls = threading.Event(), BaselineEngine.analyze_rows, []

    def analyze_rows(self, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            on_hold()
            release.wait(30)
        return original(self, rows)

    monkeypatch.setattr(BaselineEngine, "analyze_rows", analyze_rows)
    return release


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_the_page_shows_rows_of_total_and_a_stop_that_keeps_the_rows_done(
        monkeypatch: pytest.MonkeyPatch) -> None:
    small_chunks(monkeypatch)
    held = threading.Event()
    release = hold_second_chunk(monkeypatch, held.set)
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    next(b for b in app.button if b.label == "Analyse").click().run()
    assert held.wait(30), "the job never reached its second chunk"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "100/520 rows" in progress_text(app) and "s left" in progress_text(app)
    job = stop_held_job(app, "Stop analysis", "feedback_job", release)
    assert "200 rows" in app.success[0].value  # the held chunk finished; nothing after it
    assert "Stopped after 200 rows" in app.warning[0].value
    out = Path(job.result[2])
    assert data_rows(out) == 200
    assert app.subheader, "the charts, summary and themes of the rows done are shown"


def test_ctrl_c_in_the_terminal_stops_between_chunks_and_keeps_the_csv(
        tmp_path: Path, sample_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_chunks(monkeypatch)
    hold_second_chunk(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGINT)).set()
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its bar as on a terminal
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(build_app(available_products()),
                                ["feedback", "analyze", str(sample_csv), "--out", str(out),
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Stopping after the current chunk" in result.stderr
    assert "Cancelled after 200 rows" in result.stderr
    assert data_rows(out) == 200
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_terminal_bar_counts_rows_of_the_total(tmp_path: Path, sample_csv: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    small_chunks(monkeypatch)
    shown = []
    release = hold_second_chunk(monkeypatch, lambda: shown.append(1))
    release.set()
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = CliRunner().invoke(build_app(available_products()),
                                ["feedback", "analyze", str(sample_csv), "--out",
                                 str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    assert "Analysing" in result.stderr and "/520" in result.stderr
    assert "Cancelled" not in result.stderr and data_rows(tmp_path / "o.csv") == 520


def test_json_adds_cancelled_only_when_the_run_was_stopped(
        tmp_path: Path, sample_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    small_chunks(monkeypatch)
    hold_second_chunk(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGINT)).set()
    result = CliRunner().invoke(build_app(available_products()),
                                ["feedback", "analyze", str(sample_csv), "--out",
                                 str(tmp_path / "o.csv"), "--json", "--workers", "1"])
    payload = json.loads(result.stdout)
    assert payload["cancelled"] is True and payload["rows"] == 200


def test_without_a_bar_the_rows_are_not_counted_first(tmp_path: Path, sample_csv: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting is a whole extra pass over the file (6% of a 100k-row run): only a bar
    showing "of total" pays for it. --json draws none, so the file is read once."""
    from products.feedback_analyzer.core.reader import FeedbackTable

    passes, original = [], FeedbackTable.rows

    def rows(self, *args, **kwargs):
        passes.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FeedbackTable, "rows", rows)
    result = CliRunner().invoke(build_app(available_products()),
                                ["feedback", "analyze", str(sample_csv), "--out",
                                 str(tmp_path / "o.csv"), "--json"])
    assert result.exit_code == 0, result.output
    assert len(passes) == 1 and data_rows(tmp_path / "o.csv") == 520
