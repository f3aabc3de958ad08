"""How the RAG page draws what `core` returns: ingest reports, answers, citations, results.

Kept apart from `ui.py` so the page file reads as the flow (pick, add, ask, search) and this
one as the views. Nothing here retrieves or answers; it only renders core's models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from products.rag_search.core import (
    Answer,
    AnswerDelta,
    AnswerDone,
    IngestReport,
    SearchResponse,
    SearchResult,
)
from shared.config import Settings
from shared.ui_tables import fitted_dataframe

ENGINE_LABELS = {"extractive": "Extractive", "llm": "LLM"}
NO_MODEL = "no LLM"
RESULT_COLUMNS = ["rank", "score", "source", "heading", "page", "text"]
TYPING_CURSOR = " ▌"


def engine_caption(settings: Settings) -> str:
    """One line under the badge saying where answers come from, so no one mistakes the engine."""
    if settings.engine == "baseline":
        return ("Baseline mode: extractive answers, no LLM. Each answer is sentences copied from "
                "your documents, with their sources.")
    return (f"LLM mode: answers are written by **{settings.model_id}** from the retrieved "
            "passages only, and every quote is checked against its source.")


def render_ingest_report(report: IngestReport) -> None:
    """The counts a person checks after an ingest, then each skipped file with its reason."""
    if report.cancelled:
        done = report.files_indexed + report.files_unchanged + len(report.files_skipped)
        st.warning(f"Indexing was stopped after {done} of {report.files_seen} files. What was "
                   "indexed is kept and searchable; index again to finish (files already "
                   "indexed are skipped as unchanged).")
    else:
        st.success(f"Ingested into **{report.collection}**: {report.files_seen} files seen.")
    counts = {
        "Indexed": report.files_indexed,
        "Unchanged": report.files_unchanged,
        "Skipped": len(report.files_skipped),
        "Chunks added": report.chunks_added,
        "Chunks removed": report.chunks_removed,
    }
    columns = st.columns(len(counts) + 1)
    for column, (label, value) in zip(columns, counts.items(), strict=False):
        column.metric(label, f"{value:,}")
    columns[-1].metric("Seconds", f"{report.seconds:.1f}")
    if report.files_skipped:
        st.markdown("**Skipped files**")
        skipped = [{"file": item.path, "reason": item.error} for item in report.files_skipped]
        fitted_dataframe(pd.DataFrame(skipped), hide_index=True)


def stream_live(events: Iterable[AnswerDelta | AnswerDone]) -> Answer:
    """Show the LLM's text as it arrives, then clear it for the checked final answer."""
    live = st.empty()
    shown = ""
    for event in events:
        if isinstance(event, AnswerDelta):
            shown += event.text
            live.markdown(shown + TYPING_CURSOR)
        else:
            live.empty()
            return event.answer
    raise RuntimeError("The answer stream ended without a final answer.")  # core never does this


def confidence_of(answer: Answer) -> float | None:
    """The answer's calibrated confidence, when the core gives one (read defensively: older
    answers have no such field)."""
    value = getattr(answer, "confidence", None)
    return float(value) if isinstance(value, int | float) else None


def answer_label(answer: Answer) -> str:
    """The badge over an answer, so "I don't know" and "Low confidence" never read like a
    sure answer: grey, orange, or green with the confidence when there is one."""
    confidence = confidence_of(answer)
    shown = f" · confidence {confidence:.2f}" if confidence is not None else ""
    if answer.abstained:
        return ":gray-badge[:material/help: I don't know]"
    if getattr(answer, "low_confidence", False):
        return (f":orange-badge[:material/warning: Low confidence{shown}] "
                ":small[The passages only partly match the question: check the sources.]")
    return f":green-badge[:material/check: From your documents{shown}]"


def render_answer_metrics(answer: Answer) -> None:
    """Engine and model get the wide columns: "openai:gpt-4.1-mini" must not be cut off."""
    engine, model, latency, cost, relevance = st.columns([1.2, 2.4, 1, 1, 1])
    engine.metric("Engine", ENGINE_LABELS[answer.engine])
    model.metric("Model", answer.model or NO_MODEL)
    latency.metric("Latency", f"{answer.latency_ms:,.0f} ms")
    cost.metric("Cost (USD)", f"${answer.cost_usd:.4f}")
    relevance.metric("Relevance", f"{answer.relevance:.2f}",
                     help="How much of the question the best passage covers (0 to 1).")


def render_results_table(results: Sequence[SearchResult]) -> None:
    if not results:
        st.caption("Nothing was retrieved.")
        return
    rows = [result.model_dump(include=set(RESULT_COLUMNS)) for result in results]
    fitted_dataframe(pd.DataFrame(rows, columns=RESULT_COLUMNS), hide_index=True)


def render_search_response(response: SearchResponse) -> None:
    if not response.results:
        st.info(f"No results for '{response.query}'.")
        return
    st.caption(f"{len(response.results)} results · {response.mode} search · scores rank "
               "within this query only")
    render_results_table(response.results)


__all__ = [
    "answer_label",
    "confidence_of",
    "engine_caption",
    "render_answer_metrics",
    "render_ingest_report",
    "render_results_table",
    "render_search_response",
    "stream_live",
]
