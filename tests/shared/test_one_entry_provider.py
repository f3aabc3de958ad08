"""Adding a provider is one entry: register an OpenAI-compatible host once (`ACME`, pointed at the
fake provider) and settings, the client, pricing, `aipm doctor` and `aipm doctor --json` all
know it, with no other file touched."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from frontdoors.cli import app
from frontdoors.doctor import run_doctor
from shared.config import load_settings
from shared.errors import BadInput, BadKey
from shared.llm import get_llm
from shared.providers import ProviderSpec, register_provider, unregister_provider
from shared.testing.fake_provider import FakeProvider

ACME = ProviderSpec("acme", "openai", "acme-chat-1", key_env="ACME_API_KEY",
                    base_url_env="ACME_BASE_URL", hint="Check status.acme.test")


@pytest.fixture
def acme(fake_provider: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    """The one entry, and the two variables a user would put in .env."""
    register_provider(ACME)
    monkeypatch.setenv("ACME_API_KEY", "acme-test-key")
    monkeypatch.setenv("ACME_BASE_URL", fake_provider.openai_base_url)
    yield fake_provider
    unregister_provider("acme")


def test_settings_accept_it_by_name_and_default_its_model(acme: FakeProvider) -> None:
    settings = load_settings(provider="acme", llm_max_retries=0)
    assert (settings.resolved_provider, settings.model_id) == ("acme", "acme:acme-chat-1")
    assert settings.env_value("ACME_API_KEY") == "acme-test-key"
    assert "acme-test-key" not in repr(settings)


def test_auto_picks_it_by_its_key_alone(acme: FakeProvider) -> None:
    assert load_settings().resolved_provider == "acme"


def test_the_client_calls_it_with_its_key_and_base_url(acme: FakeProvider) -> None:
    llm = get_llm(load_settings(provider="acme", llm_max_retries=0), product="tests")
    result = llm.complete("hello acme")
    assert result.text.startswith("Fake reply") and result.provider == "acme"
    request = acme.requests[-1]
    assert request["model"] == "acme-chat-1"
    assert llm.backend.chat.sdk.client.api_key == "acme-test-key"  # type: ignore[attr-defined]


def test_it_has_only_the_capabilities_its_entry_lists(acme: FakeProvider) -> None:
    llm = get_llm(load_settings(provider="acme"))
    assert llm.backend.embeddings is None and llm.backend.batches is None
    with pytest.raises(BadInput, match="acme has no embeddings API"):
        llm.embed(["x"])


def test_its_hints_come_from_the_entry(acme: FakeProvider) -> None:
    acme.queue_faults("401")
    with pytest.raises(BadKey, match=r"Check ACME_API_KEY in \.env"):
        get_llm(load_settings(provider="acme", llm_max_retries=0)).complete("hi")


def test_doctor_checks_its_key_and_makes_the_call(acme: FakeProvider) -> None:
    report = run_doctor(load_settings(provider="acme", llm_max_retries=0))
    checks = {check.name: check for check in report.checks}
    assert report.ok and report.provider == "acme"
    assert checks["ACME_API_KEY"].state == "pass"
    assert checks["LLM call (acme:acme-chat-1)"].ok


def test_aipm_doctor_json_shows_it(acme: FakeProvider) -> None:
    result = CliRunner().invoke(app, ["doctor", "--json"],
                                env={"AIPM_PROVIDER": "acme", "AIPM_LLM_MAX_RETRIES": "0"})
    report = json.loads(result.stdout)
    names = [check["name"] for check in report["checks"]]
    assert result.exit_code == 0, report
    assert report["model"] == "acme:acme-chat-1" and "ACME_API_KEY" in names


def test_a_missing_key_fails_the_doctor_only_when_acme_is_chosen(
        acme: FakeProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_API_KEY")
    optional = {c.name: c for c in run_doctor(load_settings()).checks}["ACME_API_KEY"]
    needed = {c.name: c for c in run_doctor(load_settings(provider="acme")).checks}
    assert optional.state == "info" and needed["ACME_API_KEY"].state == "fail"


def test_an_unregistered_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(BadInput, match="unknown provider; use one of: openai, anthropic"):
        load_settings(provider="acme")
