"""Everything the kit knows about an LLM provider, one `ProviderSpec` entry each.

Settings validate `AIPM_PROVIDER` against this table, the LLM client builds a backend from the
entry's wire format, error messages take their hints from it, pricing treats a `local` provider
as free, and `aipm doctor` checks each entry's key. So adding an OpenAI-compatible host (Groq,
Together, a company gateway) is one `register_provider(ProviderSpec(...))` call, or one entry
below for a built-in. This module imports nothing heavy: `shared.config` reads it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.errors import BadInput

Wire = Literal["openai", "anthropic"]
NOT_A_PROVIDER = ("auto", "none")  # AIPM_PROVIDER values that name no entry


@dataclass(frozen=True)
class ProviderSpec:
    """One provider: how to talk to it, which model it uses unless told, and what to set.

    `key_env` / `base_url_env` are the environment variables (also read from `.env`) that
    configure it; `hint` is what a person should check when the host cannot be reached.
    """

    name: str
    wire: Wire
    default_model: str
    key_env: str | None = None
    key_required: bool = True
    base_url_env: str | None = None
    default_base_url: str | None = None
    base_url_required: bool = False
    embedding_model: str | None = None  # None: the provider has no embeddings API
    local: bool = False  # runs on your hardware: free per token, no pricing entry needed
    batches: bool = False  # has a batch API the kit speaks (OpenAI's, Anthropic's)
    hint: str = ""
    backend: str | None = None  # "module:factory(settings, spec)"; None: the wire's default

    @property
    def factory(self) -> str:
        """The import path of the function that builds this provider's backend."""
        return self.backend or f"shared.llm._{self.wire}:backend_for"

    @property
    def key_hint(self) -> str:
        """What to check when the provider rejects the key."""
        if self.key_env is None:
            check = self.hint or "check its address"
            return f"{self.title} needs no key; {check[0].lower()}{check[1:]}"
        url = self.base_url_env if self.base_url_required else None
        return f"Check {' and '.join(n for n in (self.key_env, url) if n)} in .env"

    @property
    def title(self) -> str:
        return self.name.capitalize() if self.name.isalpha() else self.name

    @property
    def auto_detectable(self) -> bool:
        """`AIPM_PROVIDER=auto` picks a provider by its key only when the key alone suffices."""
        return self.key_env is not None and self.key_required and not self.base_url_required


PROVIDERS: dict[str, ProviderSpec] = {
    spec.name: spec for spec in (
        ProviderSpec(
            "openai", "openai", "gpt-4.1-mini", key_env="OPENAI_API_KEY",
            base_url_env="OPENAI_BASE_URL", embedding_model="text-embedding-3-small",
            batches=True, hint="Check your network (and OPENAI_BASE_URL if you set one)"),
        ProviderSpec(
            "anthropic", "anthropic", "claude-haiku-4-5", key_env="ANTHROPIC_API_KEY",
            base_url_env="ANTHROPIC_BASE_URL", batches=True,
            hint="Check your network (and ANTHROPIC_BASE_URL if you set one); "
                 "status.anthropic.com shows outages"),
        ProviderSpec(
            "ollama", "openai", "llama3.2", base_url_env="OLLAMA_HOST",
            embedding_model="nomic-embed-text", local=True,
            hint="Start Ollama (`ollama serve`) and check OLLAMA_HOST",
            backend="shared.llm._openai:ollama_backend"),
        ProviderSpec(
            "openai-compatible", "openai", "local-model", key_env="OPENAI_API_KEY",
            key_required=False, base_url_env="OPENAI_BASE_URL", base_url_required=True,
            embedding_model="text-embedding-3-small", local=True,
            hint="Check that the server is running and OPENAI_BASE_URL points at it"),
    )
}


def register_provider(spec: ProviderSpec) -> ProviderSpec:
    """Add (or replace) a provider; settings, the client, pricing and doctor all see it."""
    if spec.name in NOT_A_PROVIDER or ":" in spec.name:
        raise BadInput(f"'{spec.name}' cannot name a provider (reserved, or contains ':').")
    PROVIDERS[spec.name] = spec
    return spec


def unregister_provider(name: str) -> None:
    """Remove a provider added with `register_provider` (tests clean up with it)."""
    PROVIDERS.pop(name, None)


def known_provider_names() -> list[str]:
    """What AIPM_PROVIDER accepts, for error messages."""
    return [*PROVIDERS, *NOT_A_PROVIDER]


def find_provider(name: str) -> ProviderSpec | None:
    """The entry for `name`, or None (no error: callers decide what a miss means)."""
    return PROVIDERS.get(name)


def host_hint(name: str) -> str:
    """What to check when `name` cannot be reached."""
    spec = find_provider(name)
    return spec.hint if spec and spec.hint else "Check the provider's address and your network"


def key_hint(name: str) -> str:
    """What to check when `name` rejects the key."""
    spec = find_provider(name)
    return spec.key_hint if spec else "Check the API key"


def is_local(name: str) -> bool:
    """True for providers that run on your own hardware (free per token)."""
    spec = find_provider(name)
    return bool(spec and spec.local)


__all__ = [
    "NOT_A_PROVIDER",
    "PROVIDERS",
    "ProviderSpec",
    "find_provider",
    "host_hint",
    "is_local",
    "key_hint",
    "known_provider_names",
    "register_provider",
    "unregister_provider",
]
