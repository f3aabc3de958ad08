"""The product README's commands run as written, on the bundled corpus, with no key."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products

CHAT_INPUT = ["How long is the refund window for annual plans?", "and for monthly plans?"]


def readme_commands(repo_root: Path) -> list[list[str]]:
    """Each `aipm ...` line in the README's bash blocks, as argv after `aipm`."""
    text = (repo_root / "products" / "rag_search" / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)
    lines = [line.split("#", 1)[0].strip() for line in "\n".join(blocks).splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("aipm ")]


@pytest.fixture
def outputs(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Run every README command from the repository root; the eval report goes to tmp."""
    monkeypatch.chdir(repo_root)
    app = build_app(available_products())
    results = {}
    for argv in readme_commands(repo_root):
        argv = [str(tmp_path / "report.md") if arg.startswith("/tmp/") else arg for arg in argv]
        chat = "\n".join(CHAT_INPUT) + "\n" if argv[:2] == ["rag", "chat"] else None
        result = CliRunner().invoke(app, argv, input=chat)
        assert result.exit_code == 0, f"`aipm {shlex.join(argv)}`: {result.output}"
        results[shlex.join(argv[:3])] = result.stdout
    return results


def test_the_readme_tour_runs_and_shows_what_it_promises(outputs: dict[str, str],
                                                         tmp_path: Path) -> None:
    answers = [text for key, text in outputs.items() if key.startswith("rag ask")]
    refund, concur, error_code = answers
    # one answering unit, plus at most one supporting one (issue 22): "the 30-day window"
    assert re.search(r"\b30[- ]day", refund) and "Sources:" in refund
    assert "I don't know" in concur
    assert json.loads(error_code)["citations"]
    assert "TF-3007" in outputs[next(k for k in outputs if k.startswith("rag search"))]
    assert "recall@5" in (tmp_path / "report.md").read_text()
    assert outputs["rag chat"].count("Sources:") == 2  # the question and its follow-up
    filtered = outputs[next(k for k in outputs if k.startswith("rag search refund"))]
    assert "billing/" in filtered
