"""Hub home page: which engine is running, the three products, and what to do next."""

from __future__ import annotations

import streamlit as st

from products import PRODUCTS, ProductSpec
from shared.config import Settings
from shared.ui_support import current_settings, show_engine_badge

BASELINE_HINT = (
    "No LLM is configured, so every product runs its **baseline engine** (BM25 search, "
    "VADER sentiment, keyword heuristics) and says so on each result. Add `OPENAI_API_KEY` or "
    "`ANTHROPIC_API_KEY` to `.env`, or start Ollama and set `AIPM_PROVIDER=ollama`, then "
    "reload this page to switch to LLM mode."
)
DOCTOR_STEP = "Run `aipm doctor` in a terminal: it checks your keys with a real one-token call."
PRODUCT_STEP = "Open a product from the sidebar and try it on the bundled sample data."
# Streamlit cuts a page link's label with an ellipsis when its column is narrow (three tiles
# side by side on a 1000 px window); a tile's own label must wrap instead.
TILE_CSS = """<style>
[data-testid="stPageLink"] a span, [data-testid="stPageLink"] a p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere;
}
[data-testid="stPageLink"] a { height: auto; }
</style>"""
OPS_STEP = ("Open **Ops** to see every operation, keyless ones too, each LLM call's tokens, cost "
            "and latency, and the 👍 rate of rated answers.")


def next_steps(any_product_built: bool) -> str:
    """The numbered to-do list; it only points at products once one exists."""
    steps = [DOCTOR_STEP, *([PRODUCT_STEP] if any_product_built else []), OPS_STEP]
    lines = [f"{number}. {step}" for number, step in enumerate(steps, start=1)]
    return "**What to do next**\n" + "\n".join(lines)


def render_product_card(spec: ProductSpec) -> None:
    """One bordered card: title, one-line pitch, and an honest status."""
    with st.container(border=True):
        st.subheader(spec.title)
        st.write(spec.pitch)
        if spec.available:
            st.page_link(spec.page, label=f"Open {spec.title}", icon=":material/arrow_forward:")
            st.caption(f"CLI: `aipm {spec.cli_name}` · API: `{spec.api_path}/`")
        else:
            st.caption("Not built yet")


def render_home(settings: Settings) -> None:
    """The landing page of `aipm hub`."""
    st.markdown(TILE_CSS, unsafe_allow_html=True)
    st.title("AI PM Starter Kit")
    show_engine_badge(settings)
    if settings.engine == "baseline":
        st.info(BASELINE_HINT)
    else:
        st.caption(f"Products call **{settings.model_id}**; every call is traced on the Ops page.")
    for column, spec in zip(st.columns(len(PRODUCTS)), PRODUCTS, strict=True):
        with column:
            render_product_card(spec)
    st.markdown(next_steps(any(spec.available for spec in PRODUCTS)))


render_home(current_settings())
