"""Provider name -> backend factory: the one place that knows which wire format a provider speaks.

Entries are import paths ("module:attribute"), loaded on first use, so importing `shared.llm`
costs nothing until a call is made (the CLI's `--help` never pays for the SDKs), and a
provider's module can be added or replaced without touching the client. Adding a provider
is one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from shared.config import Settings
from shared.errors import BadInput, MissingKey
from shared.llm.types import ChatBackend

BackendFactory = Callable[[Settings], ChatBackend]
NO_LLM_MESSAGE = (
    "No LLM is configured, so the products run their baseline engines. To use an LLM, add "
    "OPENAI_API_KEY (or ANTHROPIC_API_KEY) to .env, or start Ollama and set "
    "AIPM_PROVIDER=ollama; or run `aipm doctor`."
)


@dataclass(frozen=True)
class ProviderSpec:
    """How to build one provider's backend, and its default embedding model (None: no embeddings).

    `backend` is "module:function", a factory(settings) that checks the provider's key.
    """

    backend: str
    embedding_model: str | None = None
    key_setting: str | None = None  # the Settings field an explicit `api_key=` argument replaces


def anthropic_backend(settings: Settings) -> ChatBackend:
    """Anthropic's Messages API (`shared.llm._anthropic`); needs ANTHROPIC_API_KEY."""
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else ""
    if not key:
        raise MissingKey("No ANTHROPIC_API_KEY set. Add it to .env, or run `aipm doctor`.")
    from shared.llm._anthropic import AnthropicBackend

    return AnthropicBackend(settings, key, settings.anthropic_base_url)


PROVIDERS: dict[str, ProviderSpec] = {
    "openai": ProviderSpec(
        "shared.llm._openai:openai_backend", "text-embedding-3-small", "openai_api_key"),
    "openai-compatible": ProviderSpec(
        "shared.llm._openai:openai_compatible_backend", "text-embedding-3-small",
        "openai_api_key"),
    "ollama": ProviderSpec("shared.llm._openai:ollama_backend", "nomic-embed-text"),
    "anthropic": ProviderSpec("shared.llm.registry:anthropic_backend", None, "anthropic_api_key"),
}


def provider_spec(provider: str) -> ProviderSpec:
    """The spec for a provider name, or a clear error listing the ones that exist."""
    if provider == "none":
        raise MissingKey(NO_LLM_MESSAGE)
    try:
        return PROVIDERS[provider]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise BadInput(f"Unknown provider '{provider}'. Use one of: {known}.") from None


def embedding_model_for(provider: str) -> str:
    """The provider's default embedding model, or a clear error when it has none."""
    default = provider_spec(provider).embedding_model
    if default is None:
        raise BadInput(f"{provider} has no embeddings API. Use AIPM_EMBEDDER=hashing "
                       "(offline), openai or ollama for embeddings.")
    return default


def settings_with_key(settings: Settings, provider: str, api_key: str | None) -> Settings:
    """Settings with an explicit `api_key=` argument in place of the configured key."""
    field = provider_spec(provider).key_setting
    if api_key is None or field is None:
        return settings
    return settings.model_copy(update={field: SecretStr(api_key)})


def backend_factory(provider: str) -> BackendFactory:
    """Import (once; Python caches modules) and return the factory for `provider`."""
    module_name, _, attribute = provider_spec(provider).backend.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def build_backend(provider: str, settings: Settings) -> ChatBackend:
    """A ready backend: SDK clients built, keys checked (MissingKey when absent)."""
    return backend_factory(provider)(settings)


__all__ = [
    "NO_LLM_MESSAGE",
    "PROVIDERS",
    "BackendFactory",
    "ProviderSpec",
    "anthropic_backend",
    "backend_factory",
    "build_backend",
    "embedding_model_for",
    "provider_spec",
    "settings_with_key",
]
