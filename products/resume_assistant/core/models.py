"""The résumé assistant's data shapes: parsed résumé and JD, analysis, tailored outputs.

Every text field of a parsed `Resume` is a substring of the source text (the parser copies,
never composes), which is what lets the guard and the evidence quotes trust it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.text import split_sentences

RequirementKind = Literal["must", "nice"]
# Below this share of the text in parsed sections, the résumé's raw items are evidence too.
UNPARSED_SHARE = 0.5
OutputStatus = Literal["ok", "cleaned", "rejected"]


class Contact(BaseModel):
    """Who the résumé belongs to: redacted before any LLM call, restored in the output."""

    name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    links: list[str] = Field(default_factory=list)


class Role(BaseModel):
    """One job: its header line and the parts of it, as written, and its bullets verbatim."""

    header: str = ""
    title: str = ""
    employer: str = ""
    dates: str = ""
    start_year: int | None = None
    end_year: int | None = None
    bullets: list[str] = Field(default_factory=list)


class Education(BaseModel):
    """One education entry as written (the whole line, plus its date range if any)."""

    line: str
    dates: str = ""
    details: list[str] = Field(default_factory=list)


class Resume(BaseModel):
    """A parsed résumé; `text` is the full source text every claim is checked against."""

    contact: Contact
    summary: str = ""
    experience: list[Role] = Field(default_factory=list)
    education: list[Education] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    projects: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    text: str

    def evidence_lines(self) -> list[str]:
        """Every line a requirement may quote as evidence, in résumé order."""
        lines = split_sentences(self.summary, lines=False, casual=True)
        for role in self.experience:
            lines.extend([role.header, *role.bullets])
        lines.extend(entry.line for entry in self.education)
        lines.extend([*self.skills, *self.projects, *self.certifications])
        lines = [line for line in lines if line.strip()]
        if sum(map(len, lines)) < UNPARSED_SHARE * len(self.text):
            lines.extend(_unparsed_items(self.text, set(lines)))
        return lines


def _unparsed_items(text: str, seen: set[str]) -> list[str]:
    """The text's own items (lines, glued items, sentences) the sections did not hold: a
    flat or oddly headed résumé is still evidence, quoted verbatim."""
    from products.resume_assistant.core.segments import segment_lines

    return [item for item in dict.fromkeys(segment_lines(text))
            if item not in seen and len(item.split()) >= 2]


class Requirement(BaseModel):
    """One JD requirement line and whether the JD calls it a must or a nice-to-have."""

    text: str
    kind: RequirementKind


class JobDescription(BaseModel):
    """A JD after hidden text and instructions were removed (they are listed, not obeyed)."""

    title: str = ""
    company: str = ""
    seniority: str = ""
    requirements: list[Requirement] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list, description="hidden or instruction lines")
    text: str = ""


class RequirementResult(BaseModel):
    """A requirement's verdict: `evidence` is a verbatim résumé quote; never met without one.
    Unmet with evidence means partly met: the quote proves one part, `how` names the rest."""

    text: str
    kind: RequirementKind
    met: bool
    evidence: str = ""
    how: str = ""


class RankedBullet(BaseModel):
    bullet: str
    role: str
    relevance: float


class Analysis(BaseModel):
    """What `aipm resume analyze --json` prints (the issue's keys, in order)."""

    match_score: int
    score_breakdown: dict[str, object]
    matched_keywords: list[str]
    missing_keywords: list[str]
    requirements: list[RequirementResult]
    bullet_ranking: list[RankedBullet]
    suggestions: list[str]
    engine: str
    # The run's trace row, for the page's 👍/👎; kept out of the JSON the issue fixes.
    trace_id: str | None = Field(default=None, exclude=True)


class UnsupportedClaim(BaseModel):
    """One claim the guard blocked: what it was, why, and the sentence it sat in."""

    claim: str
    kind: str
    sentence: str


class WrittenOutput(BaseModel):
    """What `aipm resume tailor|cover-letter --json` prints (the issue's keys, in order)."""

    engine: str
    output: str
    status: OutputStatus
    changes: list[str]
    unsupported_claims: list[UnsupportedClaim]
    gaps_to_address: list[str]
    # The run's trace row, for the page's 👍/👎; kept out of the JSON the issue fixes.
    trace_id: str | None = Field(default=None, exclude=True)
