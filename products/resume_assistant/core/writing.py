"""Tailor and cover-letter runs: draft (baseline or LLM), guard, render, write, report.

The guard runs on every draft, the baseline's too, so a bug in a template cannot put an
unsupported fact in a file either. A rejected LLM draft (malformed, or gutted by the guard)
falls back to the baseline draft, and the status says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from products.resume_assistant.core.cover_letter import (
    LetterDraft,
    baseline_letter,
    guard_letter,
    llm_letter,
    render_letter,
)
from products.resume_assistant.core.docx_output import markdown_to_docx
from products.resume_assistant.core.guard import GuardContext
from products.resume_assistant.core.models import JobDescription, Resume, WrittenOutput
from products.resume_assistant.core.privacy import restore_contact
from products.resume_assistant.core.service import (
    PRODUCT,
    Inputs,
    Upload,
    baseline_engine_name,
    llm_for,
    load_inputs,
)
from products.resume_assistant.core.skills import skills_in
from products.resume_assistant.core.tailor import (
    RoleDraft,
    TailorDraft,
    baseline_draft,
    guard_draft,
    llm_draft,
    render_resume,
)
from products.resume_assistant.core.untrusted import hidden_notice
from shared.config import Settings
from shared.errors import BadInput, BadModelOutput
from shared.ops import open_trace_store
from shared.tracing import trace_operation

OUTPUT_SUFFIXES = (".md", ".docx")


def jd_gaps(resume: Resume, jd: JobDescription) -> list[str]:
    """JD keywords the résumé does not show: to address honestly, never to claim."""
    have = set(skills_in(resume.text))
    return [k for k in jd.keywords if k not in have]


def run_tailor(settings: Settings, resume: Upload, jd: Upload,
               out: Path | None = None) -> WrittenOutput:
    """Tailor the résumé to the JD; writes `out` (.md or .docx) when given."""
    return _run(settings, "tailor", resume, jd, out, tailor_inputs)


def run_cover_letter(settings: Settings, resume: Upload, jd: Upload,
                     out: Path | None = None) -> WrittenOutput:
    """Write a cover letter from résumé facts; writes `out` (.md or .docx) when given."""
    return _run(settings, "cover_letter", resume, jd, out, letter_inputs)


def _run(settings: Settings, operation: str, resume: Upload, jd: Upload, out: Path | None,
         make: Callable[[Settings, Inputs], WrittenOutput]) -> WrittenOutput:
    if out is not None and out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise BadInput(f"--out must end in .md or .docx; got '{out.name}'.")
    llm = llm_for(settings)
    engine = f"llm ({llm.provider}:{llm.model})" if llm else baseline_engine_name(settings)
    with trace_operation(open_trace_store(settings), product=PRODUCT, operation=operation,
                         engine=engine) as row:
        result = make(settings, load_inputs(settings, resume, jd))
        row.items = len(result.unsupported_claims)
    result.trace_id = row.trace_id
    if out is not None:
        write_output(result.output, out)
    return result


def write_output(markdown: str, out: Path) -> Path:
    """Markdown as written, or the ATS-safe DOCX of it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".docx":
        out.write_bytes(markdown_to_docx(markdown, title=out.stem))
    else:
        out.write_text(markdown, encoding="utf-8")
    return out


def tailor_inputs(settings: Settings, inputs: Inputs) -> WrittenOutput:
    """Tailor already-parsed inputs (the eval reuses one parse for both outputs)."""
    resume, jd = inputs.resume, inputs.jd
    gaps = jd_gaps(resume, jd)
    context = GuardContext(resume, jd)
    fallback = guard_draft(baseline_draft(inputs.index, jd), resume, context)
    guarded, engine, note = fallback, baseline_engine_name(settings), []
    if llm := llm_for(settings):
        engine = f"llm ({llm.provider}:{llm.model})"
        guarded, note = _llm_or_fallback(lambda: guard_draft(_restored(
            llm_draft(llm, resume, jd, gaps), resume), resume, context), fallback)
    status = "rejected" if note else ("cleaned" if guarded.blocked else "ok")
    return WrittenOutput(engine=engine, output=render_resume(resume, guarded.draft),
                         status=status, changes=note + tailor_changes(resume, guarded.draft)
                         + hidden_notice(jd.removed),
                         unsupported_claims=guarded.blocked,
                         gaps_to_address=list(dict.fromkeys(gaps + guarded.gaps)))


def letter_inputs(settings: Settings, inputs: Inputs) -> WrittenOutput:
    """The cover letter for already-parsed inputs."""
    resume, jd = inputs.resume, inputs.jd
    gaps = jd_gaps(resume, jd)
    context = GuardContext(resume, jd, allow_job_names=True)
    fallback = guard_letter(baseline_letter(inputs.index, jd), context)
    guarded, engine, note = fallback, baseline_engine_name(settings), []
    if llm := llm_for(settings):
        engine = f"llm ({llm.provider}:{llm.model})"
        guarded, note = _llm_or_fallback(lambda: guard_letter(LetterDraft(paragraphs=[
            restore_contact(p, resume.contact) for p in
            llm_letter(llm, resume, jd, gaps).paragraphs]), context), fallback)
    status = "rejected" if note else ("cleaned" if guarded.blocked else "ok")
    changes = [*note, f"Letter of {len(guarded.draft.paragraphs)} paragraphs built from the "
                      "résumé's facts; gaps are left out.", *hidden_notice(jd.removed)]
    return WrittenOutput(engine=engine, output=render_letter(resume, jd, guarded.draft),
                         status=status, changes=changes, unsupported_claims=guarded.blocked,
                         gaps_to_address=list(dict.fromkeys(gaps + guarded.gaps)))


def _llm_or_fallback(make: Callable[[], object], fallback: object) -> tuple[object, list[str]]:
    """The guarded LLM draft, or the baseline one with a note when it was rejected."""
    try:
        guarded = make()
    except BadModelOutput as err:
        return fallback, [f"LLM output rejected ({err.message}); showing the baseline version."]
    if guarded.rejected:  # type: ignore[attr-defined]
        blocked = guarded.blocked  # type: ignore[attr-defined]
        fallback.blocked = blocked  # type: ignore[attr-defined]
        fallback.gaps = guarded.gaps  # type: ignore[attr-defined]
        return fallback, ["LLM output rejected: the guard would have removed most of it; "
                          "showing the baseline version."]
    return guarded, []


def _restored(draft: TailorDraft, resume: Resume) -> TailorDraft:
    """Contact placeholders a model echoed, back to the résumé's values before the guard."""
    restore = lambda text: restore_contact(text, resume.contact)  # noqa: E731
    return TailorDraft(summary=restore(draft.summary), skills=[restore(s) for s in draft.skills],
                       roles=[RoleDraft(role=r.role, bullets=[restore(b) for b in r.bullets])
                              for r in draft.roles])


def tailor_changes(resume: Resume, draft: TailorDraft) -> list[str]:
    """What differs from the original, in words a reader can check against the diff."""
    changes = ["Summary rewritten toward the JD."] if draft.summary != resume.summary else []
    for role, tailored in zip(resume.experience, draft.roles, strict=False):
        if tailored.bullets != role.bullets:
            changes.append(f"{role.title}, {role.employer}: bullets reordered or reworded; "
                           f"now leads with '{tailored.bullets[0][:60]}'.")
    if draft.skills != resume.skills:
        changes.append("Skills: the JD's skills you have are listed first.")
    return changes


__all__ = ["OUTPUT_SUFFIXES", "jd_gaps", "letter_inputs", "run_cover_letter", "run_tailor",
           "tailor_inputs", "write_output"]
