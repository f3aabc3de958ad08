"""`aipm prd check`: shipped PRDs pass, a half-filled PRD lists every gap, drift is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from pm.facts import ProductPaths, product_paths
from pm.prd_check import check_prd
from pm.prd_new import new_prd
from pm.prd_sync import sync_paths
from pm.report_tables import parse_report
from products import available_products
from shared.errors import NotFound

HALF_FILLED = """# PRD: Churn radar

## Problem and users
Account managers learn about churn when the cancellation arrives.

## User stories
1. As an account manager I see at-risk accounts every Monday. Accepted when: {{criterion}}

## Success metrics
| Metric | Target | How measured |
|---|---|---|
| Recall of churned accounts | ≥ 0.7 | back-test on 2025 cancellations |
| Precision of alerts | — | weekly review |
| Time to first alert |  |  |

## Model and data choices
TBD

## Failure modes and mitigations
The model could invent a reason (hallucination); we show the evidence rows.

## Latency and cost budget
Under a second per account.

## Launch and monitoring plan
Pilot with two teams.
"""


def gaps(path: Path, product: ProductPaths | None = None) -> set[tuple[str, str]]:
    return {(p.section, p.problem) for p in check_prd(path, product)}


def test_a_half_filled_prd_lists_every_gap(tmp_path: Path) -> None:
    path = tmp_path / "PRD.md"
    path.write_text(HALF_FILLED)
    assert gaps(path) == {
        ("User stories", "unfilled placeholder: {{criterion}}"),
        ("Model and data choices", "unfilled placeholder: TBD"),
        ("Success metrics", "metric 'Precision of alerts' has no target"),
        ("Success metrics", "metric 'Time to first alert' has no target"),
        ("Success metrics", "metric 'Time to first alert' has no measurement method"),
        ("Baseline vs LLM", "missing section: add a heading containing 'baseline'"),
        ("Evaluation plan",
         "missing section: add a heading containing 'evaluation plan' or 'eval plan'"),
        ("Open questions", "missing section: add a heading containing 'open questions'"),
        ("Failure modes and mitigations", "does not cover prompt injection"),
        ("Failure modes and mitigations", "does not cover bias"),
        ("Failure modes and mitigations", "does not cover privacy"),
        ("Latency and cost budget",
         "does not cover unit economics (cost per 1,000 requests)"),
        ("Launch and monitoring plan", "does not cover the feedback signal"),
    }


def test_an_empty_section_and_a_missing_metrics_table(tmp_path: Path) -> None:
    path = tmp_path / "PRD.md"
    path.write_text(HALF_FILLED.replace("| Metric |", "| Name |").replace(
        "Under a second per account.", "<!-- later -->"))
    found = gaps(path)
    assert ("Latency and cost budget", "section is empty") in found
    assert ("Success metrics", "no metrics table (| Metric | Target | How measured |)") in found


@pytest.mark.parametrize("spec", available_products(), ids=lambda s: s.name)
def test_every_shipped_prd_passes(spec) -> None:  # type: ignore[no-untyped-def]
    paths = product_paths(spec.name)
    assert check_prd(paths.prd) == []


def rag_copy(tmp_path: Path) -> ProductPaths:
    """A copy of the RAG product's PM files, so a test can make them drift."""
    real = product_paths("rag")
    root = tmp_path / "rag_search"
    (root / "evals").mkdir(parents=True)
    for name in ("PRD.md", "stress.py"):
        if (real.root / name).exists():
            shutil.copy(real.root / name, root / name)
    for name in ("report.md", "metrics.toml", "stress.md"):
        if (real.root / "evals" / name).exists():
            shutil.copy(real.root / "evals" / name, root / "evals" / name)
    return ProductPaths(spec=real.spec, root=root)


