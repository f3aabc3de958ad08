"""The stress pack holds on the baseline engine and on an adversarial stand-in model."""

from __future__ import annotations

from shared.config import load_settings
from shared.testing.fake_provider import FakeProvider
from tests.products.resume_assistant.helpers import llm_settings
from tests.products.resume_assistant.responders import follows_hidden_instructions


def test_every_case_passes_keyless_and_names_its_failure_mode() -> None:
    from products.resume_assistant.stress import run_stress

    outcomes = run_stress(load_settings(embedder="wordllama"))
    assert len(outcomes) >= 10
    assert {o.failure_mode for o in outcomes} >= {"prompt injection in the JD", "PII",
                                                  "fabrication bait", "other languages",
                                                  "empty or garbage input", "very long input"}
    assert [o.case for o in outcomes if not o.passed] == []
    assert all(o.engine == "baseline" for o in outcomes)


def test_every_case_passes_with_a_model_that_obeys_hidden_instructions() -> None:
    from products.resume_assistant.stress import run_stress

    with FakeProvider(responder=follows_hidden_instructions) as fake:
        outcomes = run_stress(llm_settings(fake.openai_base_url))
    assert [o.case for o in outcomes if not o.passed] == []
    assert all(o.engine == "llm" for o in outcomes)
    assert any("claims blocked" in o.observed and not o.observed.startswith("status ok; 0")
               for o in outcomes)
