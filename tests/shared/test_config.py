"""Settings: provider auto-selection, model ids, and `.env` / environment precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import Settings, load_settings
from shared.errors import BadInput


def test_keyless_defaults_to_baseline() -> None:
    settings = load_settings()
    assert settings.resolved_provider == "none"
    assert settings.engine == "baseline"
    assert settings.model_id is None


@pytest.mark.parametrize(
    ("env", "provider", "model_id"),
    [
        ({"OPENAI_API_KEY": "sk-test"}, "openai", "openai:gpt-4.1-mini"),
        ({"ANTHROPIC_API_KEY": "sk-ant"}, "anthropic", "anthropic:claude-haiku-4-5"),
        ({"OPENAI_API_KEY": "sk", "ANTHROPIC_API_KEY": "sk-ant"}, "openai", "openai:gpt-4.1-mini"),
        ({"AIPM_PROVIDER": "ollama"}, "ollama", "ollama:llama3.2"),
        ({"AIPM_PROVIDER": "none", "OPENAI_API_KEY": "sk"}, "none", None),
        ({"ANTHROPIC_API_KEY": "k", "AIPM_MODEL": "claude-opus-4-1"}, "anthropic",
         "anthropic:claude-opus-4-1"),
        ({"AIPM_PROVIDER": "ollama", "AIPM_MODEL": "ollama:qwen3:4b"}, "ollama", "ollama:qwen3:4b"),
    ],
)
def test_auto_provider_and_model_id(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], provider: str, model_id: str | None
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.resolved_provider == provider
    assert settings.model_id == model_id


def test_empty_key_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    assert load_settings().engine == "baseline"


def test_dotenv_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("ANTHROPIC_API_KEY=from-file\nCHROMA_HOST=127.0.0.1\n")
    monkeypatch.setenv("CHROMA_HOST", "localhost")
    settings = load_settings()
    assert settings.resolved_provider == "anthropic"
    assert settings.chroma_host == "localhost"
    assert settings.vector_store_mode == "server"


def test_unknown_provider_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_PROVIDER", "gemini")
    with pytest.raises(BadInput, match=r"AIPM_PROVIDER='gemini'.*\.env\.example"):
        load_settings()


def test_data_path_creates_parents(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d")
    path = settings.data_path("cache", "llm.sqlite")
    assert path.parent.is_dir()
    assert not path.exists()


def test_env_example_lists_every_setting(repo_root: Path) -> None:
    example = (repo_root / ".env.example").read_text()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names = alias.choices if alias is not None else []  # type: ignore[union-attr]
        assert any(f"{name}=" in example for name in names), names


def test_data_path_that_cannot_be_created_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = Settings(data_dir=blocker / "data")
    with pytest.raises(BadInput, match="Set AIPM_DATA_DIR to a folder you can write to"):
        settings.data_path("traces.sqlite")
