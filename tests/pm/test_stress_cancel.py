"""Issue 21 item 3 for `aipm stress`: a cases-of-total bar, and a Ctrl-C that stops after
the current case, keeps (prints and reports) the finished cases, marks the report partial,
never writes it over the committed one, and exits 130.

The Ctrl-C is sent from inside the feedback pack as its second case starts (the pack's
`CASES`, wrapped), so it lands at a known point with no timing involved."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from frontdoors.pm_cli import INTERRUPTED
from pm import stress_report
from pm.facts import product_paths
from pm.report_tables import read_report
from products import available_products
from products.feedback_analyzer import stress as feedback_pack
from shared.config import load_settings

CASES = len(feedback_pack.CASES)


def interrupt_at_second_case(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, *rest = feedback_pack.CASES

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return second(*args, **kwargs)

    monkeypatch.setattr(feedback_pack, "CASES", [first, interrupted, *rest])


def stress(*args: str):
    return CliRunner().invoke(build_app(available_products()), ["stress", "feedback", *args])


def test_ctrl_c_keeps_the_finished_cases_in_a_report_marked_partial(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interrupt_at_second_case(monkeypatch)
    report = tmp_path / "stress.md"
    result = stress("--report", str(report))
    assert result.exit_code == INTERRUPTED, result.output
    assert "Stopping after the current case" in result.stderr
    assert f"Cancelled after 2 of {CASES} cases" in result.stderr
    assert sum(line[:4] in ("pass", "FAIL") for line in result.stdout.splitlines()) == 2
    parsed = read_report(report)
    assert parsed.cell("Summary", "all cases", "cases") == "2"
    assert f"PARTIAL: cancelled after 2 of {CASES} cases" in report.read_text(encoding="utf-8")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_stopped_update_repo_run_leaves_the_committed_report_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    committed = tmp_path / "repo" / "evals" / "stress.md"
    real = product_paths("feedback")
    monkeypatch.setattr(type(real), "stress_report", property(lambda self: committed))
    interrupt_at_second_case(monkeypatch)
    result = stress("--update-repo", "--json")
    assert result.exit_code == INTERRUPTED, result.output
    payload = json.loads(result.stdout)
    in_data_dir = stress_report.data_dir_report(load_settings(), real)
    assert payload["cancelled"] is True and payload["total"] == 2
    assert payload["report_path"] == str(in_data_dir) and in_data_dir.is_file()
    assert not committed.exists()


def test_the_bar_counts_cases_of_the_total_and_a_whole_run_is_not_partial(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its bar as on a terminal
    report = tmp_path / "stress.md"
    result = stress("--report", str(report))
    assert result.exit_code == 0, result.output
    assert "Stress cases" in result.stderr and f"{CASES}/{CASES}" in result.stderr
    assert "PARTIAL" not in report.read_text(encoding="utf-8")
    assert "cancelled" not in json.loads(stress("--json", "--report", str(report)).stdout)
