"""`/v1/feedback/...`: jobs over HTTP, as thin adapters over `products.feedback_analyzer.core`.

Submit a file (`POST /jobs`), poll it (`GET /jobs/{id}`), then fetch the labelled CSV
(`GET /jobs/{id}/results.csv`), the summary (`GET /jobs/{id}/results`) or the Markdown report
(`GET /jobs/{id}/report`). A file that cannot be read as a table is a 422 whose message names
the problem and the line, before any job starts.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse, PlainTextResponse

from products.feedback_analyzer.core.jobs import JobState, finished_file, job_state, submit_job
from products.feedback_analyzer.core.service import AnalyzeOptions
from shared.api_support import SettingsDep
from shared.errors import NotFound

router = APIRouter()


@router.post("/jobs", status_code=202)
def submit(
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV, TSV or XLSX export of feedback.")],
    text_column: Annotated[str | None, Form()] = None,
    sheet: Annotated[str | None, Form()] = None,
    engine: Annotated[str, Form(pattern="^(auto|baseline|llm)$")] = "auto",
    by: Annotated[str | None, Form(description="column to split results by (product, plan, "
                                               "channel, version); detected when absent")] = None,
) -> JobState:
    """Start analysing the upload; 422 with the reason and line if it is not a readable table."""
    options = AnalyzeOptions(text_column=text_column or None, sheet=sheet or None,
                             engine=engine, by=by or None)  # type: ignore[arg-type]
    return submit_job(settings, file.filename or "upload.csv", file.file.read(), options)


@router.get("/jobs/{job_id}")
def status(job_id: str) -> JobState:
    """running / done / failed, rows done so far, and the summary once done."""
    return job_state(job_id)


@router.get("/jobs/{job_id}/results")
def results(job_id: str) -> JobState:
    """The finished job's summary (404 while it runs)."""
    state = job_state(job_id)
    if state.summary is None:
        raise_not_done(job_id)
    return state


def raise_not_done(job_id: str) -> None:
    raise NotFound(f"Job '{job_id}' has no results yet; poll GET /v1/feedback/jobs/{job_id}.")


@router.get("/jobs/{job_id}/results.csv", response_class=FileResponse)
def results_csv(settings: SettingsDep, job_id: str) -> FileResponse:
    """Every input column plus the per-row fields."""
    return FileResponse(finished_file(settings, job_id, "results.csv"), media_type="text/csv",
                        filename="feedback-analyzed.csv")


@router.get("/jobs/{job_id}/report", response_class=PlainTextResponse)
def report(settings: SettingsDep, job_id: str) -> PlainTextResponse:
    """Themes, grounded executive summary and RICE backlog as Markdown."""
    text = finished_file(settings, job_id, "report.md").read_text(encoding="utf-8")
    return PlainTextResponse(text, media_type="text/markdown")


__all__ = ["router"]
