"""Does the résumé meet a requirement? Skills by synonym, everything else by similarity.

A requirement that names vocabulary skills is met when the résumé names them too (any of
them for "X or Y"), in its own words or a synonym's; the line using the requirement's own
word is quoted first, and an "X or Y" of tools counts only lines naming X or Y. Otherwise
(no skills named, or not found by name; never for an "X or Y" of skills) it is met by the
résumé line most similar to it: cosine similarity of the offline embedder's vectors over a
threshold chosen on the golden set, or most of the requirement's content words in one line.
Either way the evidence is that résumé line, verbatim; no evidence, not met. When only some
of an "X and Y" is named, the verdict is not met but quotes the part that is ("partly met").
An "N+ years" requirement also needs N years across the dated roles, and a degree
requirement a degree of that level (`degrees.py`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from products.resume_assistant.core.dates import years_of_experience
from products.resume_assistant.core.degrees import degree_level, match_degree
from products.resume_assistant.core.jd_parser import required_years
from products.resume_assistant.core.models import Requirement, RequirementResult, Resume
from products.resume_assistant.core.skills import padded, skill_named, skills_in
from shared.embeddings import Embedder
from shared.evals.text import content_tokens, normalize_text

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "calibration.json"
FALLBACK_THRESHOLD = 0.6
LEXICAL_SHARE = 0.6
STEM_LENGTH = 6
GENERIC_WORDS = frozenset({
    "experience", "years", "year", "strong", "ability", "able", "proven", "track", "record",
    "excellent", "good", "great", "working", "knowledge", "familiarity", "understanding",
    "skills", "skill", "plus", "including", "etc", "using", "demonstrated", "solid", "deep",
    "hands", "on", "comfortable", "related", "field"})


def similarity_threshold(embedder_name: str) -> float:
    """The calibrated cosine threshold for this embedder (see `aipm eval resume --calibrate`)."""
    if not CALIBRATION_FILE.is_file():
        return FALLBACK_THRESHOLD
    table = json.loads(CALIBRATION_FILE.read_text())["similarity_threshold"]
    return float(table.get(embedder_name, FALLBACK_THRESHOLD))


@dataclass
class ResumeIndex:
    """The résumé's evidence lines, their vectors, and its years of experience, built once."""

    resume: Resume
    lines: list[str]
    vectors: np.ndarray
    years: float
    embedder: Embedder

    @classmethod
    def build(cls, resume: Resume, embedder: Embedder) -> ResumeIndex:
        lines = resume.evidence_lines()
        vectors = np.array(embedder.embed_documents(lines)) if lines else np.zeros((0, 1))
        spans = [(role.start_year, role.end_year) for role in resume.experience]
        return cls(resume, lines, vectors, years_of_experience(spans, date.today().year),
                   embedder)

    def similarities(self, texts: list[str]) -> np.ndarray:
        """Cosine similarity of each text (rows) to each résumé line (columns)."""
        if not texts or not self.lines:
            return np.zeros((len(texts), len(self.lines)))
        return np.array(self.embedder.embed_documents(texts)) @ self.vectors.T

    @functools.cached_property
    def padded_lines(self) -> list[str]:
        """Each line normalised once (ranking 100 postings asks for them thousands of times)."""
        return [padded(line) for line in self.lines]

    def line_with_alias(self, aliases: list[str]) -> str:
        """The first résumé line holding one of the aliases as a whole phrase, or ''."""
        return next((line for line, normal in zip(self.lines, self.padded_lines, strict=True)
                     if any(f" {alias} " in normal for alias in aliases)), "")


def match_requirements(index: ResumeIndex, requirements: list[Requirement],
                       threshold: float) -> list[RequirementResult]:
    """One verdict per requirement, in the JD's order."""
    sims = index.similarities([r.text for r in requirements])
    return [_match_one(index, req, sims[i], threshold) for i, req in enumerate(requirements)]


def _match_one(index: ResumeIndex, req: Requirement, sims: np.ndarray,
               threshold: float) -> RequirementResult:
    degree = match_degree(req.text, education_lines(index))
    evidence, how, partial = (*degree, "") if degree is not None else _by_skills_or_similarity(
        index, req.text, sims, threshold)
    needed = required_years(req.text)
    if evidence and needed and index.years < needed:
        evidence, how = "", f"asks for {needed}+ years; the dated roles cover {index.years:g}"
    return RequirementResult(text=req.text, kind=req.kind, met=bool(evidence),
                             evidence=evidence or partial, how=how)


