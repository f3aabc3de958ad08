"""Human-readable (rich) output for `aipm doctor` and `aipm ops`; `--json` bypasses this module."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from frontdoors.doctor import DoctorReport
from shared.ops import OpsReport, format_usd

MARKS = {"pass": "[green]✓[/green]", "fail": "[red]✗[/red]", "info": "[dim]–[/dim]"}


def render_doctor(report: DoctorReport, console: Console | None = None) -> None:
    """The doctor's verdict: configuration, one line per check, then what to do next."""
    console = console or Console()
    console.print(f"[bold]aipm {report.version}[/bold]  engine: {_engine_label(report)}")
    console.print(f"provider: {report.provider}   data dir: {report.data_dir}")
    store = report.vector_store
    if store:  # empty when the settings themselves failed to load
        console.print(f"vector store: {store.get('mode')} ({store.get('location')})   "
                      f"embedder: {report.embedder}")
    table = Table(show_header=False, box=None)
    table.add_column("ok")
    table.add_column("check", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for check in report.checks:
        table.add_row(MARKS[check.state], check.name, check.detail)
    console.print(table)
    if any(check.state == "info" for check in report.checks):
        console.print("  (– : not set and not needed by the current configuration)")
    for product in report.products:
        console.print(f"  {product['title']} (aipm {product['cli']}): {product['status']}")
    console.print("[bold]Next steps[/bold]")
    for step in report.next_steps:
        console.print(f"  • {step}")


def _engine_label(report: DoctorReport) -> str:
    if report.engine == "baseline":
        return "baseline (no LLM)"
    return f"LLM: {report.model}" if report.model else report.engine


def render_ops(report: OpsReport, console: Console | None = None) -> None:
    """LLM totals and per-model table, keyless operations, answer ratings, recent rows."""
    console = console or Console()
    if report.empty:
        console.print("Nothing recorded yet. Use a product (keyless baseline runs count too), "
                      "then look again.")
        return
    _render_llm(report, console)
    _render_operations(report, console)
    _render_ratings(report, console)
    _render_recent(report, console)


def _render_llm(report: OpsReport, console: Console) -> None:
    totals = report.totals
    if totals.calls == 0:
        console.print("No LLM calls recorded yet (baseline mode).")
        return
    console.print(f"calls {totals.calls}  errors {totals.errors}  tokens {totals.tokens}  "
                  f"cost {format_usd(totals.cost_usd)}")
    table = _table("product", "model", "calls", "errors", "tokens", "cost", "p50 ms", "p95 ms")
    for row in report.by_model:
        table.add_row(row.product, f"{row.provider}:{row.model}", str(row.calls),
                      str(row.errors), str(row.input_tokens + row.output_tokens),
                      format_usd(row.cost_usd), f"{row.p50_latency_ms:.0f}",
                      f"{row.p95_latency_ms:.0f}")
    console.print(table)


def _render_operations(report: OpsReport, console: Console) -> None:
    if not report.operations:
        return
    table = _table("product", "engine", "operations", "errors", "items", "p50 ms", "p95 ms",
                   title="Keyless operations")
    for row in report.operations:
        table.add_row(row.product, row.model, str(row.calls), str(row.errors), str(row.items),
                      f"{row.p50_latency_ms:.0f}", f"{row.p95_latency_ms:.0f}")
    console.print(table)


def _render_ratings(report: OpsReport, console: Console) -> None:
    if not report.ratings:
        return
    table = _table("product", "operation", "👍", "👎", "👍 rate", "comments",
                   title="Answer ratings")
    for row in report.ratings:
        table.add_row(row.product, row.operation, str(row.up), str(row.down),
                      f"{row.up_rate:.0%}", str(row.comments))
    console.print(table)


def _table(*headers: str, title: str | None = None) -> Table:
    """A table that folds long cells (model ids, timestamps) instead of cutting them off."""
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _render_recent(report: OpsReport, console: Console) -> None:
    if not report.recent:
        return
    table = _table("time", "product", "operation", "model", "ms", "status", title="Recent calls")
    for row in report.recent:
        table.add_row(row.ts, row.product, row.operation, f"{row.provider}:{row.model}",
                      f"{row.latency_ms:.0f}", row.status)
    console.print(table)


__all__ = ["render_doctor", "render_ops"]