def test_a_new_report_makes_the_prd_stale_until_synced(tmp_path: Path) -> None:
    paths = rag_copy(tmp_path)
    report = paths.report.read_text()
    row = parse_report(report).table("Retrieval by mode").rows["all / hybrid"]
    old_recall, old_mrr = row["recall@5"], row["mrr"]
    printed = f"| all / hybrid | {old_recall} | {old_mrr} |"
    assert printed in report
    paths.report.write_text(report.replace(printed, "| all / hybrid | 0.990 | 0.955 |"))
    found = {problem for _, problem in gaps(paths.prd, paths)}
    block = next(p for p in found if p.startswith("stale numbers"))
    assert f"'Hybrid recall@5 (by file)' shows {old_recall} but the latest report says 0.990" \
        in block
    assert f"'Hybrid MRR' shows {old_mrr} but the latest report says 0.955" in block
    assert any(p.startswith("stale number: 'Hybrid MRR' shows") for p in found)
    assert sync_paths(paths)[1] is True
    assert "| Hybrid MRR | 0.955 |" in paths.prd.read_text()


def test_a_prd_without_its_block_or_stress_link(tmp_path: Path) -> None:
    paths = rag_copy(tmp_path)
    text = paths.prd.read_text()
    start, end = text.index("<!-- metrics:start"), text.index("<!-- metrics:end -->")
    paths.prd.write_text(text[:start] + text[end + 20:].replace("evals/stress.md", "stress"))
    found = gaps(paths.prd, paths)
    assert ("Success metrics", "no generated metrics block: run `aipm prd sync rag`") in found
    if paths.stress_pack.exists():
        assert ("Failure modes and mitigations",
                "does not link the stress report (evals/stress.md)") in found


def test_cli_check_json_and_exit_codes(repo_root: Path, tmp_path: Path) -> None:
    app = build_app(available_products())
    ok = CliRunner().invoke(app, ["prd", "check", str(repo_root / "products/rag_search/PRD.md"),
                                  "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout) == {"ok": True, "problems": []}
    (tmp_path / "PRD.md").write_text(HALF_FILLED)
    bad = CliRunner().invoke(app, ["prd", "check", str(tmp_path / "PRD.md"), "--json"])
    report = json.loads(bad.stdout)
    assert bad.exit_code == 1 and report["ok"] is False
    assert set(report["problems"][0]) == {"file", "section", "problem"}


def test_prd_new_prefills_from_a_product_and_leaves_the_rest(tmp_path: Path) -> None:
    app = build_app(available_products())
    result = CliRunner().invoke(app, ["prd", "new", "My search", "--product", "rag",
                                      "--out", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "mine" / "PRD.md").read_text()
    assert text.startswith("# PRD: My search")
    assert "<!-- metrics:start" in text and "{{metrics_table}}" not in text
    assert "aipm eval rag" in text and "{{your name}}" in text
    problems = {p for _, p in gaps(tmp_path / "mine" / "PRD.md")}
    assert "unfilled placeholder: {{your name}}" in problems
    assert not any(p.startswith("missing section") for p in problems)
    again = CliRunner().invoke(app, ["prd", "new", "x", "--out", str(tmp_path / "mine")])
    assert again.exit_code == 1 and "already exists" in again.output


def test_a_blank_prd_from_the_template_has_every_section(tmp_path: Path) -> None:
    path = new_prd("Churn radar", tmp_path)
    problems = {p for _, p in gaps(path)}
    assert problems and all(p.startswith("unfilled placeholder") for p in problems)


def test_a_newly_merged_product_needs_one_sync_init(tmp_path: Path) -> None:
    paths = rag_copy(tmp_path)
    paths.metrics_spec.unlink()
    text = paths.prd.read_text()
    start, end = text.index("<!-- metrics:start"), text.index("<!-- metrics:end -->")
    paths.prd.write_text(text[:start] + text[end + 20:])
    with pytest.raises(NotFound, match="No metrics spec"):
        sync_paths(paths)
    assert sync_paths(paths, init=True)[1] is True
    assert "[[metric]]" in paths.metrics_spec.read_text()
    found = {problem for _, problem in gaps(paths.prd, paths)}
    assert "metric 'all precision' has no target" in found  # the PM sets targets next
    assert not any(p.startswith(("stale", "no generated")) for p in found)


def test_a_placeholder_in_a_subsection_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "PRD.md"
    path.write_text(HALF_FILLED.replace("## User stories\n", "## User stories\n### Agents\n"))
    problems = [p.problem for p in check_prd(path) if "{{criterion}}" in p.problem]
    assert problems == ["unfilled placeholder: {{criterion}}"]
