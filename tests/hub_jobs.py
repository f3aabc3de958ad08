"""Driving a hub page's background job in AppTest: the job is held at a known point by the
test (no timing), then stopped from the page and let finish."""

from __future__ import annotations

import threading

from streamlit.testing.v1 import AppTest

from shared.progress import BackgroundJob


def progress_text(app: AppTest) -> str:
    """The one progress bar's text ("1/5 postings · about 3 s left")."""
    (bar,) = app.get("progress")
    return bar.proto.text


def stop_held_job(app: AppTest, stop_label: str, job_key: str, release: threading.Event,
                  timeout_s: float = 60) -> BackgroundJob:
    """Click the page's stop button, check the job saw it, release the held work, wait for
    the job to end and rerun the page as its poll would; the job, for its result."""
    next(b for b in app.button if b.label == stop_label).click().run()
    job = app.session_state[job_key]
    assert job.control.cancelled
    release.set()
    job.wait(timeout_s)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return job
