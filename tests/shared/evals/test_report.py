"""Reports: deterministic Markdown with the date and numbers, JSON that reads back, deltas."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from shared.evals.report import (
    EvalReport,
    MetricTable,
    compare_runs,
    format_value,
    render_markdown,
    render_table,
    write_markdown_report,
)


def _report() -> EvalReport:
    retrieval = MetricTable(
        title="Retrieval (k=5)",
        row_header="mode",
        rows={"bm25": {"recall@5": 0.8, "mrr": 2 / 3, "queries": 40},
              "hybrid": {"recall@5": 0.85, "mrr": 0.7125, "queries": 40}},
    )
    return EvalReport(
        name="rag_search", date=dt.date(2026, 11, 25), engine="llm",
        model_id="openai:gpt-4o-mini", eval_set="help_centre v2",
        measures="retrieval and grounded answers", cases=40, tables=[retrieval],
        notes=["Hybrid wins on paraphrased questions.", "Lower latency is better."],
    )


@pytest.mark.parametrize(
    ("value", "signed", "expected"),
    [
        (2 / 3, False, "0.667"),
        (0.0005, False, "0.001"),  # the float 0.0005 is a hair above 5e-4, so it rounds up
        (-0.0004, False, "0.000"),  # never "-0.000"
        (0.125, True, "+0.125"),
        (-0.5, True, "-0.500"),
        (0.0, True, "0.000"),  # a zero delta has no sign
        (12, False, "12"),
        (3, True, "+3"),
        (True, False, "yes"),
        (None, False, "—"),
        (float("nan"), False, "—"),
        ("a|b\nc", False, "a\\|b c"),
    ],
)
def test_format_value(value: float | int | str | bool | None, signed: bool, expected: str) -> None:
    assert format_value(value, 3, signed) == expected


def test_render_table_fills_missing_cells() -> None:
    table = MetricTable(title="t", row_header="engine",
                        rows={"baseline": {"acc": 0.5}, "llm": {"acc": 0.75, "f1": 0.7}})
    assert render_table(table) == (
        "| engine | acc | f1 |\n"
        "|---|---:|---:|\n"
        "| baseline | 0.500 | — |\n"
        "| llm | 0.750 | 0.700 |"
    )


def test_markdown_report_exact_text(tmp_path: Path) -> None:
    path = write_markdown_report(_report(), tmp_path / "reports" / "rag.md")
    assert path.read_text(encoding="utf-8") == (
        "# Eval report: rag_search\n\n"
        "- Date: 2026-11-25\n"
        "- Engine: llm\n"
        "- Model: openai:gpt-4o-mini\n"
        "- Eval set: help_centre v2\n"
        "- Measures: retrieval and grounded answers\n"
        "- Cases: 40\n\n"
        "## Retrieval (k=5)\n\n"
        "| mode | recall@5 | mrr | queries |\n"
        "|---|---:|---:|---:|\n"
        "| bm25 | 0.800 | 0.667 | 40 |\n"
        "| hybrid | 0.850 | 0.713 | 40 |\n\n"
        "## Notes\n\n"
        "- Hybrid wins on paraphrased questions.\n"
        "- Lower latency is better.\n"
    )


def test_baseline_report_says_no_model_and_decimals_are_configurable() -> None:
    report = _report().model_copy(update={"model_id": None, "engine": "baseline",
                                          "notes": [], "cases": None, "measures": ""})
    text = render_markdown(report, decimals=2)
    assert "- Model: none (no LLM)" in text
    assert "| bm25 | 0.80 | 0.67 | 40 |" in text
    assert "Notes" not in text
    assert "Cases" not in text


def test_json_round_trip() -> None:
    report = _report()
    data = json.loads(report.to_json())
    assert data["date"] == "2026-11-25"
    assert data["tables"][0]["rows"]["bm25"] == {"recall@5": 0.8, "mrr": 2 / 3, "queries": 40}
    back = EvalReport.model_validate_json(report.to_json())
    assert back == report
    assert isinstance(back.tables[0].rows["bm25"]["queries"], int)


def test_date_defaults_to_today() -> None:
    report = EvalReport(name="x", engine="baseline", tables=[])
    assert report.date == dt.date.today()


def test_compare_runs_delta_table() -> None:
    baseline = {"macro_f1": 0.6, "accuracy": 0.7, "latency_ms": 12.0, "engine": "vader"}
    llm = {"macro_f1": 0.725, "accuracy": 0.7, "latency_ms": 850.0, "cost_usd": 0.04,
           "engine": "gpt"}
    table = compare_runs(baseline, llm, title="Sentiment")
    assert table.rows["macro_f1"]["delta"] == pytest.approx(0.125)
    assert table.rows["accuracy"]["delta"] == pytest.approx(0.0)
    assert table.rows["cost_usd"] == {"baseline": None, "llm": 0.04, "delta": None}
    assert table.rows["engine"]["delta"] is None  # not numeric
    assert render_table(table).splitlines() == [
        "| metric | baseline | llm | delta |",
        "|---|---:|---:|---:|",
        "| macro_f1 | 0.600 | 0.725 | +0.125 |",
        "| accuracy | 0.700 | 0.700 | 0.000 |",
        "| latency_ms | 12.000 | 850.000 | +838.000 |",
        "| engine | vader | gpt | — |",
        "| cost_usd | — | 0.040 | — |",
    ]


def test_compare_runs_custom_labels_and_booleans() -> None:
    table = compare_runs({"ok": True, "n": 3}, {"ok": False, "n": 5},
                         baseline_label="bm25", candidate_label="hybrid")
    assert table.rows["ok"] == {"bm25": True, "hybrid": False, "delta": None}
    assert table.rows["n"]["delta"] == 2.0
