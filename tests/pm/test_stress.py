"""`aipm stress`: the runner, the report it writes, and RAG's pack run for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from pm.facts import product_paths
from pm.report_tables import read_report
from pm.stress_report import by_failure_mode, load_pack, summarise, write_stress_report
from products import available_products
from shared.config import load_settings
from shared.errors import NotFound
from shared.evals.stress import StressOutcome
from shared.ops import build_ops_report

ISSUE_FAILURE_MODES = ("prompt injection", "PII", "off-topic", "empty", "very long",
                       "other language", "contradictory sources", "fabrication bait")


def outcome(mode: str, passed: bool) -> StressOutcome:
    return StressOutcome(failure_mode=mode, case=f"{mode} case", passed=passed,
                         expected="holds", observed="x | y", engine="extractive")


def test_the_report_reads_back_with_one_row_per_failure_mode(tmp_path: Path) -> None:
    outcomes = [outcome("PII", True), outcome("PII", False), outcome("bias", True)]
    assert by_failure_mode(outcomes) == {"PII": {"cases": 2, "passed": 1},
                                         "bias": {"cases": 1, "passed": 1}}
    run = summarise(product_paths("rag"), outcomes)
    parsed = read_report(write_stress_report(run, tmp_path / "stress.md"))
    assert parsed.cell("Summary", "all cases", "pass rate") == "0.667"
    assert parsed.cell("Failure modes", "PII", "result") == "FAIL"
    assert parsed.cell("Cases", "1. PII case", "observed") == "x | y"


def test_a_product_without_a_pack_says_how_to_add_one(tmp_path: Path) -> None:
    paths = product_paths("rag")
    bare = type(paths)(spec=paths.spec, root=tmp_path)
    with pytest.raises(NotFound, match=r"stress\.py with run_stress"):
        load_pack(bare)


@pytest.mark.parametrize("spec", available_products(), ids=lambda s: s.name)
def test_every_built_product_runs_its_pack(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "stress.md"
    result = CliRunner().invoke(build_app(available_products()),
                                ["stress", spec.cli_name, "--json", "--report", str(report)])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    assert run["total"] == len(run["outcomes"]) >= 8 and run["engine"]
    assert run["passed"] == sum(o["passed"] for o in run["outcomes"])
    modes = " ".join(o["failure_mode"] for o in run["outcomes"]).lower()
    assert all(mode.lower() in modes for mode in ISSUE_FAILURE_MODES if spec.name == "rag_search")
    assert read_report(report).cell("Summary", "all cases", "cases") == str(run["total"])
    ops = build_ops_report(load_settings(), include_stress=True)
    assert any(row.operation == "stress" and row.items == run["total"]
               and row.source == "stress" for row in ops.recent)
    hidden = build_ops_report(load_settings())
    assert not any(row.operation == "stress" for row in hidden.recent)
    assert hidden.hidden_test_rows >= 1


def test_stress_writes_to_the_data_dir_unless_told_to_update_the_repo(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The default run never touches a tracked file; --update-repo writes evals/stress.md."""
    from pm import stress_report

    committed = tmp_path / "repo" / "evals" / "stress.md"
    real = product_paths("feedback")
    monkeypatch.setattr(type(real), "stress_report", property(lambda self: committed))
    app = build_app(available_products())
    result = CliRunner().invoke(app, ["stress", "feedback", "--json"])
    assert result.exit_code == 0, result.output
    settings = load_settings()
    in_data_dir = stress_report.data_dir_report(settings, real)
    assert json.loads(result.stdout)["report_path"] == str(in_data_dir)
    assert in_data_dir.is_file() and not committed.exists()
    assert "- Code: sha256:" in in_data_dir.read_text()
    again = CliRunner().invoke(app, ["stress", "feedback", "--json", "--update-repo"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["report_path"] == str(committed) and committed.is_file()
