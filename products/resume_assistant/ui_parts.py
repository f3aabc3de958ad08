"""Rendering pieces of the résumé page: checklist, side-by-side diff, blocked claims, downloads."""

from __future__ import annotations

import difflib

import streamlit as st

from products.resume_assistant.core.docx_output import markdown_to_docx
from products.resume_assistant.core.loading import resume_text
from products.resume_assistant.core.models import Analysis, WrittenOutput
from products.resume_assistant.core.privacy import save_output
from products.resume_assistant.core.ranking import Ranking
from products.resume_assistant.core.resume_parser import parse_resume
from products.resume_assistant.core.service import Upload
from products.resume_assistant.core.tailor import RoleDraft, TailorDraft, render_resume
from shared.config import Settings
from shared.ui_tables import fitted_dataframe


def render_analysis(analysis: Analysis) -> None:
    st.subheader("Match")
    st.metric("Match score", f"{analysis.match_score}/100")
    if analysis.score_breakdown.get("explanation"):
        st.markdown(f"**{analysis.score_breakdown['explanation']}**")
    for notice in analysis.score_breakdown.get("notices") or []:  # type: ignore[attr-defined]
        st.warning(notice)
    st.caption(str(analysis.score_breakdown.get("formula", "")))
    for req in analysis.requirements:
        mark = ":green-badge[met]" if req.met else ":red-badge[not met]"
        st.markdown(f"{mark} **{req.kind}** — {req.text}")
        if req.evidence:
            part = "" if req.met else f" ({req.how})"
            st.caption(f"Evidence: “{req.evidence}”{part}")
    st.markdown("**Missing keywords:** " + (", ".join(analysis.missing_keywords) or "none"))
    for tip in analysis.suggestions:
        st.markdown(f"- {tip}")


def original_markdown(resume: Upload) -> str:
    """The résumé as the tailored version would render it, unchanged: the diff's left side."""
    parsed = parse_resume(resume_text(*resume))
    draft = TailorDraft(summary=parsed.summary, skills=parsed.skills,
                        roles=[RoleDraft(role=i, bullets=role.bullets)
                               for i, role in enumerate(parsed.experience, start=1)])
    return render_resume(parsed, draft)


def render_tailored(settings: Settings, result: WrittenOutput, resume: Upload) -> None:
    st.subheader("Tailored résumé")
    _status(result)
    left, right = st.columns(2)
    original = original_markdown(resume)
    left.markdown("**Original**")
    left.markdown(original)
    right.markdown("**Tailored**")
    right.markdown(result.output)
    with st.expander("Markdown source"):
        st.code(result.output, language="markdown", wrap_lines=True)
    diff = "\n".join(difflib.unified_diff(original.splitlines(), result.output.splitlines(),
                                          "original", "tailored", lineterm=""))
    with st.expander("Line diff"):
        st.code(diff or "No changes.", language="diff")
    _downloads(settings, result.output, "tailored_resume")


def render_ranking(ranking: Ranking) -> None:
    """The ranked postings as a table: place, score, title, explanation."""
    st.subheader("Postings ranked for this résumé")
    if ranking.cancelled:
        st.warning(f"Stopped after {len(ranking.postings)} of {ranking.given} postings: the "
                   "table ranks those only. Rank again to do them all.")
    rows = [{"#": place, "score": row.score, "posting": row.title or row.posting,
             "why": row.error or row.explanation}
            for place, row in enumerate(ranking.postings, start=1)]
    fitted_dataframe(rows, hide_index=True)


def render_letter(settings: Settings, result: WrittenOutput) -> None:
    st.subheader("Cover letter")
    _status(result)
    st.markdown(result.output)
    _downloads(settings, result.output, "cover_letter")


def _status(result: WrittenOutput) -> None:
    st.caption(f"Engine: {result.engine} · status: {result.status}")
    for change in result.changes:
        st.markdown(f"- {change}")
    if result.unsupported_claims:
        st.warning("Blocked claims (not in your résumé, removed from the output):\n\n" +
                   "\n".join(f"- {c.kind}: {c.claim}" for c in result.unsupported_claims))
    if result.gaps_to_address:
        st.info("Gaps to address honestly (never claimed): " +
                ", ".join(result.gaps_to_address))


def _downloads(settings: Settings, markdown: str, stem: str) -> None:
    """Save both formats in the data dir (forget deletes them) and offer them for download."""
    docx = markdown_to_docx(markdown, title=stem)
    save_output(settings, f"{stem}.md", markdown.encode("utf-8"))
    save_output(settings, f"{stem}.docx", docx)
    md_col, docx_col = st.columns(2)
    md_col.download_button("Download Markdown", markdown, file_name=f"{stem}.md",
                           key=f"{stem}_md")
    docx_col.download_button("Download DOCX", docx, file_name=f"{stem}.docx",
                             key=f"{stem}_docx", mime="application/vnd.openxmlformats-"
                             "officedocument.wordprocessingml.document")
