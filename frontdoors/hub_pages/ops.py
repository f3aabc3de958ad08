"""Hub Ops page: what the LLM calls cost, how fast they were, which ones failed, what a keyless
session did (operations per product and engine), and how people rated the answers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from shared.config import Settings
from shared.ops import OpsReport, build_ops_report, format_usd
from shared.ui_support import current_settings, show_engine_badge
from shared.ui_tables import fitted_dataframe

RECENT_ROWS = 500
TIME_AXIS = alt.X("time:T", title="Time", axis=alt.Axis(format="%H:%M:%S"))
EMPTY_STATE = (
    "Nothing recorded yet. Every product operation (baseline runs without a key too), every "
    "LLM call (with its tokens, cost and latency, including the one-token call `aipm doctor` "
    "makes) and every 👍/👎 on an answer appears here. Traces are read from `{path}`."
)
NO_LLM_YET = ("No LLM calls yet: the products ran their baseline engines. Their operations and "
              "ratings are below.")


def render_totals(report: OpsReport) -> None:
    """Four headline numbers."""
    totals = report.totals
    calls, errors, tokens, cost = st.columns(4)
    calls.metric("Calls", f"{totals.calls:,}")
    errors.metric("Errors", f"{totals.errors:,}")
    tokens.metric("Tokens", f"{totals.tokens:,}")
    cost.metric("Cost (USD)", format_usd(totals.cost_usd))


def calls_frame(report: OpsReport) -> pd.DataFrame:
    """Recent calls, oldest first, with a parsed time column and a running cost."""
    rows = [row.model_dump() for row in reversed(report.recent) if row.provider != "local"]
    frame = pd.DataFrame(rows)
    frame["time"] = pd.to_datetime(frame["ts"], utc=True)
    frame["model_id"] = frame["provider"] + ":" + frame["model"]
    frame["cumulative_cost_usd"] = frame["cost_usd"].cumsum()
    return frame


def render_charts(frame: pd.DataFrame) -> None:
    """Latency per call and cumulative cost over time, one colour per model."""
    latency = alt.Chart(frame).mark_circle(size=60).encode(
        x=TIME_AXIS, y=alt.Y("latency_ms:Q", title="Latency (ms)"),
        color=alt.Color("model_id:N", title="Model"),
        tooltip=["product", "operation", "model_id", "latency_ms", "status"],
    )
    cost = alt.Chart(frame).mark_line(point=True).encode(
        x=TIME_AXIS,
        y=alt.Y("cumulative_cost_usd:Q", title="Cumulative cost (USD)"),
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Latency per call**")
        st.altair_chart(latency, width="stretch")
    with right:
        st.markdown("**Cost over time**")
        st.altair_chart(cost, width="stretch")


def render_errors(report: OpsReport) -> None:
    """The newest failed calls with the error each one got."""
    st.subheader("Recent errors")
    if not report.recent_errors:
        st.caption("No failed calls.")
        return
    columns = ["ts", "product", "operation", "provider", "model", "status", "error"]
    fitted_dataframe(pd.DataFrame([row.model_dump() for row in report.recent_errors])[columns],
                 hide_index=True)


def render_llm(report: OpsReport) -> None:
    """Totals, the per-model table and the charts, when there are LLM calls."""
    if report.totals.calls == 0:
        st.caption(NO_LLM_YET)
        return
    render_totals(report)
    st.subheader("LLM calls by product and model")
    fitted_dataframe(pd.DataFrame([row.model_dump() for row in report.by_model]), hide_index=True)
    frame = calls_frame(report)
    if not frame.empty:
        render_charts(frame)


def render_operations(report: OpsReport) -> None:
    """What a session did, keyless or not: operations per product and engine."""
    if not report.operations:
        return
    st.subheader("Operations by product and engine")
    columns = {"product": "product", "model": "engine", "calls": "operations",
               "errors": "errors", "items": "items", "p50_latency_ms": "p50 ms",
               "p95_latency_ms": "p95 ms"}
    frame = pd.DataFrame([row.model_dump() for row in report.operations])[list(columns)]
    fitted_dataframe(frame.rename(columns=columns), hide_index=True)


def render_ratings(report: OpsReport) -> None:
    """👍 rate per product and operation, and the newest comments people typed."""
    if not report.ratings:
        return
    st.subheader("Answer ratings")
    frame = pd.DataFrame([row.model_dump() for row in report.ratings])
    frame["up_rate"] = (frame["up_rate"] * 100).round(1).astype(str) + "%"
    fitted_dataframe(frame.rename(columns={"up": "👍", "down": "👎", "up_rate": "👍 rate"}),
                 hide_index=True)
    comments = [r for r in report.recent_ratings if r.comment]
    for rating in comments[:5]:
        icon = "👍" if rating.thumbs == "up" else "👎"
        st.caption(f"{icon} {rating.product} · {rating.operation}: {rating.comment}")


def render_ops(settings: Settings) -> None:
    """The whole page; an empty trace store gets a friendly explanation instead of charts."""
    st.title("Ops")
    show_engine_badge(settings)
    include_stress = st.toggle("Show stress-test runs", value=False, key="ops_include_stress",
                               help="Rows `aipm stress` wrote are test runs, not usage; "
                                    "hidden by default.")
    report = build_ops_report(settings, recent=RECENT_ROWS, include_stress=include_stress)
    if report.hidden_test_rows:
        st.caption(f"{report.hidden_test_rows} stress-test row(s) hidden.")
    if report.empty:
        st.info(EMPTY_STATE.format(path=report.trace_file))
        return
    render_llm(report)
    render_operations(report)
    render_ratings(report)
    render_errors(report)


render_ops(current_settings())
