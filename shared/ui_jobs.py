"""A long hub action as a background job: live progress (count of total, time left) and a
stop button that keeps the work done, the same way on every page (issue 21, item 3).

A page starts the job with `start_job` and calls `job_result` on every run: while the job
runs it draws the progress fragment (which polls the counters and offers the stop button);
when the job has ended it shows its error, or hands its result back once for the page to
keep. The work itself is plain core code fed a `shared.progress.WorkControl`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from shared.progress import BackgroundJob, WorkControl

POLL_SECONDS = 1.0


@dataclass(frozen=True)
class JobLabels:
    """What the progress line and the stop button say for one kind of job."""

    working: str
    stopping: str
    stop: str
    stop_help: str
    stop_key: str


def start_job(key: str, work: Callable[[WorkControl], Any], unit: str, name: str) -> None:
    """Start `work` in a thread of its own under session key `key` and return at once."""
    st.session_state[key] = BackgroundJob(work, WorkControl(unit=unit), name=name).start()


def job_running(key: str) -> bool:
    job: BackgroundJob | None = st.session_state.get(key)
    return job is not None and job.running


def job_result(key: str, labels: JobLabels) -> Any | None:
    """The result of the job under `key` once it has ended (the job is dropped from the
    session, so it is handed back once). While it runs its progress is drawn instead; an
    ended job's error is shown here with `st.error`; both give None, as does no job."""
    job: BackgroundJob | None = st.session_state.get(key)
    if job is None:
        return None
    if job.running:
        _live_progress(key, labels)
        return None
    st.session_state.pop(key)
    if job.error:
        st.error(job.error)
        return None
    return job.result


@st.fragment(run_every=POLL_SECONDS)
def _live_progress(key: str, labels: JobLabels) -> None:
    job: BackgroundJob | None = st.session_state.get(key)
    if job is None or not job.running:
        st.rerun()  # the whole page, to show the result
        return
    control = job.control
    stopping = control.cancelled
    label = labels.stopping if stopping else labels.working
    st.progress(control.share(), text=f"{label} {control.describe()}")
    st.button(labels.stop, key=labels.stop_key, icon=":material/stop_circle:",
              disabled=stopping, on_click=control.cancel, help=labels.stop_help)


__all__ = ["POLL_SECONDS", "JobLabels", "job_result", "job_running", "start_job"]
