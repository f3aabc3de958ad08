"""Docs that run: every `aipm` command the README shows exists and the reporting ones work."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products

QUICK_COMMANDS = {"doctor", "ops", "version"}  # hub and serve start servers: see tests/e2e


def readme_aipm_commands(repo_root: Path) -> list[list[str]]:
    """Each `aipm ...` command line inside the README's code blocks, as argv after `aipm`."""
    text = (repo_root / "README.md").read_text()
    blocks = re.findall(r"```(?:bash)?\n(.*?)```", text, flags=re.DOTALL)
    commands = []
    for line in "\n".join(blocks).splitlines():
        code = line.split("#", 1)[0]
        match = re.search(r"(?:^|\s|/)aipm\s+(.+)$", code.strip())
        if match:
            commands.append(shlex.split(match.group(1)))
    return commands


def test_readme_shows_the_two_commands(repo_root: Path) -> None:
    text = (repo_root / "README.md").read_text()
    assert "make demo" in text
    assert "make test" in text


def test_every_readme_command_exists(repo_root: Path) -> None:
    commands = readme_aipm_commands(repo_root)
    assert len(commands) >= 4
    app = build_app(available_products())
    for argv in commands:
        result = CliRunner().invoke(app, [*argv, "--help"])
        assert result.exit_code == 0, f"`aipm {' '.join(argv)}` from the README: {result.output}"


def test_quick_readme_commands_run_keyless(repo_root: Path) -> None:
    app = build_app(available_products())
    ran = 0
    for argv in readme_aipm_commands(repo_root):
        if argv[0] not in QUICK_COMMANDS:
            continue
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 0, f"`aipm {' '.join(argv)}`: {result.output}"
        if "--json" in argv:
            json.loads(result.stdout)
        ran += 1
    assert ran >= 3


def test_make_targets_named_in_readme_exist(repo_root: Path) -> None:
    makefile = (repo_root / "Makefile").read_text()
    readme = (repo_root / "README.md").read_text()
    for target in set(re.findall(r"`make (\w+)`", readme)):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target
