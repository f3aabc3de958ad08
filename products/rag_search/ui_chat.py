"""The RAG page's chat: history per session and knowledge base, follow-ups, clickable sources.

Each turn is kept in session state (the question and the core's `Answer`), so reruns redraw
the conversation and the next question is sent with it as history: a follow-up ("does it
work offline?") is answered as a standalone question (core.followup). Under each answer the
[S#] labels it cites are pills, and the [S#] markers in its text are links; clicking either
opens that passage, rendered as markdown, with the quoted sentence highlighted (ui_sources.py).
"""

from __future__ import annotations

from collections.abc import Sequence
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
from products.rag_search.ui_parts import render_answer_metrics, render_results_table, stream_live
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
from shared.ui_support import rating_widget

CHAT_PREFIX = "rag_chat::"
CHAT_PLACEHOLDER = "Ask a question about your documents"


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
                 llm: LLMClient | None) -> None:
    """The conversation so far, then the input; a new question is answered in place."""
    turns = turns_of(collection)
    use_source_style()
    for index, turn in enumerate(turns):
        show_turn(settings, index, turn["question"], turn["answer"])
    question = st.chat_input(CHAT_PLACEHOLDER, key="rag_question")
    if not question:
        new_chat_button(turns)
        return
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        answer = answer_question(settings, collection, question, k, filters, llm,
                                 history_of(turns))
        if answer is not None:
            render_answer(settings, answer, len(turns))
            turns.append({"question": question, "answer": answer})
    new_chat_button(turns)


def new_chat_button(turns: list[dict[str, Any]]) -> None:
    """Under the last answer; the callback clears the history before the next run draws it."""
    if turns:
        st.button("New chat", key="rag_new_chat", icon=":material/refresh:", on_click=turns.clear)


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


def show_turn(settings: Settings, index: int, question: str, answer: Answer) -> None:
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        render_answer(settings, answer, index)


def render_answer(settings: Settings, answer: Answer, index: int) -> None:
    """The answer (or a plain "I don't know"), its source pills, notes, numbers and chunks,
    and the 👍/👎 the Ops page counts (the rating is tied to the answer's trace row)."""
    chunks = {result.chunk_id: result for result in answer.retrieved}
    if answer.note:
        st.info(answer.note, icon=":material/swap_horiz:")
    if answer.standalone_question:
        st.caption(f"Searched for: {answer.standalone_question}")
    if answer.abstained:
        reason = f"\n\n*Why:* {answer.abstain_reason}" if answer.abstain_reason else ""
        st.info(answer.answer + reason, icon=":material/help:")
        source_pills("Closest sources", answer.closest_sources, chunks, f"rag_closest_{index}")
    else:
        st.markdown(linked_markers(answer.answer, index,
                                   [citation.label for citation in answer.citations]))
        source_pills("Sources", answer.citations, chunks, f"rag_cite_{index}")
        linked_passages(answer.citations, chunks, index)
    for warning in answer.warnings:
        st.warning(warning)
    rating_widget(settings, answer.trace_id, key=f"rag_rate_{index}")
    with st.expander("Details"):
        render_answer_metrics(answer)
        st.caption(f"Retrieved chunks ({len(answer.retrieved)})")
        render_results_table(answer.retrieved)


def source_pills(title: str, citations: Sequence[Citation], chunks: dict[str, SearchResult],
                 key: str) -> None:
    """One pill per [S#] label; the one clicked opens its passage below."""
    if not citations:
        return
    by_label = {citation.label: citation for citation in citations}
    chosen = st.pills(title, list(by_label), key=key,
                      format_func=lambda label: pill_label(by_label[label]))
    if chosen is not None:
        show_passage(by_label[chosen], chunks.get(by_label[chosen].chunk_id))


def pill_label(citation: Citation) -> str:
    """ "[S1] refunds.md", flagged when the quote was not found in the passage."""
    flag = " ⚠" if not citation.verified else ""
    return f"[{citation.label}] {citation.source}{flag}"


__all__ = ["chat_section", "highlighted", "history_of", "render_answer", "turns_of"]
