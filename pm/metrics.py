"""A PRD's success metrics, generated from the latest eval report so the numbers cannot go stale.

Each product lists its success metrics in `evals/metrics.toml` (name, where the number lives
in `evals/report.md`, target, how it is measured). `render_block` turns that list plus the
latest report into the Markdown between `<!-- metrics:start -->` and `<!-- metrics:end -->`
in the product's PRD; `aipm prd sync` writes it and `aipm prd check` compares it.
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from pm.report_tables import ParsedReport, as_number
from shared.errors import BadInput, NotFound

BLOCK_START = "<!-- metrics:start"
BLOCK_END = "<!-- metrics:end -->"
BLOCK_PATTERN = re.compile(r"<!-- metrics:start.*?-->.*?<!-- metrics:end -->", re.DOTALL)
TARGET = re.compile(r"^\s*(>=|<=|≥|≤|=|>|<)\s*([+-]?\d+(?:\.\d+)?)\s*$")
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "≥": operator.ge, "<=": operator.le, "≤": operator.le,
    "=": lambda a, b: abs(a - b) < 1e-9, ">": operator.gt, "<": operator.lt,
}
PRETTY = {">=": "≥", "<=": "≤"}


class MetricSpec(BaseModel):
    """One success metric: where its number is printed in the report, its target and method."""

    name: str
    table: str = ""
    row: str = ""
    column: str = ""
    target: str = ""
    how: str = ""
    aliases: list[str] = Field(default_factory=list)
    measured_in: str = ""  # a file with a hand-measured number (a benchmark), when no table
    pattern: str = ""  # a regex whose group 1 is that number in `measured_in` (first match)

    def names(self) -> set[str]:
        """Lower-cased names a hand-typed PRD row may use for this metric."""
        return {name.lower() for name in (self.name, *self.aliases)}


class MetricValue(BaseModel):
    """A metric with the value the latest report prints for it and whether it meets its target."""

    spec: MetricSpec
    value: str
    met: bool | None = None


def load_metric_specs(path: Path) -> list[MetricSpec]:
    """Read `evals/metrics.toml` (`[[metric]]` tables); errors name the file and the fix."""
    if not path.is_file():
        raise NotFound(f"No metrics spec at {path}. Write one `[[metric]]` per success metric "
                       "(name, table, row, column, target, how); see products/rag_search/evals/"
                       "metrics.toml.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return [MetricSpec.model_validate(item) for item in raw.get("metric", [])]
    except (tomllib.TOMLDecodeError, ValidationError) as err:
        first = str(err).splitlines()[0]
        raise BadInput(f"{path} is not a valid metrics spec: {first}") from err


def default_specs(report: ParsedReport, max_rows: int = 6) -> list[MetricSpec]:
    """Every numeric cell of the report's small tables, with no target: a starting point.

    Used when a product has no `evals/metrics.toml` yet (the case study and the hub still
    show its numbers) and by `aipm prd sync --init`, which writes these for a PM to edit.
    """
    specs = []
    for table in report.tables:
        if len(table.rows) > max_rows or table.title.lower().startswith(("per ", "notes")):
            continue
        for row, cells in table.rows.items():
            specs += [MetricSpec(name=f"{row} {column}".strip(), table=table.title, row=row,
                                 column=column)
                      for column, cell in cells.items() if as_number(cell) is not None]
    return specs


def specs_toml(specs: list[MetricSpec]) -> str:
    """A metrics spec file a PM edits: every metric listed, targets left to fill in."""
    lines = ["# Success metrics for the PRD's generated block. Set each `target` (\">= 0.85\")",
             "# and say `how` it is measured; delete the metrics the PRD does not promise.", ""]
    for spec in specs:
        lines += ["[[metric]]", f"name = {_toml_string(spec.name)}",
                  f"table = {_toml_string(spec.table)}", f"row = {_toml_string(spec.row)}",
                  f"column = {_toml_string(spec.column)}", 'target = ""', 'how = ""', ""]
    return "\n".join(lines)


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_target(target: str) -> tuple[str, float] | None:
    """`">= 0.95"` → (">=", 0.95); None when the target is not a comparison with a number."""
    match = TARGET.match(target)
    return (match.group(1), float(match.group(2))) if match else None


def pretty_target(target: str) -> str:
    match = TARGET.match(target)
    if not match:
        return target or "—"
    return f"{PRETTY.get(match.group(1), match.group(1))} {match.group(2)}"


def measure(specs: list[MetricSpec], report: ParsedReport) -> list[MetricValue]:
    """The printed value of every metric in the report; a missing cell is an error to fix."""
    return [_measure_one(spec, report) for spec in specs]


def _measure_one(spec: MetricSpec, report: ParsedReport) -> MetricValue:
    if not spec.table:
        if not spec.measured_in:
            raise BadInput(f"Metric '{spec.name}' names neither a report table nor a file "
                           "it is measured in (`measured_in`).")
        if not spec.pattern:
            return MetricValue(spec=spec, value=f"see {spec.measured_in}")
        value = measured_value(spec)
    else:
        value = report.cell(spec.table, spec.row, spec.column)
    number, target = as_number(value), parse_target(spec.target)
    met = COMPARE[target[0]](number, target[1]) if number is not None and target else None
    return MetricValue(spec=spec, value=value, met=met)


def measured_value(spec: MetricSpec, root: Path | None = None) -> str:
    """The number `pattern` finds in `measured_in` (a path from the repository root), so a
    benchmark's latest figure reaches the PRD and the case study without being typed twice."""
    path = (root or Path(__file__).resolve().parents[1]) / spec.measured_in
    try:
        match = re.search(spec.pattern, path.read_text(encoding="utf-8"))
    except (OSError, re.error) as err:
        raise BadInput(f"Metric '{spec.name}': cannot read its number from {spec.measured_in} "
                       f"({err}); fix `measured_in` or `pattern` in evals/metrics.toml.") from err
    if not match or not match.groups():
        raise BadInput(f"Metric '{spec.name}': its pattern finds no number in "
                       f"{spec.measured_in}; update `pattern` in evals/metrics.toml to the "
                       "benchmark's current wording.")
    return match.group(1).replace(",", "")


