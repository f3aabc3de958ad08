"""The no-fabrication guard, run on every generated text before anyone sees or saves it.

Each unit (a sentence, a bullet, a skill) is checked against the source résumé, and against
the JD's company and job title where a cover letter may name them:
- numbers, years and spelled-out numbers must appear in the résumé (the platform grounding
  check's number rule, plus number words);
- vocabulary skills must be ones the résumé shows (a JD-only skill is also a gap to address);
- capitalised names (employers, institutions, products, acronyms) must appear in the résumé;
- degree words and senior-title words must appear in the résumé;
- a sentence claiming a certification or licence must be supported as a whole.
A unit with any unsupported claim is removed and every claim listed. It errs towards
blocking: an honest sentence with a word the résumé lacks is dropped, never a lie kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from products.resume_assistant.core.degrees import degree_words
from products.resume_assistant.core.models import JobDescription, Resume, UnsupportedClaim
from products.resume_assistant.core.numbers import unsupported_quantities
from products.resume_assistant.core.skills import (
    load_vocabulary,
    padded,
    skill_named,
    skills_in,
)
from shared.evals.grounding import check_claim
from shared.evals.text import STOPWORDS, normalize_text

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15",
    "thirteen": "13", "fourteen": "14", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "forty": "40", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "twenty": "20", "thirty": "30", "fifty": "50", "hundred": "100",
    "thousand": "1000",
    "million": "1000000", "dozen": "12", "dozens": "12", "hundreds": "100", "thousands": "1000",
    "millions": "1000000", "billion": "1000000000",
}
TITLE_WORDS = frozenset({"director", "vp", "president", "chief", "principal", "founder",
                         "cofounder", "executive", "officer", "architect", "manager", "head",
                         "supervisor", "superintendent", "partner"})
CLAIM_DEGREES = tuple(w for w in degree_words() if len(w) >= 3 and w not in ("b a", "m a",
                                                                               "b s", "m s"))
# "1.5k", "2m", "40pct": a number with a scale, already compared as a value.
NUMERIC_TOKEN = re.compile(r"\d+(?:\.\d+)?(?:k|m|mm|bn|b|pct|st|nd|rd|th|s|x)?")
CERTIFICATION = re.compile(r"certif|licen[cs]|accredit|chartered", re.IGNORECASE)
CAPITALISED = re.compile(r"[A-Z][\w&'+.-]*")
EMPLOYER_CUES = frozenset({"at", "for", "with", "joined", "from", "by"})
INSTITUTION_CUES = ("university", "college", "institute", "school", "academy")
_COMMON_TEXT = """
i im ive my me we our dear thank thanks sincerely regards kind best hello hi
in at as after before during while when since through throughout across over under with
each every both many most more several some all any this these that those here there
today currently recently previously now then also additionally furthermore moreover
however overall together first second third next finally lastly
led lead leading managed built build building shipped delivered designed developed drove
owned ran created improved increased reduced cut launched grew worked working partnered
helped help bring brings bringing offer excited eager keen happy glad passionate proven
skilled experienced seasoned dedicated motivated strong deep solid hands holds hold
strengths role job position team company
my your their its his her yes no not january february march april may june july august
september october november december monday friday
"""
COMMON_WORDS = frozenset(_COMMON_TEXT.split())
MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december", "jan", "feb", "mar",
                    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})


@dataclass
class GuardContext:
    """What a generated text may rely on: the résumé, plus (for letters) the JD's names."""

    resume: Resume
    jd: JobDescription
    allow_job_names: bool = False
    _words: set[str] = field(default_factory=set)
    _skills: set[str] = field(default_factory=set)
    _extra: set[str] = field(default_factory=set)
    _padded: str = ""

    def __post_init__(self) -> None:
        self._padded = padded(self.resume.text)
        self._words = set(self._padded.split())
        self._skills = set(skills_in(self.resume.text))
        if self.allow_job_names:
            self._extra = set(normalize_text(f"{self.jd.company} {self.jd.title}").split())

    def known(self, word: str) -> bool:
        return word in self._words or word in self._extra


@dataclass
class GuardResult:
    """The units that survived, the claims blocked, and JD skills the output tried to claim."""

    kept: list[str]
    blocked: list[UnsupportedClaim]
    gaps: list[str]
    total: int

    @property
    def removed(self) -> int:
        return self.total - len(self.kept)


def guard_units(units: list[str], context: GuardContext) -> GuardResult:
    """Check each unit; keep the clean ones in order, list every blocked claim."""
    kept, blocked, gaps = [], [], []
    for unit in units:
        claims = unsupported_in(unit, context)
        if claims:
            blocked.extend(claims)
            gaps.extend(c.claim for c in claims if c.kind == "skill" and
                        c.claim in context.jd.keywords)
        else:
            kept.append(unit)
    return GuardResult(kept, blocked, list(dict.fromkeys(gaps)), len(units))


