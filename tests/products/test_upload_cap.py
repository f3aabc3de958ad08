"""The hub's upload widgets say the kit's cap (AIPM_MAX_UPLOAD_MB, 25 MB by default), not
Streamlit's 200 MB: in the repo's `.streamlit/config.toml` (a plain `streamlit run`), on the
`aipm hub` command line (the live setting), and in a fork's generated config."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import frontdoors.cli as cli
from frontdoors.cli import build_app
from pm.fork_texts import STREAMLIT_CONFIG
from products import available_products
from shared.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MB = Settings.model_fields["max_upload_mb"].default


def test_the_repo_config_caps_uploads_at_the_kits_default() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == DEFAULT_MB == 25


def test_a_forks_config_caps_uploads_at_the_kits_default() -> None:
    assert tomllib.loads(STREAMLIT_CONFIG)["server"]["maxUploadSize"] == DEFAULT_MB


def test_the_feedback_upload_widget_says_25_mb_when_run_from_the_repo(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # where `streamlit run` reads .streamlit/config.toml
    # Streamlit parses its config once per process; an earlier test may have parsed it from
    # another directory, so read it again from here (and again afterwards, for later tests).
    monkeypatch.setattr(st_config, "_config_options", None)  # restored after the test
    st_config.get_config_options(force_reparse=True)
    page = ROOT / "products" / "feedback_analyzer" / "ui.py"
    app = AppTest.from_file(str(page), default_timeout=60).run()
    (uploader,) = app.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == DEFAULT_MB


def test_aipm_hub_passes_the_live_setting_to_streamlit(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "run_child", lambda command: seen.append(command) or 0)
    monkeypatch.setattr(cli, "require_free_port", lambda host, port: None)
    monkeypatch.setenv("AIPM_MAX_UPLOAD_MB", "7.5")
    result = CliRunner().invoke(build_app(available_products()), ["hub", "--port", "8999"])
    assert result.exit_code == 0, result.output
    (command,) = seen
    assert command[command.index("--server.maxUploadSize") + 1] == "8"  # whole MB, rounded up
