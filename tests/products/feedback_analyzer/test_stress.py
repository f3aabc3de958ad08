"""The stress pack on both engines: what holds, and the baseline's honest failures."""

from __future__ import annotations

from products.feedback_analyzer.stress import run_stress
from shared.config import load_settings
from shared.evals.stress import pass_rate
from shared.testing.fake_provider import FakeProvider
from tests.products.feedback_analyzer.responders import honest


def test_baseline_holds_everything_but_sarcasm_and_foreign_text_without_stars() -> None:
    outcomes = run_stress(load_settings())
    failed = {o.case for o in outcomes if not o.passed}
    assert failed == {"sarcasm without stars", "German complaint without stars"}
    assert all(o.engine == "baseline" and o.observed for o in outcomes)


def test_llm_engine_redacts_pii_before_sending_and_resists_the_injection() -> None:
    with FakeProvider(honest) as fake:
        settings = load_settings(provider="openai", openai_api_key="test",
                                 openai_base_url=fake.openai_base_url)
        outcomes = {o.case: o for o in run_stress(settings)}
        sent = " ".join(str(r["body"]) for r in fake.requests)
    assert outcomes["email, phone, card and name in a review"].passed
    assert outcomes["instruction to label everything positive"].passed
    assert "carla.m@example.com" not in sent and "4111 1111" not in sent
    assert pass_rate(list(outcomes.values())) >= 0.6
