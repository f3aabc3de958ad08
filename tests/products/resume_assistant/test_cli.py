"""`aipm resume ...` keyless on the samples: analyze, tailor and letter to MD and DOCX, forget,
errors, and the trace row each run leaves (metadata only, never résumé text)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from tests.products.resume_assistant.helpers import (
    ANALYST_JD,
    DANIEL,
    MAYA,
    PLATFORM_JD,
    PM_JD,
    PRIYA,
)


@pytest.fixture(autouse=True)
def _wordllama(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")


def aipm(*argv: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(available_products()), list(argv))
    return result.exit_code, result.stdout


def aipm_json(*argv: str) -> dict:
    code, out = aipm(*argv, "--json")
    assert code == 0, out
    return json.loads(out)


def test_analyze_orders_candidates_and_never_meets_without_a_verbatim_quote() -> None:
    scores = {}
    for resume in (MAYA, DANIEL, PRIYA):
        body = aipm_json("resume", "analyze", str(resume), "--jd", str(ANALYST_JD))
        text = resume.read_text() if resume.suffix == ".md" else None
        for req in body["requirements"]:
            assert bool(req["evidence"]) if req["met"] else (
                not req["evidence"] or req["how"].startswith("partly met"))
            if text and req["evidence"]:
                assert req["evidence"] in " ".join(text.replace("### ", "").replace(
                    "- ", "").split())
        scores[resume.stem] = body["match_score"]
    assert scores["daniel_reyes_data_analyst"] > scores["maya_okafor_product_manager"] > \
        scores["priya_nair_nurse_educator"]


def test_score_is_explained_by_its_breakdown() -> None:
    body = aipm_json("resume", "analyze", str(MAYA), "--jd", str(PM_JD))
    parts = body["score_breakdown"]
    assert set(parts["features"]) == {"coverage", "semantic", "lexical"}
    assert parts["must_have"]["total"] == 5 and parts["nice_to_have"]["total"] == 3
    met = parts["must_have"]["met"]
    assert parts["explanation"].startswith(f"{met} of 5 must-haves met")
    assert "experimentation" in " ".join(body["suggestions"])


@pytest.mark.parametrize("command", ["tailor", "cover-letter"])
def test_keyless_outputs_are_fact_true_in_markdown_and_docx(command: str,
                                                            tmp_path: Path) -> None:
    for suffix in (".md", ".docx"):
        out = tmp_path / f"out{suffix}"
        body = aipm_json("resume", command, str(DANIEL), "--jd", str(PLATFORM_JD),
                         "--out", str(out))
        assert list(body) == ["engine", "output", "status", "changes", "unsupported_claims",
                              "gaps_to_address"]
        assert body["status"] == "ok" and body["unsupported_claims"] == []
        assert {"Kubernetes", "Terraform"} <= set(body["gaps_to_address"])
        written = out.read_text() if suffix == ".md" else _docx_text(out)
        assert "Daniel Reyes" in written
        for gap in ("Kubernetes", "Terraform", "Golang", "Kafka"):
            assert gap not in written


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    assert not document.tables and len(document.sections) == 1  # one column, no tables
    return "\n".join(p.text for p in document.paragraphs)


def test_tailor_reorders_bullets_by_relevance_and_keeps_every_fact(tmp_path: Path) -> None:
    body = aipm_json("resume", "tailor", str(MAYA), "--jd", str(PM_JD))
    output = body["output"]
    assert output.index("Owned the 2023 pricing") < output.index("Led the redesign")
    for line in MAYA.read_text().splitlines():
        if line.startswith("- "):
            assert line in output  # every bullet kept verbatim, only the order changes
    assert "Strengths for this role: SQL, experimentation" in output


def test_errors_are_one_line_and_exit_1(tmp_path: Path) -> None:
    code, out = aipm("resume", "analyze", str(tmp_path / "nope.pdf"), "--jd", str(PM_JD),
                     "--json")
    assert code == 1 and "does not exist" in json.loads(out)["error"]["message"]
    code, _ = aipm("resume", "tailor", str(MAYA), "--jd", str(PM_JD), "--out",
                   str(tmp_path / "x.pdf"))
    assert code == 1


def test_each_run_leaves_a_trace_row_without_resume_text() -> None:
    aipm_json("resume", "analyze", str(MAYA), "--jd", str(PM_JD))
    aipm_json("resume", "tailor", str(MAYA), "--jd", str(PM_JD))
    trace = Path(os.environ["AIPM_DATA_DIR"]) / "traces.sqlite"
    with sqlite3.connect(trace) as db:
        rows = db.execute("SELECT * FROM calls WHERE product = 'resume_assistant'").fetchall()
    assert len(rows) == 2
    dump = json.dumps(rows)
    for secret in ("Maya", "Ledgerline", "okafor", "A/B tests"):
        assert secret not in dump


def test_forget_deletes_what_the_assistant_stored() -> None:
    store = Path(os.environ["AIPM_DATA_DIR"]) / "resume_assistant" / "uploads"
    store.mkdir(parents=True)
    (store / "cv.md").write_text("x")
    assert aipm_json("resume", "forget") == {"deleted_files": 1}
    assert aipm_json("resume", "forget") == {"deleted_files": 0}


def test_jd_can_be_pasted_text_and_a_typo_path_is_an_error() -> None:
    pasted = PM_JD.read_text()
    body = aipm_json("resume", "analyze", str(MAYA), "--jd", pasted)
    assert body["match_score"] == aipm_json("resume", "analyze", str(MAYA), "--jd",
                                            str(PM_JD))["match_score"]
    code, out = aipm("resume", "analyze", str(MAYA), "--jd", "jobs/typo.md", "--json")
    assert code == 1 and "is not a file" in json.loads(out)["error"]["message"]
