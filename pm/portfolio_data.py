"""The facts a case study tells, gathered from the files and the trace store, each with its date.

Nothing here is typed by hand: the problem comes from the PRD, the decisions from the
decision log, metrics from the latest eval report (through the PRD's metrics spec), the
stress results from `evals/stress.md`, and cost and latency from the trace store.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field

from pm.facts import ProductPaths, decision_titles, latest_metrics
from pm.metrics import MetricValue
from pm.prd_sections import (
    REQUIRED_SECTIONS,
    Section,
    find_sections,
    split_sections,
)
from pm.report_tables import ParsedReport, ReportTable, read_report
from shared.config import Settings
from shared.ops import open_trace_store
from shared.tracing import percentile

PACK_RUNS = frozenset({"stress"})  # whole test runs, not requests: kept out of per-request math


class TraceFacts(BaseModel):
    """Cost and latency of one product's traced operations."""

    calls: int = 0
    errors: int = 0
    first: str = ""
    last: str = ""
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    cost_usd: float = 0.0
    cost_per_1000: float = 0.0
    by_operation: dict[str, int] = Field(default_factory=dict)
    trace_file: str = ""


class CaseStudy(BaseModel):
    """Everything the Markdown and the HTML page show."""

    product: str
    cli_name: str
    title: str
    pitch: str
    generated: dt.date
    problem: str
    report: ParsedReport
    metrics: list[MetricValue]
    comparison: ReportTable | None = None
    decisions: list[tuple[str, str]]
    stress: ParsedReport | None = None
    traces: TraceFacts
    open_questions: list[str]


def gather(paths: ProductPaths, settings: Settings) -> CaseStudy:
    """Read every source once."""
    report, metrics = latest_metrics(paths, allow_default=True)
    prd = split_sections(paths.prd.read_text(encoding="utf-8"))
    return CaseStudy(
        product=paths.spec.name, cli_name=paths.spec.cli_name, title=paths.spec.title,
        pitch=paths.spec.pitch, generated=dt.date.today(),
        problem=_first_paragraph(prd, "Problem and users"), report=report, metrics=metrics,
        comparison=_comparison(report), decisions=decision_titles(paths.decisions),
        stress=read_report(paths.stress_report) if paths.stress_report.is_file() else None,
        traces=trace_facts(settings, paths.spec.name),
        open_questions=_bullets(prd, "Open questions"))


def _section_text(sections: list[Section], name: str) -> str:
    required = next(r for r in REQUIRED_SECTIONS if r.name == name)
    found = find_sections(sections, required)
    return found[0].body if found else ""


def _first_paragraph(sections: list[Section], name: str) -> str:
    paragraphs = [p.strip() for p in _section_text(sections, name).split("\n\n")]
    prose = [p for p in paragraphs if p and not p.startswith(("|", ">", "#", "<!--"))]
    return " ".join(prose[0].split()) if prose else ""


def _bullets(sections: list[Section], name: str) -> list[str]:
    items = re.findall(r"^\s*(?:-|\d+\.)\s+(.+(?:\n\s{2,}.+)*)", _section_text(sections, name),
                       flags=re.MULTILINE)
    return [" ".join(item.split()) for item in items]


def _comparison(report: ParsedReport) -> ReportTable | None:
    """A "Baseline vs LLM" table, when the latest eval measured both engines."""
    return next((t for t in report.tables if t.title.lower().startswith("baseline vs")), None)


def trace_facts(settings: Settings, product: str) -> TraceFacts:
    """Requests, p50/p95 latency and cost per 1,000 requests for one product."""
    store = open_trace_store(settings)
    mine = [row for row in store.recent(limit=1_000_000) if row.product == product]
    operations: dict[str, int] = {}
    for row in mine:
        operations[row.operation] = operations.get(row.operation, 0) + 1
    rows = [row for row in mine if row.operation not in PACK_RUNS]
    if not rows:
        return TraceFacts(trace_file=str(store.path), by_operation=operations)
    latencies = [row.latency_ms for row in rows]
    cost = sum(row.cost_usd for row in rows)
    return TraceFacts(calls=len(rows), errors=sum(row.status != "ok" for row in rows),
                      first=min(r.ts for r in rows)[:10], last=max(r.ts for r in rows)[:10],
                      p50_ms=percentile(latencies, 50), p95_ms=percentile(latencies, 95),
                      cost_usd=cost, cost_per_1000=cost / len(rows) * 1000,
                      by_operation=operations, trace_file=str(store.path))


__all__ = ["CaseStudy", "TraceFacts", "gather", "trace_facts"]
