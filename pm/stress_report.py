"""`aipm stress PRODUCT`: run a product's adversarial pack and write its stress report.

The report goes to the data dir (`<data_dir>/reports/<product>/stress.md`) so a run never
rewrites tracked files; `--update-repo` writes the committed `evals/stress.md` instead
(`make reports` does that for every product). Every trace row the run writes is tagged
`source=stress`, so the Ops page hides it unless asked, and the report carries the code hash.

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

from pm.code_hash import stamp
from pm.facts import ProductPaths, product_paths
from shared.config import Settings
from shared.errors import NotFound
from shared.evals import EvalReport, MetricTable, render_markdown
from shared.evals.stress import StressOutcome, pass_rate
from shared.files import atomic_text_writer
from shared.ops import open_trace_store
from shared.progress import WorkControl
from shared.tracing import trace_operation, trace_source

STRESS_SOURCE = "stress"  # the trace tag of every row a stress run writes

StressPack = Callable[..., list[StressOutcome]]  # (settings[, control]) -> outcomes


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
    # Out of the dump (the --json keys stay as they were); the CLI adds `cancelled` when true.
    cancelled: bool = Field(False, exclude=True,
                            description="stopped by the user; `outcomes` are the cases done")
    planned: int = Field(0, exclude=True, description="the pack's cases, done or not")


def load_pack(paths: ProductPaths) -> StressPack:
    """The product's `run_stress`; a product without a pack says how to add one."""
    if not paths.stress_pack.is_file():
        raise NotFound(f"{paths.spec.title} has no stress pack yet: add products/"
                       f"{paths.spec.name}/stress.py with run_stress(settings) -> "
                       "list[StressOutcome] (see products/rag_search/stress.py).")
    return importlib.import_module(f"{paths.spec.module}.stress").run_stress


def data_dir_report(settings: Settings, paths: ProductPaths) -> Path:
    """Where a stress run writes by default: the data dir, never the repository."""
    return settings.data_dir / "reports" / paths.spec.name / "stress.md"


def run_stress_pack(product: str, settings: Settings, report: Path | None = None,
                    update_repo: bool = False, control: WorkControl | None = None) -> StressRun:
    """Run the pack, trace it as `source=stress` (no text), and write the report.

    The report goes to `report`, else the committed `evals/stress.md` when `update_repo`,
    else the data dir. With `control` (the CLI's bar) progress counts cases of the total and
    a cancel stops before the next case: the report holds the finished cases, is marked
    partial, and is never the committed file (a stopped `--update-repo` run writes to the
    data dir instead).
    """
    paths = product_paths(product)
    pack = load_pack(paths)
    with trace_source(STRESS_SOURCE), trace_operation(
            open_trace_store(settings), product=paths.spec.name, operation="stress",
            engine=settings.engine) as row:
        outcomes = pack(settings, control) if control is not None else pack(settings)
        row.items = len(outcomes)
    run = summarise(paths, outcomes)
    if control is not None and control.cancelled and len(outcomes) < control.total:
        run.cancelled, run.planned, update_repo = True, control.total, False
    target = report or (paths.stress_report if update_repo else data_dir_report(settings, paths))
    run.report_path = str(write_stress_report(run, target, paths.root))
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
    partial = (f" — PARTIAL: cancelled after {run.total} of {run.planned} cases"
               if run.cancelled else "")
    return EvalReport(
        name=f"Stress test: {run.title}{partial}", date=run.date, engine=run.engine,
        eval_set=f"products/{run.product}/stress.py ({run.total} adversarial cases)",
        measures="whether the product holds against each failure mode",
        cases=run.total,
        tables=[MetricTable(title="Summary", rows={"all cases": {
                    "passed": run.passed, "cases": run.total, "pass rate": run.pass_rate}}),
                MetricTable(title="Failure modes", rows=modes, row_header="failure mode"),
                MetricTable(title="Cases", rows=cases, row_header="case")],
        notes=[f"Run with `aipm stress {run.cli_name}` against the current engine; observed "
               "text has personal data masked."])


def write_stress_report(run: StressRun, path: Path, code_root: Path | None = None) -> Path:
    """The Markdown report, stamped with the hash of the code in `code_root` when given."""
    text = render_markdown(to_report(run))
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_text_writer(path) as handle:  # a Ctrl-C mid-write leaves the old report whole
        handle.write(stamp(text, code_root) if code_root else text)
    return path


__all__ = ["STRESS_SOURCE", "StressRun", "by_failure_mode", "data_dir_report", "load_pack",
           "run_stress_pack", "to_report", "write_stress_report"]
