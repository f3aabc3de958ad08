"""The eval report's Markdown reads back into exactly the cells the writer printed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pm.report_tables import as_number, parse_report, read_report
from shared.errors import NotFound
from shared.evals import EvalReport, MetricTable, format_value, render_markdown


def sample_report() -> EvalReport:
    tables = [
        MetricTable(title="Retrieval by mode", row_header="mode",
                    rows={"bm25": {"recall@5": 0.975, "queries": 60},
                          "hybrid": {"recall@5": 0.98333, "queries": 60}}),
        MetricTable(title="Odd | cells", rows={"a|b": {"text": "x | y", "none": None}}),
    ]
    return EvalReport(name="Demo", date=dt.date(2026, 11, 25), engine="extractive",
                      eval_set="golden.jsonl", measures="recall", cases=74, tables=tables,
                      notes=["one note"])


def test_every_cell_reads_back_as_printed() -> None:
    original = sample_report()
    parsed = parse_report(render_markdown(original))
    assert (parsed.name, parsed.date, parsed.engine, parsed.cases) == (
        "Demo", dt.date(2026, 11, 25), "extractive", 74)
    assert parsed.model == "none (no LLM)" and parsed.notes == ["one note"]
    for table in original.tables:
        read = parsed.table(table.title)
        for label, row in table.rows.items():
            printed = {c: format_value(v).replace("\\|", "|") for c, v in row.items()}
            assert read.rows[label] == printed


def test_lookups_name_what_exists_when_they_miss() -> None:
    parsed = parse_report(render_markdown(sample_report()))
    assert parsed.cell("retrieval", "hybrid", "recall@5") == "0.983"
    with pytest.raises(NotFound, match="Rows: bm25, hybrid"):
        parsed.cell("Retrieval", "dense", "recall@5")
    with pytest.raises(NotFound, match=re.escape("Tables: Retrieval by mode; Odd | cells")):
        parsed.table("Answers")


def test_numbers_and_missing_files() -> None:
    assert as_number("**0.983**") == 0.983 and as_number("—") is None
    assert as_number("yes") is None and as_number("1,200") == 1200
    with pytest.raises(NotFound, match="aipm eval"):
        read_report(Path("/nonexistent/report.md"))


def test_the_shipped_rag_report_parses(repo_root: Path) -> None:
    parsed = read_report(repo_root / "products/rag_search/evals/report.md")
    assert parsed.date is not None and parsed.cases and parsed.cases > 50
    assert as_number(parsed.cell("Retrieval by mode", "all / hybrid", "recall@5")) is not None


def test_the_shipped_resume_report_parses(repo_root: Path) -> None:
    """The résumé report keeps the summary lines and the `##` metrics table the PRD reads."""
    parsed = read_report(repo_root / "products/resume_assistant/evals/report.md")
    assert parsed.date is not None and parsed.engine and "50 cases" in parsed.eval_set
    table = parsed.table("Golden-set metrics")
    assert table.columns == ["tune", "held-out"]
    assert as_number(parsed.cell("Golden-set metrics", "Fabrication rate (tailor + letter)",
                                 "held-out")) == 0.0
