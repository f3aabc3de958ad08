"""Job description parsing: requirements (must vs nice), skills, seniority, keywords.

The JD is untrusted: it is cleaned by `untrusted` first, so hidden text and instructions
never become requirements. Requirements are the bullet lines under requirement-like
headings; a line that says "preferred", "a plus" or "bonus" is a nice-to-have wherever it is.
"""

from __future__ import annotations

import re

from products.resume_assistant.core.models import JobDescription, Requirement, RequirementKind
from products.resume_assistant.core.resume_parser import BULLET, clean_line
from products.resume_assistant.core.segments import requirement_sentences, segment_lines
from products.resume_assistant.core.skills import skills_in
from products.resume_assistant.core.untrusted import drop_instructions
from shared.errors import BadInput

MUST_HEADINGS = ("requirement", "what you'll need", "what you will need", "must have",
                 "must-have", "qualifications", "what we're looking for", "what we are looking",
                 "you have", "you bring", "required", "minimum", "basic qualifications",
                 "who you are", "about you", "requisitos", "exigences", "anforderungen")
NICE_HEADINGS = ("nice to have", "nice-to-have", "bonus", "preferred", "plus", "extra credit",
                 "good to have", "deseable", "souhait", "wunschenswert")
DUTY_HEADINGS = ("responsibilit", "what you'll do", "what you will do", "the role", "your day")
SKIP_HEADINGS = ("about", "benefits", "perks", "why join", "how to apply", "compensation",
                 "salary", "who we are", "our company")
MAX_REQUIREMENT_CHARS = 300
MIN_SECTION_REQUIREMENTS = 3
REQUIREMENT_CUE = re.compile(
    r"\b(?:\d{1,2}\s*\+?\s*(?:-|–|to)?\s*\d{0,2}\+?\s*(?:years?|yrs)|(?:one|two|three|four|"
    r"five|six|seven|eight|nine|ten)\s*\+?\s*(?:\(\d+\)\s*)?years?|experience (?:with|in|as|"
    r"of)|experienced|knowledge of|proficien\w*|familiar\w*|expertise|degree|bachelor\w*|"
    r"master'?s|diploma|b\.?s\.?|m\.?s\.?|ph\.?d|j\.?d\.?|licen[cs]\w*|certif\w*|"
    r"required|requires?|must|should have|ability to|skills? in|fluent|fluency|"
    r"understanding of|hands-on|background in|track record|preferred|a plus)\b",
    re.IGNORECASE)
NOT_A_REQUIREMENT = re.compile(
    r"^(?:to apply|apply|please|send|we offer|salary|email|job type|work location|location|"
    r"schedule|pay|pay range|competitive|compensation|benefits?|position type|this position|"
    r"physical setting|(?:[\w/'’&-]+\s?){1,5}:$)", re.IGNORECASE)
NICE_MARKERS = re.compile(r"\b(?:preferred|nice to have|nice-to-have|a plus|bonus|ideally)\b",
                          re.IGNORECASE)
SENIORITY = ("intern", "junior", "associate", "mid-level", "senior", "staff", "principal",
             "lead", "head", "director", "vp")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15}
# "5+ years", "3-5 years" (the floor counts), "10 to 15 yrs", "three (3) years", "five years".
YEARS = re.compile(r"\b(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")(?:\s*\(\d{1,2}\))?"
                   r"(?:\s*(?:-|–|to)\s*\d{1,2})?\s*\+?\s*(?:years?|yrs)\b", re.IGNORECASE)
TITLE_SPLIT = re.compile(r"\s+(?:—|–|-|\||@|at)\s+")


def parse_jd(text: str) -> JobDescription:
    """Clean, then read the title line, the requirement sections, and the skills named."""
    cleaned, removed = drop_instructions(text)
    raw = [line for line in cleaned.splitlines() if line.strip()]
    if len(" ".join(raw)) < 30:
        raise BadInput("The job description is empty or too short. Paste the whole posting "
                       "(title, responsibilities and requirements).")
    title, company = _title_and_company(re.sub(r"^title:\s*", "", clean_line(raw[0]),
                                               flags=re.IGNORECASE))
    sections = _sections(segment_lines("\n".join(raw[1:])))
    requirements = [Requirement(text=line, kind=_kind(kind, line))
                    for kind, line in sections if kind in ("must", "nice")]
    if len(requirements) < MIN_SECTION_REQUIREMENTS:
        requirements = _flat_requirements(sections, requirements)
    job_lines = "\n".join(line for kind, line in sections if kind not in ("skip", "intro"))
    return JobDescription(
        title=title, company=company, seniority=_seniority(title, requirements),
        requirements=requirements, removed=removed, text=cleaned,
        skills=skills_in("\n".join(r.text for r in requirements)),
        keywords=skills_in(job_lines))