def education_lines(index: ResumeIndex) -> list[str]:
    """The parsed education entries; for a résumé whose sections were not found, every
    evidence line that names a degree (a flat résumé still has its degree in it)."""
    if index.resume.education:
        return [e.line for e in index.resume.education]
    return [line for line in index.lines if degree_level(line)]


def _by_skills_or_similarity(index: ResumeIndex, text: str, sims: np.ndarray,
                             threshold: float) -> tuple[str, str, str]:
    """(evidence, how, evidence of the part met when only part is). Similarity stands in
    for a paraphrase the synonym file lacks ("plan tiers" for pricing), but never for an
    "X or Y" of named tools: a line naming neither is no proof of either."""
    skills = skills_in(text)
    evidence, how, partial = _by_skills(index, text, skills) if skills else ("", "", "")
    if evidence or (skills and _any_of(text)):
        return evidence, how, partial
    evidence, similar = _by_similarity(index, text, sims, threshold)
    return evidence, similar if evidence or not how else f"{how}; {similar}", partial


def _any_of(text: str) -> bool:
    """ "X or Y", "X/Y": alternatives. "A/B tests" and "CI/CD" are one thing, not two."""
    return bool(re.search(r"\bor\b|\w{3,}\s*/\s*\w{3,}", text))


def _by_skills(index: ResumeIndex, text: str, skills: list[str]) -> tuple[str, str, str]:
    found = {name: _line_naming(index, name, text) for name in skills}
    have = [name for name, line in found.items() if line]
    if have and ((_any_of(text) and len(skills) > 1) or len(have) == len(skills)):
        return found[have[0]], f"skills found: {', '.join(have)}", ""
    lacking = ", ".join(name for name in skills if name not in have)
    if not have:
        return "", f"skills not found: {lacking}", ""
    return "", f"partly met: {', '.join(have)} found; missing: {lacking}", found[have[0]]


def _line_naming(index: ResumeIndex, name: str, text: str) -> str:
    """The résumé line naming skill `name`, the requirement's own word first ("Amplitude"
    before "product analytics"). When an "X or Y" names the skill only by its members
    ("Amplitude or Mixpanel"), only those members count, not the skill's other aliases."""
    skill = skill_named(name)
    wanted = padded(text)
    named = [alias for alias in skill.aliases if f" {alias} " in wanted]
    if _any_of(text) and normalize_text(skill.name) not in named:
        return index.line_with_alias(named)
    return index.line_with_alias(named) or index.line_with_alias(list(skill.aliases))


def _by_similarity(index: ResumeIndex, text: str, sims: np.ndarray,
                   threshold: float) -> tuple[str, str]:
    """The most similar line over the threshold, else a line holding most content words."""
    if not index.lines:
        return "", "the résumé has no lines to compare"
    best = int(np.argmax(sims))
    if sims[best] >= threshold:
        return index.lines[best], f"closest résumé line, similarity {sims[best]:.2f}"
    line, share = _best_word_overlap(index.lines, text)
    if share >= LEXICAL_SHARE:
        return line, f"résumé line with {share:.0%} of the requirement's words"
    return "", f"no résumé line is close enough (best similarity {sims[best]:.2f})"


def word_stems(text: str) -> list[str]:
    """Content words cut to 6 letters ("manager"/"management" -> "manage"), numbers and
    generic requirement words dropped: years are checked apart, "strong" proves nothing."""
    words = [w for w in content_tokens(text) if w not in GENERIC_WORDS
             and not any(c.isdigit() for c in w)]
    return list(dict.fromkeys(w[:STEM_LENGTH] for w in words))


@functools.lru_cache(maxsize=4096)
def _line_stems(line: str) -> tuple[str, ...]:
    """A résumé line's stems, cached: the same lines are compared with every requirement."""
    return tuple(word_stems(line))


def _best_word_overlap(lines: list[str], text: str) -> tuple[str, float]:
    words = word_stems(text)
    if not words:
        return "", 0.0
    stems = [set(_line_stems(line)) for line in lines]
    shares = [sum(w in line for w in words) / len(words) for line in stems]
    best = max(range(len(lines)), key=shares.__getitem__)
    return lines[best], shares[best]


__all__ = ["ResumeIndex", "match_requirements", "similarity_threshold"]
