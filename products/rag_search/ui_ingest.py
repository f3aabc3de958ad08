"""The RAG page's ingest, run in a background thread so nothing on the page can stop it.

Streamlit stops a script run when the next interaction starts a new one, and an ingest that
runs inside the script run stops with it (asking a question mid-ingest once left 219 of 280
chunks). So a click on "Index folder" starts an `IngestJob` in a thread of its own and
returns at once; the job's counters (`core.ingest.IngestControl`: files, chunks, time left)
are shown by a fragment that redraws itself every second, and when the job ends the page
reruns to show the report and the new chunk count. "Stop indexing" asks the job to stop
between two files: what was indexed is kept (and searchable), and indexing again finishes
the rest. Jobs live in a module-level table keyed by data dir and knowledge base, so a
second session (another tab) sees the running job instead of starting a second one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from products.rag_search.core import IngestReport
from products.rag_search.core.ingest import IngestControl
from shared.config import Settings
from shared.errors import AIPMError, failure_reason

POLL_SECONDS = 1.0
log = logging.getLogger(__name__)

IngestWork = Callable[[IngestControl], IngestReport]


@dataclass
class IngestJob:
    """One ingest running (or finished) in its own thread."""

    collection: str
    control: IngestControl = field(default_factory=IngestControl)
    report: IngestReport | None = None
    error: str | None = None
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the job ends (tests, and nothing else: the page never waits)."""
        if self.thread is not None:
            self.thread.join(timeout)


_JOBS: dict[tuple[str, str], IngestJob] = {}
_JOBS_LOCK = threading.Lock()


def _job_key(settings: Settings, collection: str) -> tuple[str, str]:
    return (str(Path(settings.data_dir).resolve()), collection)


def current_job(settings: Settings, collection: str) -> IngestJob | None:
    """The running or last job for this knowledge base, if any."""
    with _JOBS_LOCK:
        return _JOBS.get(_job_key(settings, collection))


def running_job(settings: Settings, collection: str) -> IngestJob | None:
    job = current_job(settings, collection)
    return job if job is not None and job.running else None


def start_ingest(settings: Settings, collection: str, work: IngestWork) -> IngestJob:
    """Start `work` in a thread unless a job for this knowledge base is running (then that
    one is returned): two ingests into one collection would race on its BM25 index."""
    with _JOBS_LOCK:
        key = _job_key(settings, collection)
        existing = _JOBS.get(key)
        if existing is not None and existing.running:
            return existing
        job = IngestJob(collection=collection)
        job.thread = threading.Thread(target=_run, args=(job, work), daemon=True,
                                      name=f"aipm-rag-ingest-{collection}")
        _JOBS[key] = job
        job.thread.start()
    return job


def _run(job: IngestJob, work: IngestWork) -> None:
    """The thread's body: the report, or the error as the one line the page shows."""
    try:
        job.report = work(job.control)
    except AIPMError as err:
        job.error = err.message
    except Exception as err:  # a bug must still end the job visibly, not hang the page
        log.exception("ingest into %s failed", job.collection)
        job.error = (f"Ingest failed: {failure_reason(err)}. "
                     "Files indexed before it stay indexed.")


def progress_text(job: IngestJob) -> str:
    """ "12/40 files · 85 chunks · about 3 s left · billing/refunds.md" """
    control = job.control
    parts = [f"{control.done}/{control.total or '?'} files",
             f"{control.chunks_added:,} chunks"]
    eta = control.eta_seconds()
    if eta is not None:
        parts.append(f"about {eta:,.0f} s left")
    if control.current:
        parts.append(control.current)
    return " · ".join(parts)


def show_ingest_status(settings: Settings, collection: str) -> None:
    """While a job runs: its progress and a stop button, redrawn every second (and, when it
    ends, one full rerun so the chunk count, the report and any queued question catch up);
    after it, one line saying how it went."""
    job = current_job(settings, collection)
    if job is None:
        return
    if job.running:
        _live_status(settings, collection)
    elif job.report is not None and not job.error:
        st.caption(finished_text(job.report))


def finished_text(report: IngestReport) -> str:
    """One line over the tabs once an ingest has ended, seen from the Chat tab too (the full
    report is under Add documents)."""
    verb = "Indexing stopped" if report.cancelled else "Indexing finished"
    return (f":material/task_alt: {verb}: {report.files_indexed:,} files indexed, "
            f"{report.files_unchanged:,} unchanged, {len(report.files_skipped):,} skipped, "
            f"{report.chunks_added:,} chunks added in {report.seconds:,.1f} s.")


@st.fragment(run_every=POLL_SECONDS)
def _live_status(settings: Settings, collection: str) -> None:
    job = current_job(settings, collection)
    if job is None:
        return
    if not job.running:
        st.rerun()  # the whole page: counts, report, the queued question
    stopping = job.control.cancelled
    label = "Stopping after the current file…" if stopping else "Indexing…"
    st.progress(job.control.share(), text=f"{label} {progress_text(job)}")
    st.caption("You can keep asking: answers use what is indexed so far, and nothing you "
               "do on this page stops the indexing.")
    st.button("Stop indexing", key="rag_stop_ingest", icon=":material/stop_circle:",
              disabled=stopping, on_click=job.control.cancel,
              help="Stops between two files; what is indexed is kept. Index again to finish.")


__all__ = ["IngestJob", "current_job", "finished_text", "progress_text", "running_job",
           "show_ingest_status", "start_ingest"]
