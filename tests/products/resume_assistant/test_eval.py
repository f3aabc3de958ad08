"""`aipm eval resume`: the golden set's shape, the metrics, and fabrication 0 on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from products.resume_assistant.core.eval_metrics import fabrications, pairwise_order, spearman
from products.resume_assistant.core.evaluation import PRODUCT_DIR, evaluate, load_golden
from products.resume_assistant.core.models import JobDescription
from shared.testing.fake_provider import FakeProvider
from tests.products.resume_assistant.helpers import llm_settings
from tests.products.resume_assistant.responders import fabricating


def test_golden_set_has_30_plus_pairs_with_a_held_out_part_and_real_files() -> None:
    rows = load_golden()
    assert len(rows) >= 30
    held = [r for r in rows if r["split"] == "heldout"]
    assert 10 <= len(held) < len(rows) / 2
    for row in rows:
        assert (PRODUCT_DIR / row["resume"]).is_file() and (PRODUCT_DIR / row["jd"]).is_file()
        assert row["requirements"] and 0 <= row["fit"] <= 3


def test_metrics_on_known_values() -> None:
    assert spearman([10, 20, 30], [0, 1, 2]) == 1.0
    assert spearman([30, 20, 10], [0, 1, 2]) == -1.0
    assert pairwise_order([50, 40, 10, 90], [2, 1, 0, 3], ["a", "a", "a", "b"]) == 1.0
    assert pairwise_order([10, 50], [2, 1], ["a", "a"]) == 0.0


def test_the_fabrication_check_can_fail() -> None:
    jd = JobDescription(title="Data Analyst", company="Harbor")
    found = fabrications("I used Kubernetes for 7 years at Harbor.", "I used SQL.", jd,
                         ["Six Sigma"])
    assert found == ["skill Kubernetes", "number 7"]
    assert fabrications("Data Analyst at Harbor: I used SQL.", "I used SQL.", jd, []) == []


def test_eval_command_reports_every_metric_and_zero_fabrication(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")
    report = tmp_path / "report.md"
    result = CliRunner().invoke(build_app(available_products()),
                                ["eval", "resume", "--json", "--report", str(report)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    for split in ("tune", "heldout"):
        scores = body["splits"][split]
        assert scores["fabrication_rate"] == 0.0
        assert scores["requirement_f1"] > 0.75 and scores["keyword_recall"] > 0.8
        assert scores["score_spearman"] > 0.7
    assert "Requirement F1 (met)" in report.read_text()


def test_an_adversarial_model_still_leaves_zero_fabrications_after_the_guard() -> None:
    with FakeProvider(responder=fabricating) as fake:
        result = evaluate(llm_settings(fake.openai_base_url))
    assert result.engine.startswith("llm (openai:")
    for split in result.splits.values():
        assert split.fabrication_rate == 0.0, split.fabrications
