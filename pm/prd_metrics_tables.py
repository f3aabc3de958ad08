"""Hand-written metrics tables in a PRD: does every metric say its target and how it is measured?

A metrics table is any table in a success-metrics section whose first header cell says
"metric". The generated block counts as one (its rows always carry both, unless the spec
left the target empty). A hand-typed row that names a metric of the generated block must
also show that metric's latest value, so prose tables cannot drift from the report.
"""

from __future__ import annotations

from pm.metrics import BLOCK_START, MetricValue
from pm.prd_consistency import row_numbers, shows
from pm.prd_sections import REQUIRED_SECTIONS, Section, find_sections
from pm.report_tables import ParsedReport, as_number, pipe_blocks, split_row

TARGET_HEADERS = ("target", "launch bar", "goal")
METHOD_HEADERS = ("how measured", "measured by", "method", "how it is measured")
EMPTY = {"", "—", "-", "n/a"}


def _metrics_sections(sections: list[Section]) -> list[Section]:
    return find_sections(sections, next(r for r in REQUIRED_SECTIONS
                                        if r.name == "Success metrics"))


def metrics_tables(sections: list[Section]) -> list[tuple[list[str], list[list[str]]]]:
    """(header, rows) of every metrics table in the success-metrics sections."""
    tables = []
    for section in _metrics_sections(sections):
        for block in pipe_blocks(section.body):
            header = [cell.lower() for cell in split_row(block[0])]
            if header and "metric" in header[0] and len(block) > 2:
                tables.append((header, [split_row(line) for line in block[2:]]))
    return tables


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for i, cell in enumerate(header) if any(n in cell for n in names)), None)


def metric_table_gaps(sections: list[Section],
                      values: list[MetricValue] = ()) -> list[tuple[str, str]]:
    """Rows without a target or a method; a section with no metrics table at all."""
    if not _metrics_sections(sections):
        return []
    tables = metrics_tables(sections)
    has_block = any(BLOCK_START in s.body for s in _metrics_sections(sections))
    if not tables and not has_block:
        return [("Success metrics", "no metrics table (| Metric | Target | How measured |)")]
    covered = {name for value in values for name in value.spec.names()}
    gaps = []
    for header, rows in tables:
        target, method = _column(header, TARGET_HEADERS), _column(header, METHOD_HEADERS)
        for row in rows:
            gaps += _row_gaps(row, target, method, covered)
    return gaps


def _row_gaps(row: list[str], target: int | None, method: int | None,
              covered: set[str]) -> list[tuple[str, str]]:
    name = row[0].replace("*", "").strip()
    if name.lower() in covered and (target is None or method is None):
        return []  # a hand row the generated block already defines
    gaps = []
    for index, what in ((target, "target"), (method, "measurement method")):
        if index is None or index >= len(row) or row[index].lower() in EMPTY:
            gaps.append(("Success metrics", f"metric '{name}' has no {what}"))
    return gaps


def stale_hand_rows(sections: list[Section], values: list[MetricValue], report: ParsedReport,
                    command: str) -> list[tuple[str, str]]:
    """A hand-typed row naming a generated metric must show its latest value first."""
    latest = {name: v.value for v in values for name in v.spec.names()}
    gaps = []
    for header, rows in metrics_tables(sections):
        if "latest" in header:
            continue
        for row in rows:
            expected = latest.get(row[0].replace("*", "").strip().lower(), "")
            shown, wanted = _first_number(row[1:]), as_number(expected)
            if shows(row_numbers(row[1:]), wanted):
                continue  # the latest value is in the row (e.g. beside an older column's)
            if wanted is not None and shown is not None and shown != wanted:
                gaps.append(("Success metrics", f"stale number: '{row[0]}' shows {shown:g} but "
                             f"the report of {report.date} says {expected}; update the row or "
                             f"run `{command}` and copy from the block"))
    return gaps


def _first_number(cells: list[str]) -> float | None:
    for cell in cells:
        words = cell.replace("*", "").split()
        if words and (number := as_number(words[0])) is not None:
            return number
    return None


__all__ = ["metric_table_gaps", "metrics_tables", "stale_hand_rows"]
