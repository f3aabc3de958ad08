"""The RAG page's chat: history per session and knowledge base, follow-ups, clickable sources.

Each turn is kept in session state (the question, the core's `Answer`, and a note such as
"answered while indexing"), so reruns redraw the conversation and the next question is sent
with it as history: a follow-up ("does it work offline?") is answered as a standalone
question (core.followup). Under each answer the [S#] labels it cites are numbered chips, and
the [S#] markers in its text are links; clicking either opens that passage, rendered as
markdown, with the quoted sentence highlighted (ui_sources.py). An answer is marked
"I don't know" or "Low confidence" so neither reads like a sure answer, and 👍/👎 is stored
at once, with a comment box that opens only after a thumb.

While an ingest runs (ui_ingest.py) a question is answered from what is indexed so far and
says so; if nothing is indexed yet, it is queued and answered when the ingest ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from products.rag_search.core import (
    Answer,
    ChatTurn,
    Citation,
    SearchResult,
    run_ask,
    run_ask_stream,
)
from products.rag_search.core.filters import SearchFilters
from products.rag_search.ui_ingest import IngestJob, progress_text
from products.rag_search.ui_parts import (
    answer_label,
    render_answer_metrics,
    render_results_table,
    stream_live,
)
from products.rag_search.ui_sources import (
    highlighted,
    linked_markers,
    linked_passages,
    show_passage,
    use_source_style,
)
from shared.config import Settings
from shared.errors import AIPMError
from shared.llm import LLMClient
from shared.ratings import MAX_COMMENT_CHARS, rate_answer

CHAT_PREFIX = "rag_chat::"
PENDING_PREFIX = "rag_pending::"
CHAT_PLACEHOLDER = "Ask a question about your documents"
QUEUED = ("Queued: indexing has just started and nothing is searchable yet. This question "
          "is answered as soon as indexing finishes; indexing goes on meanwhile.")
PARTIAL = ("Indexing is still running ({progress}): this answer uses the {chunks:,} chunks "
           "indexed so far. Ask again when it finishes to search everything.")


@dataclass(frozen=True)
class IndexState:
    """What the knowledge base holds right now: a running ingest, and the chunks so far."""

    job: IngestJob | None = None
    chunks: int = 0


def turns_of(collection: str) -> list[dict[str, Any]]:
    """This session's conversation with one knowledge base (a new list the first time)."""
    return st.session_state.setdefault(CHAT_PREFIX + collection, [])


def history_of(turns: Sequence[dict[str, Any]]) -> list[ChatTurn]:
    """The turns as the core's history: each question and the answer it got."""
    history: list[ChatTurn] = []
    for turn in turns:
        history += [ChatTurn(role="user", content=turn["question"]),
                    ChatTurn(role="assistant", content=turn["answer"].answer)]
    return history


def chat_section(settings: Settings, collection: str, k: int, filters: SearchFilters,
                 llm: LLMClient | None, question: str | None,
                 index: IndexState | None = None) -> None:
    """The conversation so far, then the new question (from the input pinned at the bottom)
    answered in place, or queued while an ingest has nothing searchable yet."""
    index = index or IndexState()
    turns = turns_of(collection)
    use_source_style()
    for number, turn in enumerate(turns):
        show_turn(settings, number, turn)
    pending = st.session_state.get(PENDING_PREFIX + collection)
    if question is None and pending and index.job is None:
        question = st.session_state.pop(PENDING_PREFIX + collection)  # the ingest has ended
    elif pending:
        show_queued(pending)
    if question:
        if index.job is not None and index.chunks == 0:
            st.session_state[PENDING_PREFIX + collection] = question
            show_queued(question)
        else:
            note = (PARTIAL.format(progress=progress_text(index.job), chunks=index.chunks)
                    if index.job is not None else None)
            ask_now(settings, collection, question, k, filters, llm, turns, note)
    new_chat_button(turns)


def show_queued(question: str) -> None:
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        st.info(QUEUED, icon=":material/schedule:")


def ask_now(settings: Settings, collection: str, question: str, k: int, filters: SearchFilters,
            llm: LLMClient | None, turns: list[dict[str, Any]], note: str | None) -> None:
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        if note:
            st.info(note, icon=":material/hourglass_top:")
        answer = answer_question(settings, collection, question, k, filters, llm,
                                 history_of(turns))
        if answer is not None:
            render_answer(settings, answer, len(turns))
            turns.append({"question": question, "answer": answer, "note": note})


def new_chat_button(turns: list[dict[str, Any]]) -> None:
    """Under the last answer; the callback clears the history before the next run draws it."""
    if turns:
        st.button("New conversation", key="rag_new_chat", icon=":material/refresh:",
                  on_click=turns.clear)


