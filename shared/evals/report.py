"""Eval reports: one model, rendered to Markdown for people and JSON for the hub and CLI.

A report holds one or more metric tables (rows = what was compared, e.g. retrieval modes
or engines; columns = metrics). Floats are always printed with the same number of
decimals (3 by default) so reports diff cleanly between runs; "-0.000" is printed as
"0.000"; a missing value prints as "—". Every product compares its LLM engine with its
baseline, so `compare_runs` turns two runs into a delta table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field

CellValue = float | int | str | bool | None
DEFAULT_DECIMALS = 3


class MetricTable(BaseModel):
    """`rows[row_label][column] = value`; columns are ordered by first appearance.

    `signed_columns` are printed with an explicit sign (+0.125), for deltas.
    """

    title: str
    rows: dict[str, dict[str, CellValue]]
    row_header: str = ""
    signed_columns: list[str] = Field(default_factory=list)

    def columns(self) -> list[str]:
        """Every column any row has, in the order they first appear."""
        return list(dict.fromkeys(column for row in self.rows.values() for column in row))


class EvalReport(BaseModel):
    """What one eval run measured, with what engine and model, and when."""

    name: str
    date: dt.date = Field(default_factory=dt.date.today)
    engine: str
    model_id: str | None = None
    eval_set: str | None = None
    measures: str = ""
    cases: int | None = None
    tables: list[MetricTable]
    notes: list[str] = Field(default_factory=list)

    def to_json(self) -> str:
        """Indented JSON; `EvalReport.model_validate_json` reads it back."""
        return self.model_dump_json(indent=2)


def format_value(value: CellValue, decimals: int = DEFAULT_DECIMALS, signed: bool = False) -> str:
    """One table cell as text: fixed decimals for floats, "—" for missing or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:+d}" if signed else str(value)
    if isinstance(value, float):
        return _format_float(value, decimals, signed)
    return _escape(value)


def _format_float(value: float, decimals: int, signed: bool) -> str:
    """Fixed decimals; anything that rounds to zero is plain "0.000" (no "-0.000", no "+")."""
    if round(value, decimals) == 0:
        return f"{0.0:.{decimals}f}"
    return f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"


def _escape(text: str) -> str:
    """Keep a cell on one line and its pipes from splitting the Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(table: MetricTable, decimals: int = DEFAULT_DECIMALS) -> str:
    """A GitHub-flavoured Markdown table: first column the row labels, numbers right-aligned."""
    columns = table.columns()
    lines = [
        "| " + " | ".join([_escape(table.row_header), *map(_escape, columns)]) + " |",
        "|" + "---|" + "---:|" * len(columns),
    ]
    for label, row in table.rows.items():
        cells = [format_value(row.get(column), decimals, column in table.signed_columns)
                 for column in columns]
        lines.append("| " + " | ".join([_escape(label), *cells]) + " |")
    return "\n".join(lines)


def _summary_lines(report: EvalReport) -> list[str]:
    lines = [f"- Date: {report.date.isoformat()}", f"- Engine: {report.engine}",
             f"- Model: {report.model_id or 'none (no LLM)'}"]
    if report.eval_set:
        lines.append(f"- Eval set: {report.eval_set}")
    if report.measures:
        lines.append(f"- Measures: {report.measures}")
    if report.cases is not None:
        lines.append(f"- Cases: {report.cases}")
    return lines


def render_markdown(report: EvalReport, decimals: int = DEFAULT_DECIMALS) -> str:
    """The whole report as Markdown: title, run summary, one section per table, notes."""
    parts = [f"# Eval report: {report.name}", "\n".join(_summary_lines(report))]
    parts += [f"## {table.title}\n\n{render_table(table, decimals)}" for table in report.tables]
    if report.notes:
        parts.append("## Notes\n\n" + "\n".join(f"- {note}" for note in report.notes))
    return "\n\n".join(parts) + "\n"


def write_markdown_report(report: EvalReport, path: str | Path,
                          decimals: int = DEFAULT_DECIMALS) -> Path:
    """Write `render_markdown(report)` to `path` (parents created) and return the path. The
    file is replaced in one rename, so a run stopped mid-write (Ctrl-C) leaves the previous
    report whole, never half of each."""
    from shared.files import atomic_text_writer

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_text_writer(path) as handle:
        handle.write(render_markdown(report, decimals))
    return path


def compare_runs(
    baseline: Mapping[str, CellValue],
    candidate: Mapping[str, CellValue],
    *,
    title: str = "Baseline vs LLM",
    baseline_label: str = "baseline",
    candidate_label: str = "llm",
) -> MetricTable:
    """One row per metric: baseline value, candidate value, delta = candidate - baseline.

    Metrics missing from one run, or not numeric, get no delta ("—"). The delta is raw:
    whether higher is better depends on the metric (latency, cost), so the table does not
    colour it; say which way is better in the report notes.
    """
    metrics = list(dict.fromkeys([*baseline, *candidate]))
    rows = {metric: {baseline_label: baseline.get(metric),
                     candidate_label: candidate.get(metric),
                     "delta": _delta(baseline.get(metric), candidate.get(metric))}
            for metric in metrics}
    return MetricTable(title=title, rows=rows, row_header="metric", signed_columns=["delta"])


def _delta(before: CellValue, after: CellValue) -> float | None:
    numeric = (int, float)
    if isinstance(before, bool) or isinstance(after, bool):
        return None
    if isinstance(before, numeric) and isinstance(after, numeric):
        return float(after) - float(before)
    return None
