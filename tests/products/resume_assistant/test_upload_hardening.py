"""Résumé uploads: 0600 in 0700 folders even when the data dir existed, hostile names never 500,
parallel uploads of one file never 500."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shared.config import Settings, load_settings
from tests.products.resume_assistant.helpers import MAYA, PM_JD
from tests.products.resume_assistant.test_api import client_for


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")
    return load_settings(embedder="wordllama", data_dir=tmp_path / "data")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def analyze(client, name: str):
    return client.post("/v1/resume/analyze",
                       files={"resume": (name, MAYA.read_bytes()),
                              "jd": (PM_JD.name, PM_JD.read_bytes())})


def test_uploads_are_0600_in_0700_folders_when_the_data_dir_existed(settings: Settings) -> None:
    settings.data_dir.mkdir(mode=0o755)
    assert analyze(client_for(settings), MAYA.name).status_code == 200
    stored = settings.data_dir / "resume_assistant" / "uploads" / MAYA.name
    assert mode(stored) == 0o600
    assert mode(stored.parent) == 0o700 and mode(stored.parent.parent) == 0o700


@pytest.mark.parametrize("name", ["a" * 300 + ".md", "../../../" + "b" * 260 + ".md",
                                  "..\\..\\evil.md", "x/../../y.md"])
def test_long_or_dotted_names_are_reduced_not_a_500(settings: Settings, name: str) -> None:
    response = analyze(client_for(settings), name)
    assert response.status_code == 200, response.text
    uploads = settings.data_dir / "resume_assistant" / "uploads"
    assert all(len(p.name) <= 120 and p.parent == uploads for p in uploads.iterdir())


def test_parallel_uploads_of_one_file_never_500(settings: Settings) -> None:
    client = client_for(settings)
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda _: analyze(client, MAYA.name).status_code, range(12)))
    assert codes == [200] * 12
    uploads = settings.data_dir / "resume_assistant" / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == sorted([MAYA.name, PM_JD.name])
