"""`/v1/resume/...` via TestClient: same JSON as the CLI, uploads kept in the data dir only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from frontdoors.cli import build_app
from frontdoors.server import create_app
from products import available_products, get_product
from shared.config import Settings, load_settings
from tests.kit_client import kit_client
from tests.products.resume_assistant.helpers import DANIEL, MAYA, NURSE_JD, PM_JD, PRIYA


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")
    return load_settings(embedder="wordllama", data_dir=tmp_path / "data")


def client_for(settings: Settings) -> TestClient:
    return kit_client(create_app(settings, products=[get_product("resume")]),
                      raise_server_exceptions=False)


def post(client: TestClient, route: str, resume: Path, jd: Path | None = None,
         jd_text: str = ""):
    files = {"resume": (resume.name, resume.read_bytes())}
    if jd is not None:
        files["jd"] = (jd.name, jd.read_bytes())
    return client.post(f"/v1/resume/{route}", files=files, data={"jd_text": jd_text})


def cli_json(*argv: str) -> dict:
    result = CliRunner().invoke(build_app(available_products()), [*argv, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("route", "command"), [("analyze", "analyze"), ("tailor", "tailor"),
                                                ("cover-letter", "cover-letter")])
def test_api_and_cli_return_the_same_json(settings: Settings, route: str,
                                          command: str) -> None:
    response = post(client_for(settings), route, MAYA, PM_JD)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json("resume", command, str(MAYA), "--jd", str(PM_JD))


def test_analyze_keys_are_the_issue_contract(settings: Settings) -> None:
    body = post(client_for(settings), "analyze", PRIYA, NURSE_JD).json()
    assert list(body) == ["match_score", "score_breakdown", "matched_keywords",
                          "missing_keywords", "requirements", "bullet_ranking", "suggestions",
                          "engine"]
    assert set(body["requirements"][0]) == {"text", "kind", "met", "evidence", "how"}
    assert all(r["evidence"] for r in body["requirements"] if r["met"])
    assert all(r["how"].startswith("partly met") for r in body["requirements"]
               if r["evidence"] and not r["met"])


def test_pasted_jd_text_works_and_a_missing_jd_is_a_400(settings: Settings) -> None:
    client = client_for(settings)
    pasted = PM_JD.read_text()
    assert post(client, "analyze", MAYA, jd_text=pasted).json()["match_score"] > 50
    missing = post(client, "analyze", MAYA)
    assert missing.status_code == 400 and "jd_text" in missing.json()["error"]["message"]


def test_uploads_stay_in_the_data_dir_until_forgotten(settings: Settings) -> None:
    client = client_for(settings)
    post(client, "tailor", DANIEL, PM_JD)
    stored = sorted(p.name for p in (settings.data_dir / "resume_assistant").rglob("*")
                    if p.is_file())
    assert stored == [DANIEL.name, PM_JD.name]
    assert client.delete("/v1/resume/data").json() == {"deleted_files": 2}
    assert not (settings.data_dir / "resume_assistant").exists()


def test_an_image_only_pdf_is_a_400_with_the_fix(settings: Settings, tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(bytes(pdf.output()))
    response = post(client_for(settings), "analyze", scan, PM_JD)
    assert response.status_code == 400
    assert "export a text PDF or paste the text" in response.json()["error"]["message"]
