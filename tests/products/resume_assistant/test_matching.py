"""Evidence choice: the line naming the requirement's tool, and a partly met requirement."""

from __future__ import annotations

from products.resume_assistant.core.analyze import analyze
from products.resume_assistant.core.jd_parser import parse_jd
from products.resume_assistant.core.matching import (
    ResumeIndex,
    match_requirements,
    similarity_threshold,
)
from products.resume_assistant.core.models import Requirement, RequirementResult
from products.resume_assistant.core.resume_parser import parse_resume
from products.resume_assistant.core.service import embedder_for
from tests.products.resume_assistant.helpers import DATA, MAYA, keyless_settings

FERNWAY = DATA / "jobs" / "product_analyst_fernway.txt"
AMPLITUDE = "Experience with Amplitude or Mixpanel."
SQL_AND_PYTHON = "SQL and Python."
ANALYTICS_ONLY = """# Lee Park

lee@example.com

## Summary

Product manager who turns product analytics into roadmaps.

## Experience

### Product Manager — Quillby
Jan 2019 – Present
- Ran weekly reviews of product analytics with the design team.
"""


def verdicts(resume_text: str, *texts: str) -> dict[str, RequirementResult]:
    embedder = embedder_for(keyless_settings())
    index = ResumeIndex.build(parse_resume(resume_text), embedder)
    results = match_requirements(index, [Requirement(text=t, kind="must") for t in texts],
                                 similarity_threshold(embedder.name))
    return {r.text: r for r in results}


def test_a_tool_requirement_quotes_the_line_that_names_the_tool() -> None:
    result = verdicts(MAYA.read_text(), AMPLITUDE)[AMPLITUDE]
    assert result.met
    assert "Amplitude" in result.evidence and "funnel analysis" in result.evidence


def test_a_line_naming_neither_tool_is_no_evidence_for_x_or_y() -> None:
    result = verdicts(ANALYTICS_ONLY, AMPLITUDE)[AMPLITUDE]
    assert not result.met and result.evidence == ""


def test_a_partly_met_requirement_quotes_the_part_met_and_names_the_part_missing() -> None:
    result = verdicts(MAYA.read_text(), SQL_AND_PYTHON)[SQL_AND_PYTHON]
    assert not result.met
    assert "SQL" in result.evidence and "Python" not in result.evidence
    assert result.how.startswith("partly met") and "missing: Python" in result.how
    assert result.evidence in MAYA.read_text()


def test_a_partly_met_gap_tip_names_only_the_missing_part() -> None:
    embedder = embedder_for(keyless_settings())
    index = ResumeIndex.build(parse_resume(MAYA.read_text()), embedder)
    jd = parse_jd(FERNWAY.read_text())
    tips = analyze(index, jd, similarity_threshold(embedder.name), "baseline").suggestions
    assert "Partly met: 'SQL and Python'; missing: Python. Address it in the cover letter " \
        "only if it is true; never add it to the résumé unproven." in tips
    assert not any(tip.startswith("Gap: 'SQL and Python'") for tip in tips)