def _kind(section: str, line: str) -> RequirementKind:
    return "nice" if section == "nice" or NICE_MARKERS.search(line) else "must"


def _flat_requirements(sections: list[tuple[str, str]],
                       found: list[Requirement]) -> list[Requirement]:
    """A posting without requirement headings (one flat paragraph): its sentences that ask
    for something (years, a degree, a licence, "experience with", "knowledge of") or name a
    tool of the vocabulary in a duty sentence (see `_names_a_tool`), wherever they stand;
    failing those, its duty sentences, which still say what the work is."""
    seen = {r.text for r in found}
    sections = [(kind, sentence) for kind, line in sections
                for sentence in ([line] if kind in ("must", "nice")
                                 else requirement_sentences(line))]
    asking = [(kind, line) for kind, line in sections if line not in seen and
              kind != "skip" and (REQUIREMENT_CUE.search(line) or _names_a_tool(kind, line)) and
              not NOT_A_REQUIREMENT.match(line) and len(line.split()) >= 2]
    if not asking and not found:
        asking = [(kind, line) for kind, line in sections if kind in ("duty", "intro") and
                  len(line.split()) >= 4 and not NOT_A_REQUIREMENT.match(line)]
    return [*found, *(Requirement(text=line, kind=_kind(kind, line)) for kind, line in asking)]


def _names_a_tool(kind: str, line: str) -> bool:
    """A duty sentence naming a vocabulary tool (the kit's or O*NET's: "You will build the
    budgets in Oracle Hyperion") asks for that tool. Intro sentences do not count: the
    company blurb names its own products (measured: counting them cost tune AUC 0.004 and
    top-1 0.05, DECISIONS.md 2026-12-07)."""
    return kind == "duty" and bool(skills_in(line))


def _title_and_company(line: str) -> tuple[str, str]:
    """'Title — Company' (or with '-', '|', 'at'); a title may hold commas."""
    parts = [part.strip() for part in TITLE_SPLIT.split(line) if part.strip()]
    if len(parts) < 2:
        return line, ""
    return " ".join(parts[:-1]), parts[-1]


def _heading_kind(line: str) -> str | None:
    """'must', 'nice' or 'other' for a heading line; None for a line that is not a heading
    (a sentence ending in a full stop, "CPA preferred.", is a requirement, not a heading)."""
    if BULLET.match(line) or len(line) > 70 or line.rstrip().endswith("."):
        return None
    text = clean_line(line).lower().replace("\u2019", "'").rstrip(":")
    if not (line.lstrip().startswith("#") or line.rstrip().endswith(":") or len(text) < 40):
        return None
    for kind, words in (("nice", NICE_HEADINGS), ("must", MUST_HEADINGS),
                        ("duty", DUTY_HEADINGS), ("skip", SKIP_HEADINGS)):
        if any(word in text for word in words):
            return kind
    return None


def _sections(lines: list[str]) -> list[tuple[str, str]]:
    """(section kind, cleaned line) for each body line; the intro before any heading is
    'intro' (company blurb, or a flat posting's one paragraph). In a must/nice section every
    line is a requirement, bulleted or not, because HTML and Word lists lose their bullet
    marks when loaded."""
    section, found = "intro", []
    for line in lines:
        kind = _heading_kind(line)
        if kind:
            section = kind
        elif section in ("must", "nice") and (len(line) > MAX_REQUIREMENT_CHARS or
                                              NOT_A_REQUIREMENT.match(clean_line(line)) or
                                              len(clean_line(line)) < 3):
            found.append(("skip", clean_line(line)))
        else:
            found.append((section, clean_line(line)))
    return found


def _seniority(title: str, requirements: list[Requirement]) -> str:
    words = title.lower().replace("sr.", "senior").split()
    level = next((word for word in SENIORITY if word in words), "")
    years = [_count(m.group(1)) for r in requirements for m in YEARS.finditer(r.text)]
    if years:
        return f"{level or 'experienced'} ({max(years)}+ years)".strip()
    return level or "not stated"


def required_years(text: str) -> int | None:
    """The N of "N+ years" in a requirement, if it asks for a length of experience."""
    match = YEARS.search(text)
    return _count(match.group(1)) if match else None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


__all__ = ["parse_jd", "required_years"]
