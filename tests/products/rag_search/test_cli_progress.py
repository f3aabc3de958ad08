"""`aipm rag ingest` can be stopped without losing what it did; streamed answers read clean."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from frontdoors.cli import app
from products.rag_search.core import Answer, AnswerDelta, AnswerDone, run_search
from products.rag_search.core import ingest as core_ingest
from products.rag_search.core.ingest import IngestControl, ingest_paths
from products.rag_search.render import stream_to_terminal
from shared.config import load_settings
from tests.products.rag_search.answer_helpers import write_corpus

runner = CliRunner()
FILES = {f"page-{n}.md": f"# Page {n}\n\nTopic {word} is explained on page {n}.\n"
         for n, word in enumerate(["alpha", "bravo", "charlie", "delta"], start=1)}


def interrupt_after(monkeypatch: pytest.MonkeyPatch, files: int) -> None:
    """Ctrl-C (a real SIGINT to this process) once `files` files are ingested."""
    real, seen = core_ingest._ingest_file, []

    def step(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        seen.append(1)
        if len(seen) == files:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(core_ingest, "_ingest_file", step)


def test_ctrl_c_stops_between_files_keeps_them_and_a_rerun_finishes(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "docs", FILES)
    interrupt_after(monkeypatch, files=2)
    stopped = runner.invoke(app, ["rag", "ingest", str(corpus)])
    assert stopped.exit_code == 130, stopped.output
    assert "Cancelled after 2 of 4 files" in stopped.stderr
    assert "2 indexed" in stopped.stdout
    found = run_search(load_settings(), "bravo", mode="bm25").results  # BM25 rebuilt for them
    assert found and found[0].source == "page-2.md"
    # the step stays patched, but it interrupts only once (at the second file overall)
    finished = runner.invoke(app, ["rag", "ingest", str(corpus)])
    assert finished.exit_code == 0 and "2 indexed, 2 unchanged" in finished.stdout
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler put back


def test_a_control_shows_counts_and_time_left_and_stops_the_core_ingest(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "docs", FILES)
    control = IngestControl()
    seen: list[tuple[int, int, float | None]] = []

    def progress(done: int, total: int, source: str) -> None:
        seen.append((control.done, control.chunks_added, control.eta_seconds()))
        if done == 1:
            control.cancel()

    report = ingest_paths(load_settings(), [corpus], progress=progress, control=control)
    assert report.cancelled and report.files_indexed == 1 and control.total == 4
    assert seen[0][0] == 1 and seen[0][1] == report.chunks_added and seen[0][2] is not None


def test_streamed_markdown_markers_are_stripped_even_when_split_across_deltas(
        capsys: pytest.CaptureFixture[str]) -> None:
    text = "Open **Settings > Billing** and ## press `Send`."
    pieces = ["Open *", "*Settings > Bil", "ling*", "* and ## press `Se", "nd`."]
    final = Answer(answer=text, abstained=False, engine="llm")
    stream_to_terminal([*(AnswerDelta(text=piece) for piece in pieces), AnswerDone(answer=final)])
    out = capsys.readouterr().out
    assert out.startswith("Open Settings > Billing and ## press Send.")
    assert "**" not in out and "`" not in out


def test_a_low_confidence_answer_says_so_in_the_terminal(
        capsys: pytest.CaptureFixture[str]) -> None:
    class Scored(Answer):
        low_confidence: bool = True
        confidence: float = 0.28

    stream_to_terminal([AnswerDone(answer=Scored(answer="Maybe 30 days.", abstained=False,
                                                 engine="extractive"))])
    assert "Low confidence (0.28)" in capsys.readouterr().out