def unsupported_in(unit: str, context: GuardContext) -> list[UnsupportedClaim]:
    """Every claim in one unit that the résumé does not support (empty: the unit is clean)."""
    found = [*_numbers(unit, context), *_skills(unit, context), *_names(unit, context),
             *_degrees(unit, context), *_titles(unit, context), *_certification(unit, context)]
    unique = {(kind, claim): claim for kind, claim in found}
    return [UnsupportedClaim(claim=claim, kind=kind, sentence=unit)
            for (kind, claim) in unique]


def _numbers(unit: str, context: GuardContext) -> list[tuple[str, str]]:
    """Numbers compared as values (`numbers.py`: "two", "9,000", "1.5k", "40%", ranges),
    each with the word it counts; plus tokens mixing digits and letters ("Q3", "B2B"),
    which must be résumé words as written."""
    claims = [("number", text) for text in unsupported_quantities(unit, context.resume.text)]
    claims += [("number", w) for w in normalize_text(unit).split()
               if any(c.isdigit() for c in w) and any(c.isalpha() for c in w)
               and not NUMERIC_TOKEN.fullmatch(w) and not context.known(w)]
    return claims


def _skills(unit: str, context: GuardContext) -> list[tuple[str, str]]:
    if context.allow_job_names:  # "the Clinical Nurse Educator role" names the job, no skill
        for name in (context.jd.title, context.jd.company):
            unit = unit.replace(name, " ") if name else unit
    return [("skill", name) for name in skills_in(unit) if not _skill_shown(name, unit, context)]


def _skill_shown(name: str, unit: str, context: GuardContext) -> bool:
    """The unit's word for the skill is in the résumé, or both are true synonyms of it (a
    related "~" term proves only itself: "Amplitude" is no proof of "Mixpanel")."""
    if name not in context._skills:
        return False
    skill = skill_named(name)
    said = [alias for alias in skill.aliases if f" {alias} " in padded(unit)]
    if any(f" {alias} " in context._padded for alias in said):
        return True
    synonyms = skill.synonyms()
    return all(alias in synonyms for alias in said) and any(
        f" {alias} " in context._padded for alias in synonyms)


def _skill_words(unit: str) -> set[str]:
    """Words of the vocabulary phrases present in the unit (checked as skills instead)."""
    haystack = padded(unit)
    return {word for alias in _all_aliases() if f" {alias} " in haystack
            for word in alias.split()}


@functools.cache
def _all_aliases() -> tuple[str, ...]:
    return tuple({alias for skill in load_vocabulary() for alias in skill.aliases})


def _names(unit: str, context: GuardContext) -> list[tuple[str, str]]:
    exempt = _skill_words(unit)
    claims = []
    for match in CAPITALISED.finditer(unit):
        words = normalize_text(match.group(0)).split()
        initial = _sentence_initial(unit, match.start())
        for word in words:
            if word in exempt or word in STOPWORDS or context.known(word):
                continue
            if word in MONTHS or (initial and (word in COMMON_WORDS or _verb_like(word))):
                continue
            claims.append((_name_kind(unit, match.start()), match.group(0).strip(".,")))
    return claims


def _verb_like(word: str) -> bool:
    """A sentence-initial past tense or -ing word ("Redesigned", "Defining") opens a bullet;
    it is not an employer's name."""
    return len(word) > 4 and word.endswith(("ed", "ing"))


def _sentence_initial(unit: str, start: int) -> bool:
    before = unit[:start].rstrip(" \"'(")
    return not before or before[-1] in ".!?:;"


def _name_kind(unit: str, start: int) -> str:
    before = normalize_text(unit[:start]).split()
    after = unit[start:start + 60].lower()
    if any(cue in after for cue in INSTITUTION_CUES):
        return "institution"
    return "employer" if before and before[-1] in EMPLOYER_CUES else "name"


def _degrees(unit: str, context: GuardContext) -> list[tuple[str, str]]:
    haystack, source = padded(unit), context._padded
    return [("degree", word) for word in CLAIM_DEGREES
            if f" {word} " in haystack and f" {word} " not in source]


def _titles(unit: str, context: GuardContext) -> list[tuple[str, str]]:
    return [("title", word) for word in normalize_text(unit).split()
            if word in TITLE_WORDS and not context.known(word)]


def _certification(unit: str, context: GuardContext) -> list[tuple[str, str]]:
    if not CERTIFICATION.search(unit):
        return []
    check = check_claim(unit, context.resume.text)
    return [] if check.supported else [("certification", unit)]


__all__ = ["GuardContext", "GuardResult", "guard_units", "unsupported_in"]
