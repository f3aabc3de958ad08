"""What every hub page shares: the settings read once per run, and the engine badge text.

`hub.py` reads settings once per script run and leaves them in session state; a page (a
product's `ui.py` too) calls `current_settings()` instead of reading the environment again.
Run alone (`streamlit run products/rag_search/ui.py`) a page still works: it loads them itself.
"""

from __future__ import annotations

import streamlit as st

from shared.config import Settings, load_settings

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


__all__ = [
    "BASELINE_BADGE",
    "SETTINGS_KEY",
    "current_settings",
    "engine_badge_text",
    "remember_settings",
    "show_engine_badge",
]
