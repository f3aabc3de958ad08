"""Hub PM page: each product's PRD, decision log, eval and stress reports, and the case study.

Logic lives in `pm.overview`; this page lays it out and wires three buttons: run
the eval, run the stress pack, download the case study.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from pm.overview import (
    ProductOverview,
    case_study_files,
    metric_rows,
    overview,
    readable,
    run_eval_command,
    stress_modes,
)
from pm.report_tables import read_report
from pm.stress_report import StressRun, run_stress_pack
from products import available_products
from shared.config import Settings
from shared.ui_jobs import JobLabels, job_result, job_running, start_job
from shared.ui_support import current_settings, show_engine_badge

STRESS_LABELS = JobLabels(working="Running the stress pack…",
                          stopping="Stopping after the current case…", stop="Stop the pack",
                          stop_key="stress_stop",
                          stop_help="Stops after the current case; the finished cases are "
                                    "kept in a report marked partial.")
EVAL_LABELS = JobLabels(working="Running the eval…", stopping="Stopping the eval…",
                       stop="Stop the eval", stop_key="eval_stop",
                       stop_help="Stops the eval; no report is written and the last one stays.")


def render_prd(view: ProductOverview) -> None:
    if view.problems:
        st.warning(f"`aipm prd check` finds {len(view.problems)} gap(s):\n\n" + "\n".join(
            f"- [{p.section}] {p.problem}" for p in view.problems))
    else:
        st.success("`aipm prd check`: no gaps — every number matches the latest report.")
    st.markdown(view.prd or "_No PRD.md yet._")


def render_eval(view: ProductOverview) -> None:
    """The eval runs as a background job: steps of the total with the time left, and a stop
    that ends it without a report (the last one stays)."""
    job_key = f"eval_job_{view.name}"
    if st.button("Run the eval", key=f"eval-{view.name}", disabled=job_running(job_key)):
        start_job(job_key, lambda control: run_eval_command(view.cli_name, control),
                  unit="steps", name=f"aipm-eval-{view.name}")
    outcome = job_result(job_key, EVAL_LABELS)
    if outcome is not None:
        st.success(outcome)
        view = overview(view.name)  # the report the eval just wrote
    if view.report_error:
        st.info(view.report_error)
    rows = metric_rows(view.metrics)
    if rows:
        st.markdown("**Success metrics vs target** (from the latest report)")
        st.altair_chart(metrics_chart(pd.DataFrame(rows)), width="stretch")
    st.markdown(view.report_text or "_No eval report yet._")


def metrics_chart(frame: pd.DataFrame) -> alt.LayerChart:
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("value:Q", title="Latest value"), y=alt.Y("metric:N", sort=None, title=None),
        color=alt.Color("met:N", title="Target"), tooltip=["metric", "value", "target", "met"])
    ticks = alt.Chart(frame.dropna(subset=["target"])).mark_tick(color="black", thickness=2).encode(
        x="target:Q", y=alt.Y("metric:N", sort=None))
    return bars + ticks


def render_stress(view: ProductOverview, settings: Settings) -> None:
    """The stress button runs the pack in a background job: cases of the total with the time
    left, and a stop that keeps the finished cases (a report marked partial, data dir)."""
    job_key, run_key = f"stress_job_{view.name}", f"stress_run_{view.name}"
    if st.button("Run the stress pack", key=f"stress-{view.name}",
                 disabled=job_running(job_key)):
        st.session_state.pop(run_key, None)
        start_job(job_key, lambda control: run_stress_pack(view.name, settings, control=control),
                  unit="cases", name=f"aipm-stress-{view.name}")
    finished = job_result(job_key, STRESS_LABELS)
    if finished is not None:
        st.session_state[run_key] = finished
    run = st.session_state.get(run_key)
    if run is not None:
        view = show_stress_run(view, run)
    if view.stress_modes:
        frame = pd.DataFrame(view.stress_modes).melt(
            id_vars="failure mode", var_name="outcome", value_name="cases")
        st.altair_chart(alt.Chart(frame).mark_bar().encode(
            x=alt.X("cases:Q", stack=True), y=alt.Y("failure mode:N", sort=None, title=None),
            color=alt.Color("outcome:N", scale=alt.Scale(domain=["passed", "failed"],
                                                         range=["#2e7d32", "#c62828"]))),
            width="stretch")
    st.markdown(view.stress_text or f"_Not run yet: `aipm stress {view.cli_name}`._")


def show_stress_run(view: ProductOverview, run: StressRun) -> ProductOverview:
    """What this run found (not the committed report), and where its report went."""
    st.success(f"{run.passed}/{run.total} adversarial cases held ({run.engine} engine).")
    if run.cancelled:
        st.warning(f"Stopped after {run.total} of {run.planned} cases: the report holds those "
                   "only and says PARTIAL. Run the pack again for all of them.")
    st.caption(f"Report written to `{run.report_path}` (the data dir). The committed "
               f"`evals/stress.md` changes only with `aipm stress {view.cli_name} "
               "--update-repo` or `make reports`.")
    view = overview(view.name)
    fresh = Path(run.report_path)
    if fresh.is_file():
        view.stress_text = readable(fresh)
        view.stress_modes = stress_modes(read_report(fresh))
    return view


def render_case_study(view: ProductOverview, settings: Settings) -> None:
    st.markdown("A one-page case study built from the eval report, the stress report and the "
                "trace store (`aipm portfolio " + view.cli_name + " --out DIR`).")
    markdown, html = case_study_files(view.name, settings)
    left, right = st.columns(2)
    left.download_button("Download the case study (HTML)", html,
                         file_name=f"{view.name}-case-study.html", mime="text/html")
    right.download_button("Download the case study (Markdown)", markdown,
                          file_name=f"{view.name}-case-study.md", mime="text/markdown")
    st.markdown(markdown)


def render_pm(settings: Settings) -> None:
    st.title("PM")
    show_engine_badge(settings)
    specs = available_products()
    if not specs:
        st.info("No product is built in this checkout yet.")
        return
    spec = st.selectbox("Product", specs, format_func=lambda s: s.title)
    view = overview(spec.name)
    prd, decisions, evals, stress, study = st.tabs(
        ["PRD", "Decision log", "Eval report", "Stress test", "Case study"])
    with prd:
        render_prd(view)
    with decisions:
        st.markdown(view.decisions or "_No DECISIONS.md yet._")
    with evals:
        render_eval(view)
    with stress:
        render_stress(view, settings)
    with study:
        render_case_study(view, settings)


render_pm(current_settings())
