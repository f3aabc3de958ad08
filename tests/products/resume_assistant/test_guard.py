"""The no-fabrication guard on hand-written sentences: what it blocks, what it lets through."""

from __future__ import annotations

import pytest

from products.resume_assistant.core.guard import GuardContext, guard_units, unsupported_in
from products.resume_assistant.core.jd_parser import parse_jd
from products.resume_assistant.core.loading import jd_text, resume_text
from products.resume_assistant.core.resume_parser import parse_resume
from tests.products.resume_assistant.helpers import MAYA, PM_JD, upload


@pytest.fixture(scope="module")
def context() -> GuardContext:
    resume = parse_resume(resume_text(*upload(MAYA)))
    return GuardContext(resume, parse_jd(jd_text(*upload(PM_JD))[0]))


@pytest.mark.parametrize("sentence", [
    "Led the redesign of invoice reconciliation for 4,000 mid-market customers, cutting "
    "manual matching time by 38%.",
    "Ran fourteen A/B tests on onboarding, lifting activation from 41% to 52%.",  # 14 spelled
    "Senior product manager with nine years in B2B SaaS, experimentation and stakeholder "
    "management.",  # synonyms of skills the résumé shows
    "Certified Scrum Product Owner (CSPO), Scrum Alliance, 2019.",
    "Mentored two associate product managers through their first launches.",
    "Experienced in SQL, Amplitude and pricing at Ledgerline and Tidewater Payments.",
])
def test_supported_sentences_pass(context: GuardContext, sentence: str) -> None:
    assert unsupported_in(sentence, context) == []


@pytest.mark.parametrize(("sentence", "kind", "claim"), [
    ("At Google I led a team of 40 engineers.", "employer", "Google"),
    ("At Google I led a team of 40 engineers.", "number", "40"),
    ("Holds an MBA from Stanford University.", "degree", "mba"),
    ("Holds an MBA from Stanford University.", "institution", "Stanford"),
    ("Built Looker dashboards.", "skill", "Looker"),
    ("Grew revenue by 350% as head of growth.", "number", "350%"),
    ("Grew revenue by 350% as head of growth.", "title", "head"),
    ("Promoted to Director of Product.", "title", "director"),
    ("Shipped features used by twelve thousand merchants.", "number", "twelve thousand"),
    ("Certified Scrum Master since 2019.", "certification", "Certified Scrum Master since "
                                                           "2019."),
    ("Worked in Kubernetes with k8s operators.", "skill", "Kubernetes"),
])
def test_fabrications_are_blocked_with_their_kind(context: GuardContext, sentence: str,
                                                   kind: str, claim: str) -> None:
    found = {(c.kind, c.claim) for c in unsupported_in(sentence, context)}
    assert (kind, claim) in found


def test_guard_units_keeps_clean_units_in_order_and_reports_jd_gaps(
        context: GuardContext) -> None:
    units = ["Ran 14 A/B tests on the onboarding flow.", "Expert in Looker.",
             "Owned the 2023 pricing and packaging change."]
    result = guard_units(units, context)
    assert result.kept == [units[0], units[2]]
    assert result.gaps == ["Looker"] and result.removed == 1


def test_letters_may_name_the_job_and_company_but_resumes_may_not(
        context: GuardContext) -> None:
    sentence = "I am applying for the Senior Product Manager, Growth role at Northwind Ledger."
    letter = GuardContext(context.resume, context.jd, allow_job_names=True)
    assert unsupported_in(sentence, letter) == []
    assert {c.claim for c in unsupported_in(sentence, context)} >= {"Northwind", "Ledger"}
