"""`aipm feedback ...` through the platform CLI: the --json contract, errors, estimate, eval."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products

KEYS = ["rows", "ok", "failed", "skipped", "engine", "model", "counts", "aspects",
        "pii_redacted", "seconds", "cost_usd", "output"]


def aipm(*argv: str):
    return CliRunner().invoke(build_app(available_products()), list(argv))


def test_analyze_json_prints_exactly_the_issue_keys(tmp_path: Path, sample_csv: Path) -> None:
    result = aipm("feedback", "analyze", str(sample_csv), "--out", str(tmp_path / "o.csv"),
                  "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == KEYS
    assert payload["engine"] == "baseline" and payload["model"] is None
    assert payload["rows"] == 520 and (tmp_path / "o.csv").exists()


def test_analyze_readable_view_names_the_columns(tmp_path: Path, sample_csv: Path) -> None:
    result = aipm("feedback", "analyze", str(sample_csv), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 0 and "text=review" in result.stdout


def test_a_bad_file_is_one_line_on_stderr_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('id,text\n1,"open quote\n')
    result = aipm("feedback", "analyze", str(bad), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["message"].startswith("Line 2:")


def test_llm_engine_without_a_key_says_what_to_do(sample_csv: Path, tmp_path: Path) -> None:
    result = aipm("feedback", "analyze", str(sample_csv), "--engine", "llm", "--out",
                  str(tmp_path / "o.csv"))
    assert result.exit_code == 1 and "key" in result.stderr.lower()


def test_estimate_counts_distinct_texts_before_sending(sample_csv: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    payload = json.loads(aipm("feedback", "estimate", str(sample_csv), "--json").stdout)
    assert payload["rows"] == 520 and payload["unique_texts"] < 520
    assert payload["requests"] == -(-payload["unique_texts"] // 20) and payload["cost_usd"] > 0
    assert payload["batch_cost_usd"] < payload["cost_usd"]


def test_eval_feedback_writes_its_report(tmp_path: Path) -> None:
    result = aipm("eval", "feedback", "--json", "--report", str(tmp_path / "r.md"))
    scores = json.loads(result.stdout)["scores"]
    assert {(s["engine"], s["split"]) for s in scores} >= {("baseline", "heldout"),
                                                          ("raw_vader", "heldout")}
    assert (tmp_path / "r.md").read_text().startswith("# Eval report: Feedback analyzer")
