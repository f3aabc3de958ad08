"""Cover letters built only from résumé facts: a baseline template, or an LLM body, guarded.

The greeting and sign-off are the kit's own words (with the candidate's name restored after
the model); the body is guarded sentence by sentence with the JD's company and title
allowed, since a letter names the job it applies for. Gaps are never claimed: the baseline
does not mention them and the guard removes any sentence that does.
"""

from __future__ import annotations

from pydantic import BaseModel

from products.resume_assistant.core.guard import GuardContext, guard_units
from products.resume_assistant.core.matching import ResumeIndex
from products.resume_assistant.core.models import JobDescription, Resume, UnsupportedClaim
from products.resume_assistant.core.prompts import prompt_file, user_prompt
from products.resume_assistant.core.tailor import REJECT_SHARE, honest_keywords, order_by_relevance
from shared.llm import LLMClient
from shared.text import split_sentences

TOP_BULLETS = 2


class LetterDraft(BaseModel):
    paragraphs: list[str]


class GuardedLetter(BaseModel):
    draft: LetterDraft
    blocked: list[UnsupportedClaim]
    gaps: list[str]
    rejected: bool = False


def baseline_letter(index: ResumeIndex, jd: JobDescription) -> LetterDraft:
    """Opening (the job, the latest role), two most relevant bullets, the skills, a close."""
    resume = index.resume
    job = f"the {jd.title} role" + (f" at {jd.company}" if jd.company else "")
    paragraphs = [f"I am applying for {job}. {_latest_role(resume)}".strip()]
    evidence = _best_bullets(index, jd)
    if evidence:
        paragraphs.append(" ".join(evidence))
    skills = honest_keywords(resume, jd)
    if skills:
        paragraphs.append(f"The role asks for {', '.join(skills)}, and my résumé shows each "
                          "of them in practice.")
    paragraphs.append(f"I would welcome the chance to talk about {job}.")
    return LetterDraft(paragraphs=paragraphs)


def _latest_role(resume: Resume) -> str:
    if not resume.experience:
        return ""
    role = resume.experience[0]
    verb = "I am" if role.end_year == 0 else "Most recently I was"
    where = f" at {role.employer}" if role.employer else ""
    return f"{verb} {_article(role.title)} {role.title}{where}."


def _article(title: str) -> str:
    return "an" if title[:1].lower() in "aeiou" else "a"


def _best_bullets(index: ResumeIndex, jd: JobDescription) -> list[str]:
    """The most relevant bullets overall, as 'At Employer: bullet' sentences, verbatim."""
    pairs = [(b, role.employer) for role in index.resume.experience for b in role.bullets]
    ranked = order_by_relevance(index, jd, [b for b, _ in pairs])[:TOP_BULLETS]
    employer = dict(pairs)
    return [f"At {employer[b]}: {_sentence(b)}" if employer[b] else _sentence(b) for b in ranked]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def llm_letter(llm: LLMClient, resume: Resume, jd: JobDescription, gaps: list[str]
               ) -> LetterDraft:
    prompt = user_prompt("cover_letter_user", resume, jd, honest_keywords(resume, jd), gaps)
    return llm.structured(prompt, LetterDraft, system=prompt_file("cover_letter_system"),
                          max_tokens=1500, operation="cover_letter").parsed


def guard_letter(draft: LetterDraft, context: GuardContext) -> GuardedLetter:
    """Guard each sentence; a paragraph keeps its surviving sentences."""
    paragraphs, blocked, gaps, total, kept = [], [], [], 0, 0
    for paragraph in draft.paragraphs:
        result = guard_units(split_sentences(paragraph, lines=False), context)
        blocked, gaps = blocked + result.blocked, gaps + result.gaps
        total, kept = total + result.total, kept + len(result.kept)
        if result.kept:
            paragraphs.append(" ".join(result.kept))
    rejected = total == 0 or (total - kept) / total > REJECT_SHARE
    return GuardedLetter(draft=LetterDraft(paragraphs=paragraphs), blocked=blocked,
                         gaps=list(dict.fromkeys(gaps)), rejected=rejected)


def render_letter(resume: Resume, jd: JobDescription, draft: LetterDraft) -> str:
    """Markdown letter: the kit's greeting and sign-off around the guarded body."""
    greeting = f"Dear {jd.company} hiring team," if jd.company else "Dear hiring team,"
    body = "\n\n".join(draft.paragraphs)
    return f"{greeting}\n\n{body}\n\nSincerely,\n\n{resume.contact.name}\n"


__all__ = ["GuardedLetter", "LetterDraft", "baseline_letter", "guard_letter", "llm_letter",
           "render_letter"]
