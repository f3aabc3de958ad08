"""Choosing a provider and model: parse_model_id, the registry, keys, and get_llm's errors."""

from __future__ import annotations

import pytest

from shared.config import load_settings
from shared.errors import BadInput, MissingKey
from shared.llm import PROVIDERS, LLMClient, get_llm, parse_model_id
from shared.llm._anthropic import AnthropicChat
from shared.llm._openai import OpenAIChat, ollama_base_url
from shared.llm.registry import build_backend
from shared.testing.fake_provider import FakeProvider
from tests.shared.llm.helpers import chat_requests, fake_settings


@pytest.mark.parametrize(("value", "provider", "model"), [
    ("openai:gpt-4.1-mini", "openai", "gpt-4.1-mini"),
    ("anthropic:claude-haiku-4-5", "anthropic", "claude-haiku-4-5"),
    ("ollama:llama3.2:3b", "ollama", "llama3.2:3b"),  # Ollama tags keep their colon
    ("openai-compatible:Qwen/Qwen2.5-7B", "openai-compatible", "Qwen/Qwen2.5-7B"),
])
def test_parse_model_id_splits_at_the_first_colon(value: str, provider: str, model: str) -> None:
    parsed = parse_model_id(value)
    assert (parsed.provider, parsed.model, str(parsed)) == (provider, model, value)


def test_parse_model_id_takes_a_default_provider_or_explains_the_form() -> None:
    assert parse_model_id("gpt-4.1", default_provider="openai").provider == "openai"
    with pytest.raises(BadInput, match="provider:model"):
        parse_model_id("gpt-4.1")
    with pytest.raises(BadInput, match="not of the form"):
        parse_model_id("openai:")


def test_every_provider_builds_its_wire_format() -> None:
    settings = load_settings(openai_api_key="k", anthropic_api_key="k",
                             openai_base_url="http://127.0.0.1:9/v1")
    kinds = {name: type(build_backend(name, settings).chat) for name in PROVIDERS}
    assert kinds == {"openai": OpenAIChat, "openai-compatible": OpenAIChat,
                     "ollama": OpenAIChat, "anthropic": AnthropicChat}
    capabilities = {name: (backend.embeddings is not None, backend.batches is not None)
                    for name in PROVIDERS if (backend := build_backend(name, settings))}
    assert capabilities == {"openai": (True, True), "openai-compatible": (True, False),
                            "ollama": (True, False), "anthropic": (False, True)}
    assert build_backend("openai-compatible", settings).provider == "openai-compatible"


def test_ollama_is_the_openai_wire_format_at_ollama_host_v1(fake_provider: FakeProvider) -> None:
    settings = load_settings(provider="ollama", ollama_host=fake_provider.url + "/",
                             llm_timeout_s=5.0)
    llm = get_llm(settings)  # no key needed
    assert (llm.provider, llm.model) == ("ollama", "llama3.2")
    result = llm.complete("hello ollama")
    assert result.cost_usd == 0.0 and result.input_tokens > 0  # local models are free
    (request,) = chat_requests(fake_provider)
    assert request["path"] == "/v1/chat/completions" and request["model"] == "llama3.2"
    assert llm.embed(["x"]).model == "nomic-embed-text"


@pytest.mark.parametrize(("ollama_host", "base_url"), [
    ("http://127.0.0.1:11434", "http://127.0.0.1:11434/v1"),
    ("127.0.0.1:11434", "http://127.0.0.1:11434/v1"),  # the form Ollama's own docs use
    ("localhost", "http://localhost:11434/v1"),  # a bare host means Ollama's port
    ("http://gpu-box:11434/v1/", "http://gpu-box:11434/v1"),  # no /v1/v1
    ("https://ollama.example.com", "https://ollama.example.com/v1"),
])
def test_ollama_host_is_read_the_way_ollama_reads_it(ollama_host: str, base_url: str) -> None:
    assert ollama_base_url(ollama_host) == base_url


def test_ollama_host_without_scheme_reaches_the_server(fake_provider: FakeProvider) -> None:
    host = fake_provider.url.removeprefix("http://")
    llm = get_llm(load_settings(provider="ollama", ollama_host=host, llm_timeout_s=5.0))
    assert llm.complete("hello").text
    with pytest.raises(BadInput, match=r"OLLAMA_HOST='127\.0\.0\.1:abc'"):
        get_llm(load_settings(provider="ollama", ollama_host="127.0.0.1:abc"))


def test_openai_compatible_needs_a_base_url_but_no_key(fake_provider: FakeProvider) -> None:
    with pytest.raises(MissingKey, match="OPENAI_BASE_URL"):
        get_llm(load_settings(provider="openai-compatible"))
    settings = load_settings(provider="openai-compatible", model="my-local-model",
                             openai_base_url=fake_provider.openai_base_url)
    result = get_llm(settings).complete("hello vllm")
    assert (result.provider, result.model, result.cost_usd) == (
        "openai-compatible", "my-local-model", 0.0)
    assert "max_tokens" in chat_requests(fake_provider)[0]["body"]  # the widely known name


def test_baseline_mode_raises_missing_key_naming_what_to_do() -> None:
    settings = load_settings()
    assert settings.engine == "baseline"
    with pytest.raises(MissingKey, match=r"OPENAI_API_KEY.*aipm doctor"):
        get_llm(settings, product="rag_search")


def test_openai_without_a_key_is_missing_key() -> None:
    with pytest.raises(MissingKey, match=r"No OPENAI_API_KEY set\. Add it to \.env"):
        get_llm(load_settings(provider="openai"))
    with pytest.raises(MissingKey, match="ANTHROPIC_API_KEY"):
        get_llm(load_settings(provider="openai", openai_api_key="k"),
                model="anthropic:claude-haiku-4-5")


def test_a_model_override_picks_its_own_provider(fake_provider: FakeProvider) -> None:
    settings = load_settings(anthropic_api_key="k", openai_api_key="k",
                             openai_base_url=fake_provider.openai_base_url)
    assert settings.resolved_provider == "openai"
    llm = get_llm(settings, model="anthropic:claude-sonnet-4-5")
    assert (llm.provider, llm.model, type(llm.backend.chat)) == (
        "anthropic", "claude-sonnet-4-5", AnthropicChat)
    assert get_llm(settings, model="gpt-4.1").model == "gpt-4.1"  # bare: configured provider


def test_an_explicit_key_argument_wins_over_settings(fake_provider: FakeProvider) -> None:
    settings = load_settings(provider="openai", openai_base_url=fake_provider.openai_base_url)
    llm = LLMClient(settings, "openai:gpt-4.1-mini", api_key="from-argument")
    assert llm.complete("hi").text.startswith("Fake reply")


def test_an_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(BadInput, match="openai, anthropic, ollama, openai-compatible"):
        get_llm(load_settings(openai_api_key="k"), model="mistral:large")


def test_sdk_clients_are_built_once_per_client(fake_provider: FakeProvider) -> None:
    llm = get_llm(fake_settings(fake_provider))
    backend = llm.backend
    assert isinstance(backend.chat, OpenAIChat)
    sdk_client = backend.chat.sdk.client
    llm.complete("one")
    llm.complete("two")
    assert llm.backend is backend and backend.chat.sdk.client is sdk_client
    assert str(sdk_client.base_url).rstrip("/") == fake_provider.openai_base_url
    assert (sdk_client.max_retries, sdk_client.timeout) == (1, 1.0)
