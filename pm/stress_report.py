"""`aipm stress PRODUCT`: run a product's adversarial pack and write `evals/stress.md`.

Every product ships `products/<name>/stress.py` with `run_stress(settings)`; this module
loads it through the registry, runs it with the product's current engine, and renders the
result in the same Markdown shape as eval reports (summary lines, then `##` tables), so the
PRD checker, the case study and the hub read it with the one report parser.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from pm.facts import ProductPaths, product_paths
from shared.config import Settings
from shared.errors import NotFound
from shared.evals import EvalReport, MetricTable, render_markdown
from shared.evals.stress import StressOutcome, pass_rate
from shared.ops import open_trace_store
from shared.tracing import trace_operation

StressPack = Callable[[Settings], list[StressOutcome]]


class StressRun(BaseModel):
    """One run of a pack: what `aipm stress --json` prints."""

    product: str
    cli_name: str
    title: str
    date: dt.date = Field(default_factory=dt.date.today)
    engine: str
    passed: int
    total: int
    pass_rate: float
    outcomes: list[StressOutcome]
    report_path: str = ""


def load_pack(paths: ProductPaths) -> StressPack:
    """The product's `run_stress`; a product without a pack says how to add one."""
    if not paths.stress_pack.is_file():
        raise NotFound(f"{paths.spec.title} has no stress pack yet: add products/"
                       f"{paths.spec.name}/stress.py with run_stress(settings) -> "
                       "list[StressOutcome] (see products/rag_search/stress.py).")
    return importlib.import_module(f"{paths.spec.module}.stress").run_stress


def run_stress_pack(product: str, settings: Settings, report: Path | None = None) -> StressRun:
    """Run the pack, trace the run (no text), and write `evals/stress.md` (or `report`)."""
    paths = product_paths(product)
    pack = load_pack(paths)
    with trace_operation(open_trace_store(settings), product=paths.spec.name,
                         operation="stress", engine=settings.engine) as row:
        outcomes = pack(settings)
        row.items = len(outcomes)
    run = summarise(paths, outcomes)
    run.report_path = str(write_stress_report(run, report or paths.stress_report))
    return run


def summarise(paths: ProductPaths, outcomes: list[StressOutcome]) -> StressRun:
    engines = sorted({o.engine for o in outcomes if o.engine})
    return StressRun(product=paths.spec.name, cli_name=paths.spec.cli_name, title=paths.spec.title,
                     engine=", ".join(engines) or "unknown", passed=sum(o.passed for o in outcomes),
                     total=len(outcomes), pass_rate=pass_rate(outcomes), outcomes=outcomes)


def by_failure_mode(outcomes: list[StressOutcome]) -> dict[str, dict[str, int]]:
    """Failure mode → {"cases", "passed"}, in the order the pack lists them."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"cases": 0, "passed": 0})
    for outcome in outcomes:
        counts[outcome.failure_mode]["cases"] += 1
        counts[outcome.failure_mode]["passed"] += int(outcome.passed)
    return dict(counts)


def to_report(run: StressRun) -> EvalReport:
    modes = {mode: {**c, "result": "pass" if c["passed"] == c["cases"] else "FAIL"}
             for mode, c in by_failure_mode(run.outcomes).items()}
    cases = {f"{n}. {o.case}": {"failure mode": o.failure_mode,
                                "result": "pass" if o.passed else "FAIL",
                                "expected": o.expected, "observed": o.observed}
             for n, o in enumerate(run.outcomes, start=1)}
    return EvalReport(
        name=f"Stress test: {run.title}", date=run.date, engine=run.engine,
        eval_set=f"products/{run.product}/stress.py ({run.total} adversarial cases)",
        measures="whether the product holds against each failure mode",
        cases=run.total,
        tables=[MetricTable(title="Summary", rows={"all cases": {
                    "passed": run.passed, "cases": run.total, "pass rate": run.pass_rate}}),
                MetricTable(title="Failure modes", rows=modes, row_header="failure mode"),
                MetricTable(title="Cases", rows=cases, row_header="case")],
        notes=[f"Run with `aipm stress {run.cli_name}` against the current engine; observed "
               "text has personal data masked."])


def write_stress_report(run: StressRun, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(to_report(run)), encoding="utf-8")
    return path


__all__ = ["StressRun", "by_failure_mode", "load_pack", "run_stress_pack", "to_report",
           "write_stress_report"]
