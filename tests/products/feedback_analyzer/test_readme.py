"""The product README's commands run as written, on the bundled data, with no key."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products


def readme_commands(repo_root: Path) -> list[list[str]]:
    text = (repo_root / "products" / "feedback_analyzer" / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)
    lines = [line.split("#", 1)[0].strip() for line in "\n".join(blocks).splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("aipm ")]


@pytest.fixture
def outputs(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(repo_root)
    app = build_app(available_products())
    results = []
    for argv in readme_commands(repo_root):
        argv = [str(tmp_path / Path(a).name) if a.startswith("/tmp/") else a for a in argv]
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 0, f"`aipm {shlex.join(argv)}`: {result.output}"
        results.append(result.stdout)
    return results


def test_the_readme_tour_runs_and_shows_what_it_promises(outputs: list[str],
                                                         tmp_path: Path) -> None:
    estimate, analyze, cafe, by_product, taxonomy, _ = outputs
    assert "By product: " in by_product and "by=product" in by_product
    report = (tmp_path / "fb.md").read_text(encoding="utf-8")
    assert "## By product" in report and "estimate effort" in report
    assert "520 rows" in estimate and "baseline: free" in estimate
    assert "520 rows" in analyze and "text=review" in analyze
    assert json.loads(cafe)["rows"] == 30
    assert "courier" in json.loads(taxonomy)["delivery"]
    assert "sentiment_score" in (tmp_path / "reviews.analyzed.csv").read_text(encoding="utf-8-sig")
    assert "heldout" in (tmp_path / "feedback-report.md").read_text()
