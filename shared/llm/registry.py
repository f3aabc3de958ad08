"""Provider name -> backend: builds a provider's `Backend` from its `ProviderSpec`.

The specs themselves live in `shared.providers` (settings validate against them without
importing the LLM layer); adding a provider is one `register_provider(ProviderSpec(...))`.
Factories are import paths ("module:function"), loaded on first use, so importing `shared.llm`
costs nothing until a call is made (the CLI's `--help` never pays for the SDKs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from shared.config import Settings
from shared.errors import BadInput, MissingKey
from shared.llm.types import Backend
from shared.providers import (
    PROVIDERS,
    ProviderSpec,
    register_provider,
)

BackendFactory = Callable[[Settings, ProviderSpec], Backend]
NO_LLM_MESSAGE = (
    "No LLM is configured, so the products run their baseline engines. To use an LLM, add "
    "OPENAI_API_KEY (or ANTHROPIC_API_KEY) to .env, or start Ollama and set "
    "AIPM_PROVIDER=ollama; or run `aipm doctor`."
)


def provider_spec(provider: str) -> ProviderSpec:
    """The spec for a provider name, or a clear error listing the ones that exist."""
    if provider == "none":
        raise MissingKey(NO_LLM_MESSAGE)
    try:
        return PROVIDERS[provider]
    except KeyError:
        known = ", ".join(PROVIDERS)
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
    name = provider_spec(provider).key_env
    if api_key is None or name is None:
        return settings
    return settings.with_env_value(name, api_key)


def backend_factory(provider: str) -> BackendFactory:
    """Import (once; Python caches modules) and return the factory for `provider`."""
    module_name, _, attribute = provider_spec(provider).factory.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def build_backend(provider: str, settings: Settings) -> Backend:
    """A ready backend: SDK clients built, keys checked (MissingKey when absent)."""
    return backend_factory(provider)(settings, provider_spec(provider))


__all__ = [
    "NO_LLM_MESSAGE",
    "PROVIDERS",
    "BackendFactory",
    "ProviderSpec",
    "backend_factory",
    "build_backend",
    "embedding_model_for",
    "provider_spec",
    "register_provider",
    "settings_with_key",
]
