"""Every st.dataframe the pages draw cuts no text: each text column's width (from the element's
column config, as the browser gets it) fits its longest cell, or its header says it is cut.
The grid draws on a canvas, so the Chromium tour's width check cannot see inside it."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

import products
from shared.ui_tables import CUT_HELP, needed_px

FEEDBACK = str(Path(products.__file__).resolve().parent / "feedback_analyzer" / "ui.py")


def uncut(app: AppTest) -> list[str]:
    """Columns whose configured width is narrower than their longest cell, unflagged."""
    bad = []
    for element in app.dataframe:
        config = json.loads(element.proto.columns or "{}")
        frame = element.value
        for name in frame.columns:
            if frame[name].dtype != object:
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
