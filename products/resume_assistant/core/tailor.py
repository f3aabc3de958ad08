"""Tailor a résumé to a JD: baseline reorders and re-words honestly; the LLM rewrites, guarded.

Both engines produce a `TailoredResume` (summary, bullets per role, skills). Everything that
identifies the candidate or a job (contact, titles, employers, dates, education) is copied
from the parsed résumé when rendering, never taken from a model. Every unit a model wrote
goes through the guard; removed units are listed, and an output the guard would gut is
rejected in favour of the baseline version.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from products.resume_assistant.core.analyze import bullet_relevance
from products.resume_assistant.core.guard import (
    GuardContext,
    GuardResult,
    guard_units,
)
from products.resume_assistant.core.matching import ResumeIndex
from products.resume_assistant.core.models import JobDescription, Resume, UnsupportedClaim
from products.resume_assistant.core.prompts import prompt_file, user_prompt
from products.resume_assistant.core.skills import (
    alias_in,
    original_wording,
    padded,
    skill_named,
    skills_in,
)
from shared.llm import LLMClient
from shared.text import split_sentences

REJECT_SHARE = 0.5


class RoleDraft(BaseModel):
    role: int = Field(description="the role number from the résumé block, starting at 1")
    bullets: list[str]


class TailorDraft(BaseModel):
    """What the LLM returns; also the baseline's shape, so rendering is shared."""

    summary: str
    roles: list[RoleDraft]
    skills: list[str]


class Guarded(BaseModel):
    """A draft after the guard, with what was blocked and whether it had to be rejected."""

    draft: TailorDraft
    blocked: list[UnsupportedClaim]
    gaps: list[str]
    rejected: bool = False


def baseline_draft(index: ResumeIndex, jd: JobDescription) -> TailorDraft:
    """Reorder bullets by relevance, lead the skills with the JD's, and name in the summary
    the JD skills the résumé shows, in the JD's own words when a synonym links them."""
    resume = index.resume
    roles = [RoleDraft(role=i, bullets=order_by_relevance(index, jd, role.bullets))
             for i, role in enumerate(resume.experience, start=1)]
    claimable = honest_keywords(resume, jd)
    summary = resume.summary
    if claimable:
        summary = f"{summary} Strengths for this role: {', '.join(claimable)}.".strip()
    return TailorDraft(summary=summary, roles=roles, skills=_skills_first(resume, jd))


def honest_keywords(resume: Resume, jd: JobDescription) -> list[str]:
    """JD keywords the résumé shows, written as the JD writes them."""
    have, jd_text = set(skills_in(resume.text)), padded(jd.text)
    words = [alias_in(skill_named(k), jd_text) for k in jd.keywords if k in have]
    return list(dict.fromkeys(original_wording(w, jd.text) for w in words if w))


def order_by_relevance(index: ResumeIndex, jd: JobDescription, bullets: list[str]) -> list[str]:
    scores = bullet_relevance(index, jd, bullets)
    order = sorted(range(len(bullets)), key=lambda i: (-scores[i], i))
    return [bullets[i] for i in order]


def _skills_first(resume: Resume, jd: JobDescription) -> list[str]:
    wanted = set(jd.keywords)
    first = [s for s in resume.skills if wanted & set(skills_in(s))]
    return first + [s for s in resume.skills if s not in first]


def llm_draft(llm: LLMClient, resume: Resume, jd: JobDescription, gaps: list[str]) -> TailorDraft:
    """One structured call; BadModelOutput (malformed twice) propagates to the caller."""
    prompt = user_prompt("tailor_user", resume, jd, honest_keywords(resume, jd), gaps)
    result = llm.structured(prompt, TailorDraft, system=prompt_file("tailor_system"),
                            max_tokens=2000, operation="tailor")
    return result.parsed


def guard_draft(draft: TailorDraft, resume: Resume, context: GuardContext) -> Guarded:
    """Guard the summary sentence by sentence, each bullet, each skill; unknown roles and
    roles left empty keep their original bullets (the résumé's own words)."""
    summary = guard_units(split_sentences(draft.summary, lines=False), context)
    skills = guard_units(draft.skills, context)
    blocked = [*summary.blocked, *skills.blocked]
    gaps = [*summary.gaps, *skills.gaps]
    roles, total, kept = [], summary.total + skills.total, len(summary.kept) + len(skills.kept)
    for number, role in enumerate(resume.experience, start=1):
        result = _guard_role(draft, number, context)
        blocked += result.blocked
        gaps += result.gaps
        total, kept = total + result.total, kept + len(result.kept)
        roles.append(RoleDraft(role=number, bullets=result.kept or role.bullets))
    blocked += _unknown_roles(draft, len(resume.experience))
    clean = TailorDraft(summary=" ".join(summary.kept) or resume.summary, roles=roles,
                        skills=skills.kept or resume.skills)
    rejected = total == 0 or (total - kept) / total > REJECT_SHARE
    return Guarded(draft=clean, blocked=blocked, gaps=list(dict.fromkeys(gaps)),
                   rejected=rejected)


def _guard_role(draft: TailorDraft, number: int, context: GuardContext) -> GuardResult:
    bullets = [b for role in draft.roles if role.role == number for b in role.bullets]
    return guard_units(bullets, context)


def _unknown_roles(draft: TailorDraft, count: int) -> list[UnsupportedClaim]:
    return [UnsupportedClaim(claim=f"role {role.role}", kind="role",
                             sentence=" ".join(role.bullets)[:200])
            for role in draft.roles if not 1 <= role.role <= count]


def render_resume(resume: Resume, draft: TailorDraft) -> str:
    """The tailored résumé as Markdown: one column, standard headings an ATS recognises."""
    contact = resume.contact
    parts = [p for p in (contact.email, contact.phone, contact.location, *contact.links) if p]
    lines = [f"# {contact.name or 'Résumé'}", " | ".join(parts), ""]
    if draft.summary:
        lines += ["## Summary", draft.summary, ""]
    lines += ["## Experience"]
    for role, tailored in zip(resume.experience, draft.roles, strict=False):
        header = " — ".join(p for p in (role.title, role.employer) if p)
        lines += ["", f"### {header}", role.dates, *(f"- {b}" for b in tailored.bullets)]
    lines += _list_section("Education", [e.line for e in resume.education])
    lines += ["", "## Skills", ", ".join(draft.skills)] if draft.skills else []
    lines += _list_section("Projects", resume.projects)
    lines += _list_section("Certifications", resume.certifications)
    return "\n".join(line for line in lines if line is not None).strip() + "\n"


def _list_section(title: str, items: list[str]) -> list[str]:
    return ["", f"## {title}", *(f"- {item}" for item in items)] if items else []


__all__ = [
    "Guarded",
    "TailorDraft",
    "baseline_draft",
    "guard_draft",
    "honest_keywords",
    "llm_draft",
    "order_by_relevance",
    "render_resume",
]
