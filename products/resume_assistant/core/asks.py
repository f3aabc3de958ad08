"""What a posting asks for, as facts: years, degree level, certifications, languages, skills.

Read from its requirement lines (`jd_parser`), so a flat posting's sentences count too.
Shown beside a ranked posting, and a quick check that a posting was read at all.
"""

from __future__ import annotations

import re

from products.resume_assistant.core.degrees import LEVELS, degree_level
from products.resume_assistant.core.jd_parser import required_years
from products.resume_assistant.core.models import Requirement
from products.resume_assistant.core.skills import skills_in

LANGUAGES = ("English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch",
             "Mandarin", "Chinese", "Cantonese", "Japanese", "Korean", "Arabic", "Hindi",
             "Russian", "Polish", "Turkish", "Vietnamese", "Tagalog", "Bengali", "Urdu")
LANGUAGE_CUE = re.compile(r"\b(?:fluen\w*|speak\w*|spoken|written|bilingual|language|"
                          r"proficien\w*|native)\b", re.IGNORECASE)
CERTIFICATE = re.compile(
    r"\b(?:[A-Z][\w&/-]*\s){0,4}(?:certifi\w+|licen[cs]e\w*|accreditation|clearance)\b|"
    r"\b(?:CPA|PMP|CFA|ACCA|CISSP|CISA|CCNA|CCNP|PE|EIT|RN|LPN|CDL|SHRM-CP|PHR|OSHA \d+)\b")
LEVEL_NAMES = {level: name for name, (level, _) in LEVELS.items()}


def posting_asks(requirements: list[Requirement]) -> dict[str, object]:
    """{years, degree, certifications, languages, skills} read from the requirement lines."""
    texts = [r.text for r in requirements]
    years = [y for y in (required_years(t) for t in texts) if y]
    level = max((degree_level(t) for t in texts), default=0)
    certificates = list(dict.fromkeys(m.group(0).strip() for t in texts
                                      for m in CERTIFICATE.finditer(t)))
    languages = [name for name in LANGUAGES if any(
        re.search(rf"\b{name}\b", t) and LANGUAGE_CUE.search(t) for t in texts)]
    return {"years": max(years) if years else None, "degree": LEVEL_NAMES.get(level),
            "certifications": certificates, "languages": languages,
            "skills": skills_in("\n".join(texts))}


__all__ = ["posting_asks"]
