"""The PM commands the top-level README shows run as written (outputs redirected to tmp)."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from pm import prd_sync
from products import available_products
from tests.pm.test_prd_check import rag_copy
from tests.test_readme import readme_aipm_commands

PM_COMMANDS = {"prd", "stress", "portfolio", "fork"}


def redirected(argv: list[str], repo_root: Path, tmp_path: Path) -> list[str]:
    """Globs expanded from the repo root; /tmp and ../ destinations moved into tmp_path."""
    out: list[str] = []
    for arg in argv:
        if "*" in arg:
            out += sorted(glob.glob(str(repo_root / arg)))
        elif arg.startswith(("/tmp/", "../")):
            out.append(str(tmp_path / Path(arg).name))
        else:
            out.append(arg)
    if argv[0] == "stress":
        out += ["--report", str(tmp_path / "stress.md")]
    return out


def test_every_pm_command_in_the_readme_runs(repo_root: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    copy = rag_copy(tmp_path / "copy")
    monkeypatch.setattr(prd_sync, "product_paths", lambda _name: copy)  # sync writes the copy
    app = build_app(available_products())
    ran = set()
    for argv in readme_aipm_commands(repo_root):
        if argv[0] not in PM_COMMANDS:
            continue
        result = CliRunner().invoke(app, redirected(argv, repo_root, tmp_path))
        assert result.exit_code == 0, f"`aipm {' '.join(argv)}`: {result.output}"
        ran.add(" ".join(argv[:2]))
    assert {"prd check", "prd new", "prd sync", "stress rag", "portfolio rag", "fork rag"} <= ran
    assert (tmp_path / "churn-prd" / "PRD.md").is_file()
    assert (tmp_path / "case-study" / "rag_search-case-study.html").is_file()
    assert (tmp_path / "my-rag" / ".git").is_dir()