def answer_question(settings: Settings, collection: str, question: str, k: int,
                    filters: SearchFilters, llm: LLMClient | None,
                    history: list[ChatTurn]) -> Answer | None:
    """LLM mode streams the text as it is written; baseline answers in one go."""
    options: dict[str, Any] = {"collection": collection, "k": k, "llm": llm,
                               "history": history, "filters": filters}
    try:
        if llm is not None:
            return stream_live(run_ask_stream(settings, question, **options))
        with st.spinner("Finding the answer in your documents…"):
            return run_ask(settings, question, **options)
    except AIPMError as err:
        st.error(err.message)
        return None


def show_turn(settings: Settings, index: int, turn: dict[str, Any]) -> None:
    with st.chat_message("user"):
        st.text(turn["question"])
    with st.chat_message("assistant"):
        if turn.get("note"):
            st.info(turn["note"], icon=":material/hourglass_top:")
        render_answer(settings, turn["answer"], index)


def render_answer(settings: Settings, answer: Answer, index: int) -> None:
    """The answer under its label ("I don't know", "Low confidence"), its numbered source
    chips, notes, the 👍/👎 the Ops page counts, then numbers and chunks."""
    chunks = {result.chunk_id: result for result in answer.retrieved}
    if answer.note:
        st.info(answer.note, icon=":material/swap_horiz:")
    if answer.standalone_question:
        st.caption(f"Searched for: {answer.standalone_question}")
    st.markdown(answer_label(answer))
    if answer.abstained:
        reason = f"\n\n*Why:* {answer.abstain_reason}" if answer.abstain_reason else ""
        st.info(answer.answer + reason, icon=":material/help:")
        source_chips("Closest sources", answer.closest_sources, chunks, f"rag_closest_{index}")
    else:
        text = linked_markers(answer.answer, index,
                              [citation.label for citation in answer.citations])
        if getattr(answer, "low_confidence", False):
            st.warning(text, icon=":material/warning:")
        else:
            st.markdown(text)
        source_chips("Sources", answer.citations, chunks, f"rag_cite_{index}")
        linked_passages(answer.citations, chunks, index)
    for warning in answer.warnings:
        st.warning(warning)
    rate(settings, answer.trace_id, f"rag_rate_{index}")
    with st.expander("Details"):
        render_answer_metrics(answer)
        st.caption(f"Retrieved chunks ({len(answer.retrieved)})")
        render_results_table(answer.retrieved)


def rate(settings: Settings, trace_id: str | None, key: str) -> None:
    """👍/👎 stored the moment it is clicked; only then a comment box opens (sending it
    replaces the rating with one that carries the comment)."""
    if not trace_id:
        return
    if error := st.session_state.pop(f"{key}-thumbs-error", None):
        st.error(error)
    thumbs = st.feedback("thumbs", key=f"{key}-thumbs", on_change=_store_thumb,
                         args=(settings, trace_id, f"{key}-thumbs"))
    if thumbs is None:
        return
    with st.form(f"{key}-form", border=False):
        comment = st.text_input("What was right or wrong? (optional)", key=f"{key}-comment",
                                max_chars=MAX_COMMENT_CHARS)
        sent = st.form_submit_button("Send comment")
    if sent and comment.strip():
        try:
            rate_answer(settings.data_dir, trace_id, "up" if thumbs == 1 else "down", comment)
        except AIPMError as err:
            st.error(err.message)
            return
        st.success("Thanks: your comment is on the Ops page.")


def _store_thumb(settings: Settings, trace_id: str, key: str) -> None:
    thumbs = st.session_state.get(key)
    if thumbs is None:
        return
    try:
        rate_answer(settings.data_dir, trace_id, "up" if thumbs == 1 else "down")
    except AIPMError as err:
        st.session_state[f"{key}-error"] = err.message


def source_chips(title: str, citations: Sequence[Citation], chunks: dict[str, SearchResult],
                 key: str) -> None:
    """One numbered chip per [S#] label; the one clicked opens its passage below."""
    if not citations:
        return
    by_label = {citation.label: citation for citation in citations}
    chosen = st.pills(title, list(by_label), key=key,
                      format_func=lambda label: chip_label(by_label[label]))
    if chosen is not None:
        show_passage(by_label[chosen], chunks.get(by_label[chosen].chunk_id))


def chip_label(citation: Citation) -> str:
    """ "[S1] refunds.md", flagged when the quote was not found in the passage."""
    flag = " ⚠" if not citation.verified else ""
    return f"[{citation.label}] {citation.source}{flag}"


__all__ = ["CHAT_PLACEHOLDER", "IndexState", "chat_section", "chip_label", "highlighted",
           "history_of", "render_answer", "turns_of"]
