"""The LLM engine's prompts, read from versioned files in `prompts/` (never inline strings)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from products.resume_assistant.core.models import JobDescription, Resume
from products.resume_assistant.core.privacy import redact_contact

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
PROMPT_VERSION = "v1"


@cache
def prompt_file(name: str) -> str:
    return (PROMPTS_DIR / f"{name}.{PROMPT_VERSION}.md").read_text(encoding="utf-8").strip()


def resume_block(resume: Resume) -> str:
    """The résumé as the model sees it: numbered roles, contact redacted."""
    lines = [f"Summary: {resume.summary}"] if resume.summary else []
    for number, role in enumerate(resume.experience, start=1):
        lines.append(f"Role {number}: {role.title}, {role.employer} ({role.dates})")
        lines.extend(f"- {bullet}" for bullet in role.bullets)
    lines += [f"Education: {entry.line}" for entry in resume.education]
    lines += [f"Skills: {', '.join(resume.skills)}"] if resume.skills else []
    lines += [f"Certification: {cert}" for cert in resume.certifications]
    lines += [f"Project: {project}" for project in resume.projects]
    return redact_contact("\n".join(lines), resume.contact)


def user_prompt(name: str, resume: Resume, jd: JobDescription, matched: list[str],
                gaps: list[str]) -> str:
    """The user turn of `name` ("tailor_user" or "cover_letter_user"); the JD is already
    cleaned of hidden text and instruction lines, and fenced as data."""
    jd_text = jd.text.replace("</job_description>", "")
    return prompt_file(name).format(resume=resume_block(resume), jd=jd_text,
                                    matched=", ".join(matched) or "none",
                                    gaps=", ".join(gaps) or "none")


__all__ = ["prompt_file", "resume_block", "user_prompt"]
