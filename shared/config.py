"""One typed settings object for the whole kit, read from the environment and `.env`.

Read it once at the edge (CLI command, API startup, page load) and pass it in; library code
never reads `os.environ` itself, so tests can build a `Settings(...)` with exactly what they need.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

from dotenv import dotenv_values
from pydantic import (
    AliasChoices,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import BadInput
from shared.providers import NOT_A_PROVIDER, PROVIDERS, known_provider_names


class _DefaultModels(Mapping[str, str]):
    """provider -> default model, read live from the provider registry (added ones included)."""

    def __getitem__(self, provider: str) -> str:
        return PROVIDERS[provider].default_model

    def __iter__(self) -> Iterator[str]:
        return iter(PROVIDERS)

    def __len__(self) -> int:
        return len(PROVIDERS)


DEFAULT_MODELS: Mapping[str, str] = _DefaultModels()


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every setting the kit reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    provider: str = Field("auto", validation_alias=_env("AIPM_PROVIDER"))
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
    chroma_timeout_s: float = Field(10.0, gt=0, validation_alias=_env("CHROMA_TIMEOUT"))
    api_token: SecretStr | None = Field(None, validation_alias=_env("AIPM_API_TOKEN"))
    max_upload_mb: float = Field(25.0, validation_alias=_env("AIPM_MAX_UPLOAD_MB"))
    load_max_pages: int = Field(2_000, gt=0, validation_alias=_env("AIPM_LOAD_MAX_PAGES"))
    load_max_paragraphs: int = Field(100_000, gt=0,
                                     validation_alias=_env("AIPM_LOAD_MAX_PARAGRAPHS"))
    load_max_chars: int = Field(3_000_000, gt=0, validation_alias=_env("AIPM_LOAD_MAX_CHARS"))
    load_max_seconds: float = Field(60.0, gt=0, validation_alias=_env("AIPM_LOAD_MAX_SECONDS"))
    table_max_columns: int = Field(1_000, gt=0, validation_alias=_env("AIPM_TABLE_MAX_COLUMNS"))
    table_max_rows: int = Field(2_000_000, gt=0, validation_alias=_env("AIPM_TABLE_MAX_ROWS"))
    table_max_cell_chars: int = Field(1_000_000, gt=0,
                                      validation_alias=_env("AIPM_TABLE_MAX_CELL_CHARS"))
    llm_timeout_s: float = Field(60.0, validation_alias=_env("AIPM_LLM_TIMEOUT"))
    llm_max_retries: int = Field(2, validation_alias=_env("AIPM_LLM_MAX_RETRIES"))
    llm_concurrency: int = Field(8, validation_alias=_env("AIPM_LLM_CONCURRENCY"))
    # Variables of providers added with `register_provider` (their keys and base URLs), read
    # from the environment and `.env` by `load_settings`; built-ins have their own fields above.
    _provider_env: dict[str, SecretStr] = PrivateAttr(default_factory=dict)

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        """AIPM_PROVIDER must name a registered provider (or auto/none)."""
        if value not in PROVIDERS and value not in NOT_A_PROVIDER:
            raise ValueError(f"unknown provider; use one of: {', '.join(known_provider_names())}")
        return value

    def env_value(self, name: str | None) -> str:
        """A provider variable's value by its environment name ("" when unset)."""
        if name is None:
            return ""
        field = FIELD_BY_ENV.get(name)
        value = getattr(self, field) if field else self._provider_env.get(name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return "" if value is None else str(value)

    def with_env_value(self, name: str, value: str) -> Settings:
        """A copy with one provider variable replaced (an explicit `api_key=` argument)."""
        field = FIELD_BY_ENV.get(name)
        if field is not None:
            secret = type(self).model_fields[field].annotation == SecretStr | None
            return self.model_copy(update={field: SecretStr(value) if secret else value})
        return self.with_provider_env({name: SecretStr(value)})

    def with_provider_env(self, values: dict[str, SecretStr]) -> Settings:
        """A copy that also knows these variables of registered providers."""
        copy = self.model_copy()
        copy._provider_env = {**self._provider_env, **values}
        return copy

    cache: Literal["on", "off"] = Field("on", validation_alias=_env("AIPM_CACHE"))
    mask_pii: bool = Field(True, validation_alias=_env("AIPM_MASK_PII"))

    @field_validator("api_token", "openai_api_key", "anthropic_api_key", mode="before")
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        """`AIPM_API_TOKEN=` as `.env.example` ships it means "no token", never an empty one,
        so every check (auth, the exposed-API guard, provider choice) sees the same thing."""
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def resolved_provider(self) -> str:
        """The provider in use: `auto` becomes the first registered provider whose key is set
        (openai, then anthropic, then any added), or none."""
        if self.provider != "auto":
            return self.provider
        for spec in PROVIDERS.values():
            if spec.auto_detectable and self.env_value(spec.key_env):
                return spec.name
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
        """A path inside the data dir, creating the parent folders (each 0700) on first use."""
        from shared._private import private_dir
        from shared.files import data_dir_error, is_data_dir_problem, private_dirs

        path = self.data_dir.joinpath(*parts)
        try:
            private_dir(self.data_dir)
            private_dirs(self.data_dir, path.parent)
        except OSError as err:
            if is_data_dir_problem(err):
                raise data_dir_error(self.data_dir, err) from err
            raise BadInput(f"Cannot create the data folder {path.parent} ({err.strerror or err}). "
                           "Set AIPM_DATA_DIR to a folder you can write to.") from err
        return path


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`; keyword overrides win (tests, CLI flags).

    A bad value becomes one `BadInput` naming the variable, instead of a pydantic traceback.
    """
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        problems = "; ".join(_describe(error) for error in err.errors())
        raise BadInput(f"Invalid setting: {problems}. Fix it in .env or the environment "
                       "(every setting is documented in .env.example).") from None
    return _with_registered_provider_env(settings)


def _with_registered_provider_env(settings: Settings) -> Settings:
    """Fill `provider_env` with the variables of registered providers that have no field."""
    wanted = {name for spec in PROVIDERS.values() for name in (spec.key_env, spec.base_url_env)
              if name and name not in FIELD_BY_ENV}
    if not wanted:
        return settings
    env_file = settings.model_config.get("env_file")
    from_file = dotenv_values(env_file) if isinstance(env_file, str) else {}
    found = {name: SecretStr(value) for name in sorted(wanted)
             if (value := os.environ.get(name) or from_file.get(name))}
    if not found:
        return settings
    return settings.with_provider_env(found)


FIELD_BY_ENV: dict[str, str] = {
    choice: name for name, info in Settings.model_fields.items()
    if isinstance(info.validation_alias, AliasChoices)
    for choice in info.validation_alias.choices if isinstance(choice, str)
}


def _describe(error: object) -> str:
    details = dict(error)  # type: ignore[call-overload]
    name = ".".join(str(part) for part in details.get("loc", ())) or "settings"
    return f"{name}={details.get('input')!r}: {details.get('msg')}"
