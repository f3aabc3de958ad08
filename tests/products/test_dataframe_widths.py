"""Every st.dataframe the pages draw cuts no text: each text column's width (from the element's
column config, as the browser gets it) fits its longest cell, or its header says it is cut.
The grid draws on a canvas, so the Chromium tour's width check cannot see inside it.

Every page with a table is here: feedback (preview, backlog, rows), RAG (skipped files, search
results, an answer's passages), résumé (ranked postings) and Ops (by model, errors,
operations, ratings); each test fails if a table of its page is drawn with plain
st.dataframe (no widths) instead of `shared.ui_tables.fitted_dataframe`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import products
from shared.ui_tables import CUT_HELP, needed_px

PRODUCTS_DIR = Path(products.__file__).resolve().parent
FEEDBACK = str(PRODUCTS_DIR / "feedback_analyzer" / "ui.py")
RAG = str(PRODUCTS_DIR / "rag_search" / "ui.py")
RESUME = str(PRODUCTS_DIR / "resume_assistant" / "ui.py")
HUB = str(PRODUCTS_DIR.parent / "frontdoors" / "hub.py")
LONG = "a long explanation that would not fit a column sized by its header " * 2


def no_exception(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def is_text(column: pd.Series) -> bool:
    """Drawn as text by the grid: objects, or pandas' string dtype (what a str column of a
    model dump becomes), which a check of `object` alone would skip."""
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def uncut(app: AppTest) -> list[str]:
    """Columns whose configured width is narrower than their longest cell, unflagged."""
    bad = []
    for element in app.dataframe:
        config = json.loads(element.proto.columns or "{}")
        frame = element.value
        for name in frame.columns:
            if not is_text(frame[name]):
                continue
            want = max([needed_px(str(name)), *(needed_px(str(v)) for v in frame[name])])
            column = config.get(str(name), {})
            width = column.get("width")
            if column.get("help") == CUT_HELP:
                continue
            if not isinstance(width, int) or width < want:
                bad.append(f"{name}: {width} < {want}")
    return bad


def test_the_feedback_pages_tables_fit_their_longest_cells() -> None:
    app = AppTest.from_file(FEEDBACK, default_timeout=60).run()
    assert app.dataframe and uncut(app) == []
    next(b for b in app.button if b.label == "Analyse").click().run()
    app.session_state["feedback_job"].wait(60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.dataframe) >= 2 and uncut(app) == []


def test_the_rag_pages_tables_fit_their_longest_cells(tmp_path: Path) -> None:
    from tests.products.rag_search.test_ui import ANSWERABLE, DOCS, ask, index_folder

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    (folder / f"{'a-file-name-longer-than-its-header-' * 2}.xyz").write_text("unread")
    app = index_folder(AppTest.from_file(RAG, default_timeout=60).run(), folder)
    assert len(app.dataframe) == 1 and uncut(app) == []  # the skipped files
    ask(app, ANSWERABLE)
    details = next(e for e in app.expander if e.label == "Details")
    assert details.dataframe and uncut(app) == []  # the answer's passages
    app.text_input(key="rag_query").set_value("express parcels")
    app.button(key="rag_search").click().run()
    no_exception(app)
    assert len(app.dataframe) >= 2 and uncut(app) == []  # the search results


def test_the_resume_pages_ranking_fits_its_longest_cells(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")
    app = no_exception(AppTest.from_file(RESUME, default_timeout=60).run())
    app.button(key="resume_rank").click().run()
    app.session_state["resume_rank_job"].wait(60)
    no_exception(app.run())
    assert len(app.dataframe) == 1 and uncut(app) == []


def test_the_ops_pages_tables_fit_their_longest_cells(tmp_path: Path) -> None:
    from shared.ratings import rate_answer
    from shared.tracing import TraceRow, TraceStore
    from tests.products.test_hub import record_calls

    data_dir = tmp_path / "aipm-data"
    record_calls(data_dir)
    store = TraceStore(data_dir / "traces.sqlite")
    store.record(TraceRow(product="resume_assistant", operation="rank", provider="local",
                          model="baseline (rules + wordllama)", items=5, trace_id="t-rank"))
    store.record(TraceRow(product="rag_search", provider="openai", model="gpt-4.1-mini",
                          status="error", error=LONG))
    store.close()
    rate_answer(data_dir, "t-rank", "up", comment="useful")
    app = AppTest.from_file(HUB, default_timeout=30).run()
    no_exception(app.switch_page("hub_pages/ops.py").run())
    assert len(app.dataframe) == 4 and uncut(app) == []
