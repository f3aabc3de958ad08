"""Read an eval report back: the Markdown `shared.evals.report` writes is the machine source.

Every product writes `evals/report.md` with `write_markdown_report`, whose shape is fixed:
`- Date: …` summary lines, then `## <table title>` sections holding one pipe table each.
Parsing that file (instead of asking every product to write a JSON twin) means a report
committed on any branch can feed a PRD, a case study and the hub with no re-run, and the
numbers can never disagree with what a person reads. Cells stay text exactly as printed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, Field

from shared.errors import BadInput, NotFound

SUMMARY_LINE = re.compile(r"^- (Date|Engine|Model|Eval set|Measures|Cases): (.+)$")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


class ReportTable(BaseModel):
    """One `## title` table: `rows[row label][column] = cell text`, in file order."""

    title: str
    row_header: str = ""
    columns: list[str] = Field(default_factory=list)
    rows: dict[str, dict[str, str]] = Field(default_factory=dict)


class ParsedReport(BaseModel):
    """What an eval report says, with where it came from and when it was measured."""

    path: str
    name: str = ""
    date: dt.date | None = None
    engine: str = ""
    model: str = ""
    eval_set: str = ""
    measures: str = ""
    cases: int | None = None
    tables: list[ReportTable] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def table(self, title_prefix: str) -> ReportTable:
        """The first table whose title starts with `title_prefix` (case-insensitive)."""
        wanted = title_prefix.strip().lower()
        for table in self.tables:
            if table.title.lower().startswith(wanted):
                return table
        titles = "; ".join(t.title for t in self.tables)
        raise NotFound(f"{self.path} has no table titled '{title_prefix}…'. Tables: {titles}.")

    def cell(self, title_prefix: str, row: str, column: str) -> str:
        """One printed cell; a clear error names what exists when the row or column does not."""
        table = self.table(title_prefix)
        if row not in table.rows:
            raise NotFound(f"Table '{table.title}' in {self.path} has no row '{row}'. Rows: "
                           f"{', '.join(list(table.rows)[:12])}.")
        if column not in table.columns:
            raise NotFound(f"Table '{table.title}' in {self.path} has no column '{column}'. "
                           f"Columns: {', '.join(table.columns)}.")
        return table.rows[row].get(column, "—")


def read_report(path: Path) -> ParsedReport:
    """Parse one eval report file; a missing file says which command writes it."""
    if not path.is_file():
        raise NotFound(f"No eval report at {path}. Run the product's eval (`aipm eval …`) first.")
    return parse_report(path.read_text(encoding="utf-8"), str(path))


def parse_report(text: str, source: str = "report.md") -> ParsedReport:
    """Turn the writer's Markdown back into tables of printed cells."""
    report = ParsedReport(path=source)
    section = ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("# "):
            report.name = line[2:].removeprefix("Eval report:").strip()
        elif line.startswith("## "):
            section = line[3:].strip()
            _start_table(report, section, lines[index + 1:])
        elif section == "Notes" and line.startswith("- "):
            report.notes.append(line[2:].strip())
        elif not section:
            _read_summary(report, line)
    return report


def _read_summary(report: ParsedReport, line: str) -> None:
    match = SUMMARY_LINE.match(line.strip())
    if not match:
        return
    key, value = match.group(1), match.group(2).strip()
    if key == "Date":
        report.date = _parse_date(value, report.path)
    elif key == "Cases":
        report.cases = int(value) if value.isdigit() else None
    else:
        setattr(report, {"Engine": "engine", "Model": "model", "Eval set": "eval_set",
                              "Measures": "measures"}[key], value)


def _parse_date(value: str, source: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise BadInput(f"{source}: the report date '{value}' is not YYYY-MM-DD.") from err


def _start_table(report: ParsedReport, title: str, following: list[str]) -> None:
    """Read the pipe table right under a `##` heading (blank lines allowed before it)."""
    rows = [line for line in _table_lines(following)]
    if len(rows) < 2:
        return
    header = split_row(rows[0])
    table = ReportTable(title=title, row_header=header[0], columns=header[1:])
    for line in rows[2:]:
        cells = split_row(line)
        table.rows[cells[0]] = dict(zip(table.columns, cells[1:], strict=False))
    report.tables.append(table)


def _table_lines(following: list[str]) -> list[str]:
    lines: list[str] = []
    for line in following:
        if line.startswith("|"):
            lines.append(line)
        elif lines or line.startswith("#"):
            break
    return lines


def split_row(line: str) -> list[str]:
    """Cells of one pipe-table row; `\\|` inside a cell stays a literal pipe."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", inner)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def pipe_blocks(body: str) -> list[list[str]]:
    """The runs of consecutive pipe-table lines in a Markdown body, each stripped."""
    blocks: list[list[str]] = [[]]
    for line in body.splitlines():
        if line.strip().startswith("|"):
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def as_number(text: str) -> float | None:
    """A printed cell as a number, or None for "—", "yes" and other text."""
    cleaned = text.replace("*", "").replace(",", "").strip()
    return float(cleaned) if NUMBER.match(cleaned) else None


__all__ = ["ParsedReport", "ReportTable", "as_number", "parse_report", "pipe_blocks", "read_report",
           "split_row"]
