"""Analysis jobs for the API: submit a file, poll its progress, fetch its results and report.

A job runs in a background thread; its state lives in memory and its files (the upload, the
output CSV, the Markdown report) under `<data dir>/feedback_jobs/<id>/`. The file is opened
before the job is accepted, so a bad CSV is refused at submit time with its reason and line.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from products.feedback_analyzer.core.models import RunSummary, TableInfo
from products.feedback_analyzer.core.reader import open_table
from products.feedback_analyzer.core.report import render_markdown
from products.feedback_analyzer.core.service import AnalyzeOptions, analyze_file, build_report
from shared.config import Settings
from shared.errors import AIPMError, NotFound, failure_reason
from shared.files import atomic_write, store_upload
from shared.tables import TableLimits

JOBS_FOLDER = "feedback_jobs"
JobStatus = Literal["running", "done", "failed"]


class JobState(BaseModel):
    """What `GET /jobs/{id}` returns."""

    job_id: str
    status: JobStatus = "running"
    rows_done: int = 0
    file_name: str
    columns: TableInfo
    error: str | None = None
    summary: RunSummary | None = None


log = logging.getLogger(__name__)
_jobs: dict[str, JobState] = {}
_lock = threading.Lock()


def job_dir(settings: Settings, job_id: str) -> Path:
    return settings.data_path(JOBS_FOLDER, job_id, "x").parent


def submit_job(settings: Settings, file_name: str, content: bytes,
               options: AnalyzeOptions) -> JobState:
    """Save the upload, check it reads as a table (BadTable otherwise), start the run."""
    job_id = uuid.uuid4().hex[:12]
    folder = job_dir(settings, job_id)
    upload = store_upload(settings.data_dir, folder, file_name, content)  # 0600, plain name
    try:
        table = open_table(upload, text_column=options.text_column, sheet=options.sheet,
                           limits=TableLimits.from_settings(settings),
                           by=options.by)  # a wrong --by fails here, with the columns
        table.sample(1)  # reads the first rows: a broken file fails here, not in the job
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # a refused upload leaves nothing behind
        raise
    state = JobState(job_id=job_id, file_name=upload.name, columns=table.info)
    with _lock:
        _jobs[job_id] = state
    options = options.model_copy(update={"out": folder / "results.csv"})
    threading.Thread(target=_run, args=(settings, state, upload, options), daemon=True,
                     name=f"feedback-job-{job_id}").start()
    return state


def _run(settings: Settings, state: JobState, upload: Path, options: AnalyzeOptions) -> None:
    def progress(done: int) -> None:
        state.rows_done = done

    try:
        result = analyze_file(settings, upload, options, progress)
        report = build_report(settings, result)
        markdown = render_markdown(report, f"Feedback report: {state.file_name}")
        atomic_write(upload.parent / "report.md", markdown.encode("utf-8"), settings.data_dir)
        state.summary, state.columns, state.status = result.summary, result.info, "done"
    except Exception as err:  # a job thread must end `failed`, never hang `running`
        if not isinstance(err, AIPMError):
            log.exception("feedback job %s failed", state.job_id)
        state.status = "failed"
        state.error = failure_reason(err) + f" ({state.rows_done} rows were done)"


def job_state(job_id: str) -> JobState:
    with _lock:
        state = _jobs.get(job_id)
    if state is None:
        raise NotFound(f"No feedback job '{job_id}'. Submit one with POST /v1/feedback/jobs.")
    return state


def finished_file(settings: Settings, job_id: str, name: str) -> Path:
    """The output CSV or report of a finished job; a running job says to poll again."""
    state = job_state(job_id)
    if state.status != "done":
        raise NotFound(f"Job '{job_id}' is {state.status}"
                       + (f" ({state.error})" if state.error else "; poll it until done") + ".")
    return job_dir(settings, job_id) / name


__all__ = ["JobState", "finished_file", "job_state", "submit_job"]
