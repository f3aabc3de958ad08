"""`aipm portfolio`: every number on the case study comes from the reports and the traces."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from frontdoors.cli import build_app
from pm.facts import latest_metrics, product_paths
from pm.portfolio_data import trace_facts
from pm.svg_charts import Bar, bar_chart
from products import available_products
from shared.config import load_settings
from shared.tracing import TraceRow, TraceStore


def seed_traces(data_dir: Path) -> None:
    store = TraceStore(data_dir / "traces.sqlite")
    for latency, cost in ((200.0, 0.0008), (400.0, 0.0012), (1200.0, 0.0010)):
        store.record(TraceRow(product="rag_search", operation="complete", provider="openai",
                              model="gpt-4.1-mini", latency_ms=latency, cost_usd=cost))
    store.record(TraceRow(product="rag_search", operation="stress", provider="local",
                          model="baseline", latency_ms=90_000.0, items=12))
    store.record(TraceRow(product="other", provider="openai", model="x", cost_usd=5.0))


def test_trace_facts_count_requests_not_pack_runs() -> None:
    data_dir = Path(os.environ["AIPM_DATA_DIR"])
    seed_traces(data_dir)
    facts = trace_facts(load_settings(), "rag_search")
    assert facts.calls == 3 and facts.by_operation == {"complete": 3, "stress": 1}
    assert round(facts.cost_per_1000, 6) == 1.0  # $0.003 over 3 requests
    assert facts.p95_ms >= 400.0


def test_the_case_study_shows_the_reports_numbers(tmp_path: Path) -> None:
    seed_traces(Path(os.environ["AIPM_DATA_DIR"]))
    result = CliRunner().invoke(build_app(available_products()),
                                ["portfolio", "rag", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    paths = json.loads(result.stdout)
    markdown = Path(paths["markdown"]).read_text()
    page = Path(paths["html"]).read_text()
    report, metrics = latest_metrics(product_paths("rag"))
    assert f"eval report of {report.date}" in markdown
    for metric in metrics:
        assert f"| {metric.spec.name} | {metric.value} |" in markdown
        assert metric.value in page
    assert "| Cost per 1,000 requests | $1.0000 |" in markdown
    for heading in ("Problem", "PRD", "Decisions", "Eval results", "Stress test",
                    "Cost and latency", "What's next"):
        assert f"## {heading}" in markdown
    assert page.count("<svg") >= 1 and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_bars_escape_text_and_clip_to_the_scale() -> None:
    svg = bar_chart([Bar("<b>", 2.0, "2.0", target=0.5, ok=False)], "t & u")
    assert "&lt;b&gt;" in svg and "t &amp; u" in svg and 'width="320.0"' in svg
