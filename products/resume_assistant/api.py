"""`/v1/resume/...`: analyze, tailor and cover-letter over HTTP, as thin adapters over `core`.

Each route takes a résumé upload and a JD (an upload or pasted `jd_text`), keeps the uploads
under the data dir (`forget` deletes them), and returns the same JSON as `aipm resume ...
--json`. Routes are plain `def`: parsing, embedding and the LLM call block, so FastAPI runs
them in its thread pool.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from products.resume_assistant.core.models import Analysis, WrittenOutput
from products.resume_assistant.core.privacy import forget, save_upload
from products.resume_assistant.core.ranking import Ranking
from products.resume_assistant.core.service import Upload, run_analyze, run_rank
from products.resume_assistant.core.writing import run_cover_letter, run_tailor
from shared.api_support import SettingsDep
from shared.config import Settings
from shared.errors import BadInput

router = APIRouter()

ResumeFile = Annotated[UploadFile, File(description="Résumé: PDF, DOCX, MD or TXT.")]
JdFile = Annotated[UploadFile | None, File(description="JD file: MD, TXT, HTML or PDF.")]
JdText = Annotated[str, Form(description="The JD's text, when no JD file is sent.")]


def _inputs(settings: Settings, resume: UploadFile, jd: UploadFile | None,
            jd_text: str) -> tuple[Upload, Upload]:
    """Read both uploads (kept in the data dir only), or the pasted JD text."""
    resume_upload = (resume.filename or "resume.txt", resume.file.read())
    save_upload(settings, *resume_upload)
    if jd is not None and jd.filename:
        jd_upload = (jd.filename, jd.file.read())
    elif jd_text.strip():
        jd_upload = ("pasted.txt", jd_text.encode("utf-8"))
    else:
        raise BadInput("Send the job description as a `jd` file or as `jd_text`.")
    save_upload(settings, *jd_upload)
    return resume_upload, jd_upload


@router.post("/analyze")
def analyze(settings: SettingsDep, resume: ResumeFile, jd: JdFile = None,
            jd_text: JdText = "") -> Analysis:
    """Match score with its breakdown, requirement checklist with evidence, keywords."""
    return run_analyze(settings, *_inputs(settings, resume, jd, jd_text))


@router.post("/tailor")
def tailor(settings: SettingsDep, resume: ResumeFile, jd: JdFile = None,
           jd_text: JdText = "") -> WrittenOutput:
    """The tailored résumé (Markdown) after the no-fabrication guard."""
    return run_tailor(settings, *_inputs(settings, resume, jd, jd_text))


@router.post("/cover-letter")
def cover_letter(settings: SettingsDep, resume: ResumeFile, jd: JdFile = None,
                 jd_text: JdText = "") -> WrittenOutput:
    """A cover letter (Markdown) built from résumé facts, after the guard."""
    return run_cover_letter(settings, *_inputs(settings, resume, jd, jd_text))


@router.post("/rank")
def rank(settings: SettingsDep, resume: ResumeFile,
         postings: Annotated[list[UploadFile], File(description="Posting files (MD, TXT, "
                                                    "HTML, PDF) or one CSV of postings.")]
         ) -> Ranking:
    """Rank postings for one résumé (as `aipm resume rank --json`): parsed once, best first."""
    from products.resume_assistant.core.ranking import postings_from_csv

    resume_upload = (resume.filename or "resume.txt", resume.file.read())
    uploads: list[Upload] = []
    for posting in postings:
        name, data = posting.filename or "posting.txt", posting.file.read()
        uploads.extend(postings_from_csv(name, data) if name.lower().endswith(".csv")
                       else [(name, data)])
    if not uploads:
        raise BadInput("Send at least one posting file (or a CSV of postings).")
    return run_rank(settings, resume_upload, uploads)


@router.delete("/data")
def delete_data(settings: SettingsDep) -> dict[str, int]:
    """Forget every résumé, JD and output stored by the assistant (as `aipm resume forget`)."""
    return {"deleted_files": forget(settings)}


__all__ = ["router"]
