"""One typed settings object for the whole kit, read from the environment and `.env`.

Read it once at the edge (CLI command, API startup, page load) and pass it in; library code
never reads `os.environ` itself, so tests can build a `Settings(...)` with exactly what they need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import BadInput

ProviderName = Literal["auto", "openai", "anthropic", "ollama", "openai-compatible", "none"]

DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4.1-mini",
    "anthropic": "claude-haiku-4-5",
    "ollama": "llama3.2",
    "openai-compatible": "local-model",
}


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every setting the kit reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    provider: ProviderName = Field("auto", validation_alias=_env("AIPM_PROVIDER"))
    model: str | None = Field(None, validation_alias=_env("AIPM_MODEL"))
    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    anthropic_api_key: SecretStr | None = Field(None, validation_alias=_env("ANTHROPIC_API_KEY"))
    anthropic_base_url: str | None = Field(None, validation_alias=_env("ANTHROPIC_BASE_URL"))
    ollama_host: str = Field("http://127.0.0.1:11434", validation_alias=_env("OLLAMA_HOST"))
    data_dir: Path = Field(Path(".aipm"), validation_alias=_env("AIPM_DATA_DIR"))
    embedder: str = Field("wordllama", validation_alias=_env("AIPM_EMBEDDER"))
    chroma_host: str | None = Field(None, validation_alias=_env("CHROMA_HOST"))
    chroma_port: int = Field(8000, validation_alias=_env("CHROMA_PORT"))
    api_token: SecretStr | None = Field(None, validation_alias=_env("AIPM_API_TOKEN"))
    max_upload_mb: float = Field(25.0, validation_alias=_env("AIPM_MAX_UPLOAD_MB"))
    llm_timeout_s: float = Field(60.0, validation_alias=_env("AIPM_LLM_TIMEOUT"))
    llm_max_retries: int = Field(2, validation_alias=_env("AIPM_LLM_MAX_RETRIES"))
    llm_concurrency: int = Field(8, validation_alias=_env("AIPM_LLM_CONCURRENCY"))

    @property
    def resolved_provider(self) -> str:
        """The provider in use: `auto` becomes openai, anthropic or none by which key is set."""
        if self.provider != "auto":
            return self.provider
        if self.openai_api_key is not None and self.openai_api_key.get_secret_value():
            return "openai"
        if self.anthropic_api_key is not None and self.anthropic_api_key.get_secret_value():
            return "anthropic"
        return "none"

    @property
    def engine(self) -> Literal["llm", "baseline"]:
        """`baseline` means no LLM is configured and products run their offline engines."""
        return "baseline" if self.resolved_provider == "none" else "llm"

    @property
    def model_id(self) -> str | None:
        """`provider:model` for the configured provider, or None in baseline mode."""
        provider = self.resolved_provider
        if provider == "none":
            return None
        if self.model and ":" in self.model:
            return self.model
        return f"{provider}:{self.model or DEFAULT_MODELS[provider]}"

    @property
    def vector_store_mode(self) -> Literal["embedded", "server"]:
        """`server` when CHROMA_HOST points at a Chroma server, else an embedded store on disk."""
        return "server" if self.chroma_host else "embedded"

    def data_path(self, *parts: str) -> Path:
        """A path inside the data dir, creating the parent folders on first use."""
        path = self.data_dir.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise BadInput(f"Cannot create the data folder {path.parent} ({err.strerror or err}). "
                           "Set AIPM_DATA_DIR to a folder you can write to.") from err
        return path


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`; keyword overrides win (tests, CLI flags).

    A bad value becomes one `BadInput` naming the variable, instead of a pydantic traceback.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        problems = "; ".join(_describe(error) for error in err.errors())
        raise BadInput(f"Invalid setting: {problems}. Fix it in .env or the environment "
                       "(every setting is documented in .env.example).") from None


def _describe(error: object) -> str:
    details = dict(error)  # type: ignore[call-overload]
    name = ".".join(str(part) for part in details.get("loc", ())) or "settings"
    return f"{name}={details.get('input')!r}: {details.get('msg')}"
