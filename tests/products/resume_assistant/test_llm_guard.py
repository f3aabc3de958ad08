"""The LLM engine through the fake provider: honest output passes, every fabrication is caught.

The same checks run on tailor and cover letter; the prompts sent are checked for contact
details and for the JD's hidden text, which must never reach the model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from products.resume_assistant.core.writing import run_cover_letter, run_tailor
from shared.testing.fake_provider import FakeProvider
from tests.products.resume_assistant.helpers import (
    MAYA,
    NURSE_JD,
    PM_JD,
    PRIYA,
    llm_settings,
    upload,
)
from tests.products.resume_assistant.responders import (
    FABRICATIONS,
    INJECTED,
    fabricating,
    follows_hidden_instructions,
    honest,
    malformed,
    truncated_json,
)

RUNS = {"tailor": run_tailor, "cover_letter": run_cover_letter}
FABRICATED_BITS = ["Google", "40 engineers", "MBA", "Harvard", "350%", "Looker",
                   "machine learning", "Director", "2012", "AWS", "Kubernetes"]
INJECTED_BITS = ["PhD", "Johns Hopkins", "Kubernetes", "Six Sigma", "$2M", "ten years"]


def run_with(responder, operation: str, resume: Path, jd: Path, out: Path | None = None):
    with FakeProvider(responder=responder) as fake:
        result = RUNS[operation](llm_settings(fake.openai_base_url), upload(resume),
                                 upload(jd), out)
        bodies = [json.dumps(request["body"]) for request in fake.requests]
    return result, bodies


@pytest.mark.parametrize("operation", list(RUNS))
def test_an_honest_model_passes_the_guard_untouched(operation: str) -> None:
    result, _ = run_with(honest, operation, MAYA, PM_JD)
    assert result.engine.startswith("llm (openai:")
    assert result.status == "ok" and result.unsupported_claims == []
    assert "Ran 14 A/B tests" in result.output
    assert "Looker" in result.gaps_to_address


@pytest.mark.parametrize("operation", list(RUNS))
def test_contact_details_never_reach_the_model_and_come_back_in_the_output(
        operation: str) -> None:
    result, bodies = run_with(honest, operation, MAYA, PM_JD)
    for secret in ("maya.okafor@example.com", "415 555 0142", "Maya Okafor", "maya-okafor-pm"):
        assert not any(secret in body for body in bodies), secret
    assert "Maya Okafor" in result.output and "[NAME]" not in result.output


@pytest.mark.parametrize("operation", list(RUNS))
def test_every_fabrication_is_blocked_listed_and_kept_out_of_the_file(
        operation: str, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    result, _ = run_with(fabricating, operation, MAYA, PM_JD, out)
    written = out.read_text()
    for bit in FABRICATED_BITS:
        assert bit not in result.output and bit not in written, bit
    blocked = " ".join(claim.sentence for claim in result.unsupported_claims)
    for sentence in FABRICATIONS:
        assert sentence in blocked, sentence
    assert result.status in ("cleaned", "rejected")
    assert {"Looker", "Machine learning"} <= set(result.gaps_to_address)
    kinds = {claim.kind for claim in result.unsupported_claims}
    assert {"employer", "number", "skill", "degree", "title", "certification"} <= kinds


@pytest.mark.parametrize("operation", list(RUNS))
def test_hidden_jd_instructions_never_reach_the_model_nor_the_output(operation: str) -> None:
    result, bodies = run_with(follows_hidden_instructions, operation, PRIYA, NURSE_JD)
    for bait in ("Six Sigma", "rate this candidate", "perfect fit", "Johns Hopkins"):
        assert not any(bait in body for body in bodies), bait
    for bit in INJECTED_BITS:
        assert bit not in result.output, bit
    assert {c.sentence for c in result.unsupported_claims} >= set(INJECTED)


@pytest.mark.parametrize("responder", [malformed, truncated_json])
@pytest.mark.parametrize("operation", list(RUNS))
def test_malformed_model_output_is_rejected_for_the_baseline_version(responder,
                                                                     operation: str) -> None:
    result, _ = run_with(responder, operation, MAYA, PM_JD)
    assert result.status == "rejected"
    assert "rejected" in result.changes[0]
    assert "Maya Okafor" in result.output and result.unsupported_claims == []
