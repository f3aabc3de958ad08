"""The Streamlit hub: Home, Ops, PM, and one page per available product.

Run it with `aipm hub` (or `streamlit run frontdoors/hub.py`). Settings are read once per run
here; a kit error anywhere on a page is shown with `st.error(message)`, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from products import available_products
from shared.config import load_settings
from shared.errors import AIPMError
from shared.files import check_data_dir
from shared.ui_support import remember_settings

FRONT_DOORS_DIR = Path(__file__).resolve().parent
PAGES_DIR = FRONT_DOORS_DIR / "hub_pages"
FAVICON = FRONT_DOORS_DIR / "assets" / "favicon.png"  # shipped: an icon name was fetched online


def build_pages() -> dict[str, list[st.Page]]:
    """Sidebar sections: the kit's own pages, then every product whose package exists."""
    kit = [
        st.Page(PAGES_DIR / "home.py", title="Home", icon=":material/home:", default=True),
        st.Page(PAGES_DIR / "ops.py", title="Ops", icon=":material/monitoring:", url_path="ops"),
        st.Page(PAGES_DIR / "pm.py", title="PM", icon=":material/assignment:", url_path="pm"),
    ]
    products = [
        st.Page(spec.page, title=spec.title, url_path=spec.name) for spec in available_products()
    ]
    return {"Kit": kit, "Products": products} if products else {"Kit": kit}


def main() -> None:
    """One script run: settings, navigation, then the selected page."""
    st.set_page_config(page_title="AI PM Starter Kit", page_icon=str(FAVICON),
                       layout="wide")
    try:
        settings = load_settings()
        check_data_dir(settings.data_dir)  # read-only or full: one line here, not a traceback
        remember_settings(settings)
    except AIPMError as err:
        st.error(err.message)
        st.stop()
    page = st.navigation(build_pages())
    try:
        page.run()
    except AIPMError as err:
        st.error(err.message)


main()
