"""The golden set: large enough, weighted to hard cases, and the baseline beats raw VADER on
both the tuned part and the held-out part."""

from __future__ import annotations

from pathlib import Path

from pm.report_tables import parse_report
from products.feedback_analyzer.core.eval_report import write_report
from products.feedback_analyzer.core.evaluation import (
    GOLDEN_PATH,
    NOSTARS_PATH,
    EvalResult,
    GoldenCase,
    run_eval,
)
from shared.config import load_settings
from shared.evals import load_eval_set


def test_golden_set_is_large_and_hard() -> None:
    cases = load_eval_set(GOLDEN_PATH, GoldenCase).cases
    hard = [c for c in cases if set(c.tags) & {"negation", "contrast", "mixed", "sarcasm",
                                                "non_english"}]
    assert len(cases) >= 200 and len(hard) >= 90
    assert sum(c.split == "heldout" for c in cases) >= 60


def test_baseline_at_least_as_accurate_as_raw_vader_on_both_parts(tmp_path: Path) -> None:
    result = run_eval(load_settings())
    for split in ("tuned", "heldout"):
        raw = result.score("raw_vader", split)
        for engine in ("baseline", "baseline_no_stars"):
            base = result.score(engine, split)
            assert base.sentiment.accuracy >= raw.sentiment.accuracy
            assert base.sentiment.macro_f1 >= raw.sentiment.macro_f1
    fresh, fresh_raw = result.score("baseline_no_stars", "nostars"), result.score("raw_vader",
                                                                                  "nostars")
    assert fresh.cases == 47 and fresh.aspect_micro_f1 is None
    assert fresh.sentiment.macro_f1 > fresh_raw.sentiment.macro_f1
    assert result.theme_purity is not None and result.theme_purity > 0.2
    report = write_report(result, tmp_path / "report.md").read_text()
    assert "heldout" in report and "Hard cases" in report and "baseline_no_stars nostars" in report
    _assert_the_pm_layer_reads_the_same_numbers(report, result)


def _assert_the_pm_layer_reads_the_same_numbers(report: str, result: EvalResult) -> None:
    """`aipm prd sync feedback` reads the report back: every row label must be unique."""
    parsed = parse_report(report)
    held = result.score("baseline", "heldout")
    assert parsed.date is not None and parsed.cases == 205
    assert parsed.cell("Sentiment and aspects", "baseline heldout", "accuracy") == (
        f"{held.sentiment.accuracy:.3f}")
    assert parsed.cell("Sentiment and aspects", "raw_vader tuned", "macro-F1") == (
        f"{result.score('raw_vader', 'tuned').sentiment.macro_f1:.3f}")
    assert parsed.cell("Themes", "kmeans", "purity") == f"{result.theme_purity:.3f}"


def test_with_a_provider_the_llm_is_scored_and_compared_with_the_baseline() -> None:
    from products.feedback_analyzer.core.evaluation import llm_labeller
    from shared.testing.fake_provider import FakeProvider
    from tests.products.feedback_analyzer.responders import honest

    with FakeProvider(honest) as fake:
        settings = load_settings(provider="openai", openai_api_key="test",
                                 openai_base_url=fake.openai_base_url)
        labeller, model = llm_labeller(settings)
        result = run_eval(settings, labeller, model)
    llm = result.score("llm", "heldout")
    assert llm.cases == result.score("baseline", "heldout").cases
    assert set(result.agreement) == {"tuned", "heldout"} and model == "openai:gpt-4.1-mini"
    assert "agreement" in write_report(result, Path("r.md")).read_text()


def test_the_no_star_slice_has_no_ratings_and_no_golden_texts() -> None:
    fresh = load_eval_set(NOSTARS_PATH, GoldenCase).cases
    golden = {c.text for c in load_eval_set(GOLDEN_PATH, GoldenCase).cases}
    assert len(fresh) >= 40 and all(c.stars is None and c.split == "nostars" for c in fresh)
    assert not golden & {c.text for c in fresh}
    assert {c.sentiment for c in fresh} == {"positive", "neutral", "negative", "mixed"}
