"""The RAG page inside the kit's hub (a front door), so this test stays in the kit when the
product is forked (`aipm fork` keeps only tests that import nothing above the product)."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

import frontdoors
from tests.products.rag_search.test_ui import (
    BASELINE_BADGE,
    PAGE,
    assert_no_exception,
    markdown_of,
)

HUB = str(Path(frontdoors.__file__).resolve().parent / "hub.py")


def test_page_opens_from_the_hub() -> None:
    app = AppTest.from_file(HUB, default_timeout=30).run()
    app.switch_page(os.path.relpath(PAGE, Path(HUB).parent)).run()
    assert_no_exception(app)
    assert [t.value for t in app.title] == ["RAG knowledge search"]
    assert BASELINE_BADGE in markdown_of(app)
