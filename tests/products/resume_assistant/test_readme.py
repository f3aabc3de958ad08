"""The product README's commands run as written, on the bundled samples, with no key."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products


def readme_commands(repo_root: Path) -> list[list[str]]:
    text = (repo_root / "products" / "resume_assistant" / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)
    lines = [line.split("#", 1)[0].strip() for line in "\n".join(blocks).splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("aipm ")]


def test_the_readme_tour_runs_and_shows_what_it_promises(
        repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_root)
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")
    app = build_app(available_products())
    outputs = []
    for argv in readme_commands(repo_root):
        argv = [str(tmp_path / Path(a).name) if a.startswith("/tmp/") else a for a in argv]
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 0, f"`aipm {shlex.join(argv)}`: {result.output}"
        outputs.append(result.stdout)
    analyze, tailor, letter, _, forget = outputs
    assert "Match score:" in analyze and "evidence:" in analyze
    assert "Status: ok" in tailor
    paragraphs = [p.text for p in Document(str(tmp_path / "daniel_tailored.docx")).paragraphs]
    assert paragraphs[0] == "Daniel Reyes" and "Experience" in paragraphs
    body = json.loads(letter)
    assert body["status"] == "ok" and "Six Sigma" not in body["output"]
    assert (tmp_path / "priya_letter.md").read_text() == body["output"]
    assert "Fabrication rate" in (tmp_path / "resume_report.md").read_text()
    assert forget.startswith("Deleted ")
