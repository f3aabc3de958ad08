"""Issue 21 item 3 for `aipm eval rag`: a cases-of-total bar, and a Ctrl-C that writes no
report (the previous one stays whole) and says how far the run got, with exit code 130.

The Ctrl-C is sent from inside the eval when it asks its second question (`evaluation.ask`,
wrapped), so it lands at a known point with no timing involved."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from products.rag_search.core import evaluation
from products.rag_search.eval_run import INTERRUPTED
from shared.evals.report import EvalReport, write_markdown_report
from tests.products.rag_search.answer_helpers import HELP_CENTRE, write_corpus
from tests.products.rag_search.test_eval import tiny_golden

OLD_REPORT = "# the previous report\n\nkept as it was\n"


def interrupt_on_second_question(monkeypatch: pytest.MonkeyPatch) -> None:
    original, calls = evaluation.ask, []

    def ask(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluation, "ask", ask)


def run_tiny_eval(tmp_path: Path, report: Path, *extra: str):
    golden = tiny_golden(tmp_path / "golden.jsonl", HELP_CENTRE)
    corpus = write_corpus(tmp_path / "kb", HELP_CENTRE)
    return CliRunner().invoke(build_app(available_products()), [
        "eval", "rag", "--baseline", "--eval-set", str(golden), "--data", str(corpus),
        "--report", str(report), *extra])


def test_ctrl_c_writes_no_report_and_keeps_the_previous_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.md"
    report.write_text(OLD_REPORT, encoding="utf-8")
    interrupt_on_second_question(monkeypatch)
    result = run_tiny_eval(tmp_path, report)
    assert result.exit_code == INTERRUPTED, result.output
    assert f"Cancelled after 1 of 2 cases: no report written ({report} is unchanged)" \
        in result.stderr
    assert report.read_text(encoding="utf-8") == OLD_REPORT
    assert "Traceback" not in result.output


def test_ctrl_c_with_json_prints_one_object_saying_nothing_was_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "new.md"
    interrupt_on_second_question(monkeypatch)
    result = run_tiny_eval(tmp_path, report, "--json")
    assert result.exit_code == INTERRUPTED
    assert json.loads(result.stdout) == {"cancelled": True, "done": 1, "total": 2,
                                         "report_path": None}
    assert "was not created" in result.stderr and not report.exists()


def test_the_bar_counts_cases_of_the_total_and_a_whole_run_writes_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its bar as on a terminal
    report = tmp_path / "report.md"
    result = run_tiny_eval(tmp_path, report)
    assert result.exit_code == 0, result.output
    assert "Asking" in result.stderr and "2/2" in result.stderr
    assert "Per question" in report.read_text(encoding="utf-8")


def test_a_report_write_stopped_before_it_reaches_the_disk_leaves_the_old_report_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared import files

    path = tmp_path / "report.md"
    path.write_text(OLD_REPORT, encoding="utf-8")

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_markdown_report(EvalReport(name="t", engine="extractive", tables=[]), path)
    assert path.read_text(encoding="utf-8") == OLD_REPORT
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temp file left
