"""The résumé assistant page of the hub (alone: `streamlit run products/resume_assistant/ui.py`).

A thin adapter over `products.resume_assistant.core`: pick or upload a résumé, paste or pick
a JD, then analyze, tailor or write a letter through the calls the CLI and API make. Uploads
and outputs are kept in the data dir only, and the forget button deletes them. Every kit
error is shown with `st.error(message)`, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from products.resume_assistant.core.privacy import forget, save_upload
from products.resume_assistant.core.ranking import postings_from_csv
from products.resume_assistant.core.service import Upload, run_analyze, run_rank
from products.resume_assistant.core.writing import run_cover_letter, run_tailor
from products.resume_assistant.ui_parts import (
    render_analysis,
    render_letter,
    render_ranking,
    render_tailored,
)
from shared.config import Settings
from shared.errors import AIPMError, BadInput
from shared.ui_jobs import JobLabels, job_result, job_running, start_job
from shared.ui_support import current_settings, rating_widget, show_engine_badge

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_RESUMES = sorted((DATA_DIR / "resumes").iterdir())
SAMPLE_JDS = sorted((DATA_DIR / "jobs").iterdir())
OWN = "— my own file —"
DEFAULT_RESUME = "maya_okafor_product_manager.md"
DEFAULT_JD = "senior_pm_growth_northwind.md"
PITCH = ("Match your résumé to a job, tailor it and draft the cover letter — every fact in the "
         "output comes from your résumé; anything else is blocked and shown to you.")
RESULTS = {"analyze": "resume_last_analysis", "tailor": "resume_last_tailor",
           "letter": "resume_last_letter", "rank": "resume_last_rank"}
RANK_JOB = "resume_rank_job"
RANK_LABELS = JobLabels(working="Ranking…", stopping="Stopping after the current posting…",
                        stop="Stop ranking", stop_key="resume_rank_stop",
                        stop_help="Stops before the next posting; the postings ranked so far "
                                  "are kept and shown.")


def resume_input() -> Upload | None:
    """The uploaded résumé, else the picked sample (None when neither is there)."""
    names = [OWN, *(path.name for path in SAMPLE_RESUMES)]
    # The pre-selected pair match: Maya is a senior PM, the JD a senior PM role.
    choice = st.selectbox("Résumé", names, index=names.index(DEFAULT_RESUME),
                          key="resume_sample")
    upload = st.file_uploader("Upload your résumé (PDF, DOCX, MD, TXT)",
                              type=["pdf", "docx", "md", "txt"], key="resume_file")
    if upload is not None:
        return upload.name, upload.getvalue()
    return _sample(SAMPLE_RESUMES, choice)


def jd_input() -> Upload | None:
    """Pasted JD text wins, then an uploaded file, then the picked sample."""
    names = [OWN, *(path.name for path in SAMPLE_JDS)]
    choice = st.selectbox("Job description", names, index=names.index(DEFAULT_JD),
                          key="resume_jd_sample")
    text = st.text_area("…or paste the job description", key="resume_jd_text", height=120)
    upload = st.file_uploader("…or upload it (MD, TXT, HTML, PDF)",
                              type=["md", "txt", "html", "htm", "pdf"], key="resume_jd_file")
    if text.strip():
        return "pasted.txt", text.encode("utf-8")
    if upload is not None:
        return upload.name, upload.getvalue()
    return _sample(SAMPLE_JDS, choice)


def _sample(paths: list[Path], choice: str) -> Upload | None:
    path = next((p for p in paths if p.name == choice), None)
    return (path.name, path.read_bytes()) if path else None


def run_action(settings: Settings, key: str, call: Callable[[], object]) -> None:
    """Run one action, keep its result for later reruns, or show its error."""
    st.session_state.pop(RESULTS[key], None)
    try:
        with st.spinner("Working…"):
            st.session_state[RESULTS[key]] = call()
    except AIPMError as err:
        st.error(err.message)


def actions(settings: Settings, resume: Upload | None, jd: Upload | None) -> None:
    """The three buttons; uploads are stored in the data dir before any work."""
    columns = st.columns(3)
    clicked = {key: column.button(label, key=f"resume_{key}", type="primary" if key ==
                                  "analyze" else "secondary")
               for column, (key, label) in zip(columns, [("analyze", "Analyze match"),
                                                         ("tailor", "Tailor résumé"),
                                                         ("letter", "Write cover letter")],
                                               strict=True)}
    chosen = next((key for key, pressed in clicked.items() if pressed), None)
    if chosen is None:
        return
    if resume is None or jd is None:
        st.error(BadInput("Pick or upload a résumé and give a job description first.").message)
        return
    for name, data in (resume, jd):
        save_upload(settings, name, data)
    calls = {"analyze": run_analyze, "tailor": run_tailor, "letter": run_cover_letter}
    run_action(settings, chosen, lambda: calls[chosen](settings, resume, jd))


def rank_section(settings: Settings, resume: Upload | None) -> None:
    """Rank several postings (the samples, or uploaded files / a CSV) for the résumé."""
    with st.expander("Rank several postings for this résumé"):
        files = st.file_uploader("Postings (MD, TXT, HTML, PDF or one CSV); none: the samples",
                                 type=["md", "txt", "html", "htm", "pdf", "csv"],
                                 accept_multiple_files=True, key="resume_rank_files")
        show_rank_job()
        if not st.button("Rank postings", key="resume_rank", disabled=job_running(RANK_JOB)):
            return
        if resume is None:
            st.error(BadInput("Pick or upload a résumé first.").message)
            return
        uploads: list[Upload] = []
        for file in files or []:
            name, data = file.name, file.getvalue()
            uploads.extend(postings_from_csv(name, data) if name.lower().endswith(".csv")
                           else [(name, data)])
        postings = uploads or [(p.name, p.read_bytes()) for p in SAMPLE_JDS]
        start_rank(settings, resume, postings)


def start_rank(settings: Settings, resume: Upload, postings: list[Upload]) -> None:
    """Rank in a background job: the page shows postings of the total with the time left
    and a stop button that keeps the postings ranked so far (see `show_rank_job`)."""
    st.session_state.pop(RESULTS["rank"], None)
    start_job(RANK_JOB, lambda control: run_rank(settings, resume, postings, control=control),
              unit="postings", name="aipm-resume-rank")


def show_rank_job() -> None:
    """A running ranking: its live progress; a finished one: its ranking kept (or its error)."""
    result = job_result(RANK_JOB, RANK_LABELS)
    if result is not None:
        st.session_state[RESULTS["rank"]] = result


def forget_section(settings: Settings) -> None:
    if st.button("Forget my files", key="resume_forget",
                 help="Delete every résumé, JD and output this assistant stored."):
        count = forget(settings)
        for key in RESULTS.values():
            st.session_state.pop(key, None)
        st.success(f"Deleted {count} stored file(s).")


def render_page(settings: Settings) -> None:
    st.title("Résumé assistant")
    st.write(PITCH)
    show_engine_badge(settings)
    resume, jd = resume_input(), jd_input()
    actions(settings, resume, jd)
    rank_section(settings, resume)
    forget_section(settings)
    if (ranking := st.session_state.get(RESULTS["rank"])) is not None:
        render_ranking(ranking)
    if (analysis := st.session_state.get(RESULTS["analyze"])) is not None:
        render_analysis(analysis)
        rating_widget(settings, analysis.trace_id, key="resume_rate_analyze")
    if (tailored := st.session_state.get(RESULTS["tailor"])) is not None and resume:
        render_tailored(settings, tailored, resume)
        rating_widget(settings, tailored.trace_id, key="resume_rate_tailor")
    if (letter := st.session_state.get(RESULTS["letter"])) is not None:
        render_letter(settings, letter)
        rating_widget(settings, letter.trace_id, key="resume_rate_letter")


def main() -> None:
    try:
        render_page(current_settings())
    except AIPMError as err:
        st.error(err.message)


main()
