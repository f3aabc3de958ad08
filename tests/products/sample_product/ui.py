"""The sample product's page: it reads the hub's settings and shows the engine badge."""

from __future__ import annotations

import streamlit as st

from shared.ui_support import current_settings, show_engine_badge

st.title("Sample product page")
show_engine_badge(current_settings())