def render_block(values: list[MetricValue], report: ParsedReport, command: str,
                 report_link: str = "evals/report.md") -> str:
    """The generated Markdown, markers included; deterministic so `prd check` can compare it."""
    model = report.model or "none"
    lines = [
        f"{BLOCK_START} generated by `{command}` from {report_link}; edit evals/metrics.toml, "
        "not this block -->",
        f"Measured on **{report.date}** by [{report_link}]({report_link}): engine "
        f"`{report.engine}`, model `{model}`, eval set `{report.eval_set}`.",
        "",
        "| Metric | Latest | Target | Met | How measured |",
        "|---|---:|---|---|---|",
    ]
    lines += [_block_row(value) for value in values]
    lines.append(BLOCK_END)
    return "\n".join(lines)


def _block_row(value: MetricValue) -> str:
    met = {True: "yes", False: "**no**", None: "—"}[value.met]
    spec = value.spec
    source = (f"`{spec.table}` → `{spec.row}` → `{spec.column}`" if spec.table
              else f"measured by hand, {spec.measured_in}")
    how = f"{value.spec.how} ({source})" if value.spec.how else source
    cells = [value.spec.name, value.value, pretty_target(value.spec.target), met, how]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def find_block(text: str) -> str | None:
    """The generated block in a PRD, or None when it has none."""
    match = BLOCK_PATTERN.search(text)
    return match.group(0) if match else None


def replace_block(text: str, block: str, anchor_heading: str | None = None) -> str:
    """Put `block` where the old one was, or right after `anchor_heading` (a whole line)."""
    if find_block(text) is not None:
        return BLOCK_PATTERN.sub(lambda _: block, text, count=1)
    if anchor_heading and anchor_heading in text.splitlines():
        head, _, tail = text.partition(anchor_heading + "\n")
        return f"{head}{anchor_heading}\n\n{block}\n{tail}"
    raise BadInput("The PRD has no `<!-- metrics:start -->` … `<!-- metrics:end -->` block and "
                   "no success-metrics heading to put one under. Add the two marker lines "
                   "where the table belongs, then sync again.")


def block_values(block: str) -> dict[str, str]:
    """Metric name → the value a block (maybe an old one) shows, to name what went stale."""
    values: dict[str, str] = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[0]) <= {"-", ""}:
            values[cells[0]] = cells[1]
    values.pop("Metric", None)
    return values


__all__ = [
    "BLOCK_END",
    "BLOCK_START",
    "MetricSpec",
    "MetricValue",
    "block_values",
    "default_specs",
    "find_block",
    "load_metric_specs",
    "measure",
    "measured_value",
    "parse_target",
    "pretty_target",
    "render_block",
    "replace_block",
    "specs_toml",
]
