"""The feedback page through AppTest: preview, run on the sample, charts, themes, downloads."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

import products
from shared.config import load_settings
from shared.ratings import rating_summary

PAGE = str(Path(products.__file__).resolve().parent / "feedback_analyzer" / "ui.py")


re_digit = re.compile(r"\d")


def finish_job(app: AppTest) -> AppTest:
    """The analysis runs in a thread: wait for it, then rerun as the page's poll would."""
    state = app.session_state  # AppTest's proxy has no .get
    job = state["feedback_job"] if "feedback_job" in state else None  # noqa: SIM401
    if job is not None:
        job.wait(60)
    return app.run()


def test_the_page_runs_the_sample_and_shows_summary_backlog_and_themes() -> None:
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox[0].value == "review"
    assert "sarcasm" in app.caption[0].value
    app.button[0].click().run()  # Estimate
    assert not app.exception, [e.value for e in app.exception]
    assert app.metric[0].value == "520" and "baseline is free" in app.caption[-1].value
    finish_job(app.button[1].click().run())  # Analyse
    assert not app.exception, [e.value for e in app.exception]
    assert "520 rows" in app.success[0].value
    assert not app.warning, "a run that was not stopped says nothing about stopping"
    headers = [h.value for h in app.subheader]
    assert {"Executive summary", "Opportunity backlog", "Themes"} <= set(headers)
    assert len(app.expander) >= 2
    assert app.selectbox[1].value == "product"  # the --by column, detected
    by_product = [d for d in app.dataframe if "by_group" in str(d.value.columns.tolist())]
    assert by_product, "the backlog shows reach per product"
    assert not any(re_digit.search(e.label.split(" — ")[0]) for e in app.expander)
    app.feedback[0].set_value(1)  # the analysis is rated, tied to its keyless trace row
    next(b for b in app.button if b.label == "Send rating").click().run()
    (summary,) = rating_summary(load_settings().data_dir)
    assert (summary.product, summary.operation, summary.up) == ("feedback_analyzer", "analyze", 1)



def test_llm_engine_without_a_key_is_an_error_on_the_page_not_a_traceback() -> None:
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    app.radio[0].set_value("llm").run()
    finish_job(app.button[1].click().run())
    assert not app.exception, [e.value for e in app.exception]
    assert app.error and "key" in app.error[0].value.lower()
