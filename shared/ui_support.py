"""What every hub page shares: the settings read once per run, the engine badge, and the
answer-rating widget.

`hub.py` reads settings once per script run and leaves them in session state; a page (a
product's `ui.py` too) calls `current_settings()` instead of reading the environment again.
Run alone (`streamlit run products/rag_search/ui.py`) a page still works: it loads them itself.
"""

from __future__ import annotations

import streamlit as st

from shared.config import Settings, load_settings
from shared.errors import AIPMError
from shared.ratings import MAX_COMMENT_CHARS, Rating, rate_answer

SETTINGS_KEY = "aipm_settings"
BASELINE_BADGE = "Baseline mode — no LLM key found"


def remember_settings(settings: Settings) -> None:
    """Called by `hub.py` once per run, before the page runs."""
    st.session_state[SETTINGS_KEY] = settings


def current_settings() -> Settings:
    """This run's settings: the hub's copy, or freshly loaded when a page runs on its own."""
    settings = st.session_state.get(SETTINGS_KEY)
    if not isinstance(settings, Settings):
        settings = load_settings()
        remember_settings(settings)
    return settings


def engine_badge_text(settings: Settings) -> str:
    """"Baseline mode — no LLM key found" or "LLM: openai:gpt-4.1-mini"."""
    if settings.engine == "baseline":
        return BASELINE_BADGE
    return f"LLM: {settings.model_id}"


def show_engine_badge(settings: Settings) -> None:
    """The badge every page shows at the top, so no one mistakes baseline output for an LLM's."""
    color = "orange" if settings.engine == "baseline" else "green"
    st.badge(engine_badge_text(settings), color=color)


def rating_widget(settings: Settings, trace_id: str | None, *,
                  key: str | None = None) -> Rating | None:
    """👍/👎 and an optional comment under one answer, stored with its `trace_id`.

    A product gets the id from the row it traced the answer with (`with trace_operation(...)
    as row:` ... `row.trace_id`, or `TraceStore.record(row)`'s return value) and passes it
    here; the rating takes the product and operation from that trace row, and keeps no text
    but the comment the person typed. Returns the stored rating on the run it was sent.
    """
    if not trace_id:
        return None
    form_key = key or f"aipm-rating-{trace_id}"
    with st.form(form_key, border=False):
        thumbs = st.feedback("thumbs", key=f"{form_key}-thumbs")
        comment = st.text_input("Comment (optional)", key=f"{form_key}-comment",
                                max_chars=MAX_COMMENT_CHARS)
        sent = st.form_submit_button("Send rating")
    if not sent:
        return None
    if thumbs is None:
        st.warning("Pick 👍 or 👎, then send.")
        return None
    try:
        rating = rate_answer(settings.data_dir, trace_id, "up" if thumbs == 1 else "down",
                             comment)
    except AIPMError as err:
        st.error(err.message)
        return None
    st.success("Thanks: your rating is counted on the Ops page.")
    return rating


__all__ = [
    "BASELINE_BADGE",
    "SETTINGS_KEY",
    "current_settings",
    "engine_badge_text",
    "rating_widget",
    "remember_settings",
    "show_engine_badge",
]
