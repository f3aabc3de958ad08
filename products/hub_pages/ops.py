"""Hub Ops page: what the LLM calls cost, how fast they were, and which ones failed."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from products.hub_support import current_settings, show_engine_badge
from products.ops import OpsReport, build_ops_report, format_usd
from shared.config import Settings

RECENT_ROWS = 500
TIME_AXIS = alt.X("time:T", title="Time", axis=alt.Axis(format="%H:%M:%S"))
EMPTY_STATE = (
    "No LLM calls recorded yet. Every call a product makes in LLM mode (and the one-token "
    "call `aipm doctor` makes) appears here with its tokens, cost and latency. Traces are read "
    "from `{path}`."
)


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
    frame = pd.DataFrame([row.model_dump() for row in reversed(report.recent)])
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
    st.dataframe(pd.DataFrame([row.model_dump() for row in report.recent_errors])[columns],
                 hide_index=True)


def render_ops(settings: Settings) -> None:
    """The whole page; an empty trace store gets a friendly explanation instead of charts."""
    st.title("Ops")
    show_engine_badge(settings)
    report = build_ops_report(settings, recent=RECENT_ROWS)
    if report.totals.calls == 0:
        st.info(EMPTY_STATE.format(path=report.trace_file))
        return
    render_totals(report)
    st.subheader("By product and model")
    st.dataframe(pd.DataFrame([row.model_dump() for row in report.by_model]), hide_index=True)
    render_charts(calls_frame(report))
    render_errors(report)


render_ops(current_settings())
