"""The feedback analyzer page of the hub (alone: `streamlit run products/feedback_analyzer/ui.py`).

A thin adapter over `products.feedback_analyzer.core`: upload a file (or use the bundled
sample), pick the text column from a preview, run in a background job with a progress bar
(rows, time left) and a stop button that keeps the rows done, then read the charts,
themes, summary, backlog and a filterable table, and download the CSV and the Markdown report.
Kit errors are shown with `st.error(message)`, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from products.feedback_analyzer.charts import (
    aspect_chart,
    group_chart,
    sentiment_chart,
    stars_chart,
    trend_chart,
)
from products.feedback_analyzer.core import AnalyzeOptions, analyze_file, open_table
from products.feedback_analyzer.core.report import FeedbackReport, render_markdown
from products.feedback_analyzer.core.service import build_report
from shared.config import Settings
from shared.errors import AIPMError
from shared.files import store_upload
from shared.progress import WorkControl
from shared.ui_jobs import JobLabels, job_result, job_running, start_job
from shared.ui_support import current_settings, rating_widget, show_engine_badge
from shared.ui_tables import fitted_dataframe

SAMPLE = Path(__file__).resolve().parent / "data" / "reviews.csv"
LIMITS = ("The baseline cannot read sarcasm without a star rating (\"Great, another crash\" reads "
          "mixed, not negative), knows only the languages VADER's lexicon covers (English), and "
          "names each theme by a short phrase taken from its rows, not by what the rows mean. LLM "
          "mode handles all three better.")
RESULT = "feedback_result"
JOB = "feedback_job"
LABELS = JobLabels(working="Analysing…", stopping="Stopping after the current chunk…",
                   stop="Stop analysis", stop_key="feedback_stop",
                   stop_help="Stops between two chunks of rows; the rows labelled so far are "
                             "kept (CSV, charts, themes).")
STOPPED = ("Stopped after {rows:,} rows: everything below covers those rows only, and the "
           "CSV keeps them. Analyse again to do the whole file.")


def source_file(settings: Settings) -> Path | None:
    """The uploaded file saved under the data dir, or the bundled sample."""
    upload = st.file_uploader("Feedback export", type=["csv", "tsv", "txt", "xlsx"])
    if upload is None:
        st.caption(f"No file uploaded: using the bundled sample ({SAMPLE.name}).")
        return SAMPLE
    folder = settings.data_path("feedback_uploads", "x").parent
    return store_upload(settings.data_dir, folder, upload.name, upload.getvalue())


def pick_columns(path: Path) -> tuple[str | None, str | None]:
    """Preview the first rows; let the user override the detected text and --by columns."""
    table = open_table(path)
    st.caption(f"Detected: {table.info.describe()}; encoding {table.info.encoding}.")
    fitted_dataframe([dict(zip(table.info.columns, row.values, strict=True))
                  for row in table.sample(5)], hide_index=True)
    columns = table.info.columns
    text = st.selectbox("Text column", columns, index=columns.index(table.info.text_column))
    choices = ["(none)", *columns]
    detected = table.info.group_column
    by = st.selectbox("Split by (product, plan, channel, version)", choices,
                      index=choices.index(detected) if detected in choices else 0)
    return text, None if by == "(none)" else by


def show_estimate(settings: Settings, path: Path, options: AnalyzeOptions) -> None:
    """Rows, requests, tokens, cost and time for the configured model, before sending."""
    from products.feedback_analyzer.core.estimate import estimate_file

    estimate = estimate_file(settings, path, options)
    cols = st.columns(4)
    cols[0].metric("Rows", f"{estimate.rows:,}")
    cols[1].metric("LLM requests", f"{estimate.requests:,}")
    cols[2].metric("Cost (USD)", f"{estimate.cost_usd:.4f}")
    cols[3].metric("Time (s)", f"{estimate.seconds:.0f}")
    st.caption(f"Model {estimate.model or 'none: the baseline is free'}; "
               f"{estimate.input_tokens:,} input and {estimate.output_tokens:,} output tokens; "
               f"batch API {estimate.batch_cost_usd:.4f} USD; {estimate.price_note}.")


def start(settings: Settings, path: Path, options: AnalyzeOptions) -> None:
    """Start the analysis in a thread of its own and return at once: the page shows its
    progress and a stop button while it runs (see `show_job`)."""
    out = settings.data_path("feedback_results", f"{path.stem}.analyzed.csv")

    def work(control: WorkControl) -> tuple:
        result = analyze_file(settings, path, options.model_copy(update={"out": out}),
                              control=control)
        return result, build_report(settings, result), out

    st.session_state.pop(RESULT, None)
    start_job(JOB, work, unit="rows", name="aipm-feedback-analyze")


def show_job() -> None:
    """A running job: its live progress; a finished one: its result (or its error) kept in
    the session, and the job dropped."""
    result = job_result(JOB, LABELS)
    if result is not None:
        st.session_state[RESULT] = result


def show(result, report: FeedbackReport, out: Path) -> None:
    summary = result.summary
    st.success(f"{summary.rows} rows: {summary.ok} ok, {summary.failed} failed, "
               f"{summary.skipped} skipped ({summary.engine}, {summary.seconds:.1f} s).")
    if summary.cancelled:
        st.warning(STOPPED.format(rows=summary.rows))
    left, right = st.columns(2)
    left.altair_chart(sentiment_chart(report.counts), width="stretch")
    right.altair_chart(aspect_chart(report.counts), width="stretch")
    if report.counts.by_month:
        left.altair_chart(trend_chart(report.counts), width="stretch")
    if report.counts.stars_leaning:
        right.altair_chart(stars_chart(report.counts), width="stretch")
    if report.counts.by_group:
        st.altair_chart(group_chart(report.counts))
    st.subheader("Executive summary")
    for claim in report.summary:
        flag = "" if claim.supported else " ⚠️ not supported by the cited rows"
        st.markdown(f"- {claim.text} — rows {', '.join(claim.row_ids)}{flag}")
    st.subheader("Opportunity backlog")
    fitted_dataframe([o.model_dump(exclude={"quotes"}) for o in report.backlog], hide_index=True)
    show_themes(report)
    show_table(out)
    st.download_button("Download CSV", out.read_bytes(), file_name=out.name, mime="text/csv")
    st.download_button("Download report (Markdown)", render_markdown(report),
                       file_name="feedback-report.md", mime="text/markdown")
    st.caption("Was this analysis useful? Your rating shows on the Ops page.")
    rating_widget(current_settings(), result.trace_id, key="feedback_rating")


def show_themes(report: FeedbackReport) -> None:
    st.subheader("Themes")
    for theme in report.themes:
        with st.expander(f"{theme.name} — {theme.kind}, {theme.size} rows ({theme.share:.0%}), "
                         f"{theme.sentiment}, {theme.trend}"):
            for quote in theme.quotes:
                st.markdown(f"> {quote.text} — row {quote.row_id}")


def show_table(out: Path) -> None:
    import pandas as pd

    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    wanted = st.multiselect("Filter by sentiment", ["positive", "neutral", "negative", "mixed"])
    fitted_dataframe(frame[frame["sentiment"].isin(wanted)] if wanted else frame, hide_index=True)


def main() -> None:
    st.title("Feedback analyzer")
    settings = current_settings()
    show_engine_badge(settings)
    st.caption(LIMITS)
    try:
        path = source_file(settings)
        text_column, by = pick_columns(path)
        engine = st.radio("Engine", ["auto", "baseline", "llm"], horizontal=True,
                          help="auto = the LLM when a provider is configured, else baseline.")
        options = AnalyzeOptions(text_column=text_column, engine=engine,  # type: ignore[arg-type]
                                 by=by)
        if st.button("Estimate"):
            show_estimate(settings, path, options)
        if st.button("Analyse", type="primary", disabled=job_running(JOB)):
            start(settings, path, options)
    except AIPMError as err:
        st.error(err.message)
        return
    show_job()
    if RESULT in st.session_state:
        show(*st.session_state[RESULT])


main()
