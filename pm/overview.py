"""What the hub's PM page shows for one product, and the actions its buttons run.

No streamlit here: the page (`frontdoors/hub_pages/pm.py`) only lays this out. The eval is
run through the `aipm` CLI in a subprocess because each product's eval is a CLI command
(`run_eval`) with its own options; the stress pack and the case study are plain calls.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import BaseModel

from pm.facts import ProductPaths, latest_metrics, product_paths
from pm.metrics import MetricValue, parse_target
from pm.portfolio import build_sections, render_html, render_markdown
from pm.portfolio_data import gather
from pm.prd_check import Problem, check_prd
from pm.report_tables import ParsedReport, as_number, read_report
from shared.child_progress import run_with_progress
from shared.config import Settings
from shared.errors import AIPMError, BadInput
from shared.progress import WorkControl

COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
EVAL_TIMEOUT_S = 900


class ProductOverview(BaseModel):
    """The PRD, decision log, reports and their numbers, as the page needs them."""

    name: str
    cli_name: str
    title: str
    prd: str
    decisions: str
    problems: list[Problem]
    report_text: str
    report_error: str = ""
    metrics: list[MetricValue] = []
    stress_text: str = ""
    stress_modes: list[dict[str, object]] = []


def overview(product: str) -> ProductOverview:
    """Read everything once; a missing report is shown as a message, not an error."""
    paths = product_paths(product)
    view = ProductOverview(
        name=paths.spec.name, cli_name=paths.spec.cli_name, title=paths.spec.title,
        prd=readable(paths.prd), decisions=readable(paths.decisions),
        problems=check_prd(paths.prd) if paths.prd.is_file() else [],
        report_text=readable(paths.report))
    try:
        _, view.metrics = latest_metrics(paths, allow_default=True)
    except AIPMError as err:
        view.report_error = err.message
    if paths.stress_report.is_file():
        view.stress_text = readable(paths.stress_report)
        view.stress_modes = stress_modes(read_report(paths.stress_report))
    return view


def readable(path: Path) -> str:
    """A Markdown file without its HTML comments (the page shows Markdown, not raw HTML)."""
    if not path.is_file():
        return ""
    return COMMENT.sub("", path.read_text(encoding="utf-8"))


def metric_rows(values: list[MetricValue]) -> list[dict[str, object]]:
    """Numeric metrics with their targets, for a chart."""
    rows = []
    for value in values:
        number, target = as_number(value.value), parse_target(value.spec.target)
        if number is not None:
            rows.append({"metric": value.spec.name, "value": number,
                         "target": target[1] if target else None,
                         "met": {True: "met", False: "missed", None: "no target"}[value.met]})
    return rows


def stress_modes(report: ParsedReport) -> list[dict[str, object]]:
    table = report.table("Failure modes")
    return [{"failure mode": mode, "passed": int(as_number(row["passed"]) or 0),
             "failed": int((as_number(row["cases"]) or 0) - (as_number(row["passed"]) or 0))}
            for mode, row in table.rows.items()]


def run_eval_command(cli_name: str, control: WorkControl | None = None) -> str:
    """`aipm eval <product>` in a child process; returns its last line, raises on failure.
    With `control` (the page's job): its progress feeds the bar, and a stop sends the child
    Ctrl-C, after which it writes no report (the last one stays)."""
    command = [sys.executable, "-c", "from frontdoors.cli import main; main()", "eval", cli_name]
    run = run_with_progress(command, control or WorkControl(unit="steps"), EVAL_TIMEOUT_S)
    if run.timed_out:
        raise BadInput(f"`aipm eval {cli_name}` took over {EVAL_TIMEOUT_S} s and was stopped; "
                       "run it in a terminal to see where it spends its time.")
    if run.stopped:
        return (f"Stopped: `aipm eval {cli_name}` wrote no report; the last report is "
                "unchanged.")
    if run.returncode != 0:
        last = (run.stderr.strip() or run.stdout.strip()).splitlines()[-1:]
        raise BadInput(f"`aipm eval {cli_name}` failed: {' '.join(last) or 'no output'}")
    lines = run.stdout.strip().splitlines()
    return lines[-1] if lines else "done"


def case_study_files(product: str, settings: Settings) -> tuple[str, str]:
    """The case study's Markdown and HTML as text, for download buttons."""
    case = gather(product_paths(product), settings)
    sections = build_sections(case)
    return render_markdown(case, sections), render_html(case, sections)


__all__ = ["ProductOverview", "ProductPaths", "case_study_files", "metric_rows", "overview",
           "run_eval_command", "stress_modes"]
