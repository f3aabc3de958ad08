"""The learned layer and the leaning field (issue 23): every row says which pole it leans to,
`mixed` only when two clauses are clearly opposite, and rows without a feeling word stay
neutral in the label while the sentence model still gives them a leaning."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from products.feedback_analyzer.core.aspects import AspectTagger
from products.feedback_analyzer.core.baseline import BaselineEngine
from products.feedback_analyzer.core.leaning import FEATURES, LAYER_PATH, Linear, load_layer
from products.feedback_analyzer.core.models import FeedbackRow, RowAnalysis, leaning_of
from products.feedback_analyzer.core.sentiment import (
    RULES_ONLY,
    SentimentFixes,
    row_features,
    score_sentiment,
)


def analyse(*texts: str, fixes: SentimentFixes = SentimentFixes()) -> list:
    rows = [FeedbackRow(row_id=str(i), line=i + 2, text=t) for i, t in enumerate(texts)]
    return BaselineEngine(AspectTagger({}), fixes).analyze_rows(rows)


def test_a_contrast_with_two_clearly_polar_sides_is_mixed_and_still_leans() -> None:
    result = score_sentiment("Great screen but the battery died")
    assert result.label == "mixed" and result.leaning in ("positive", "negative")


def test_a_mild_contrast_is_not_mixed() -> None:
    text = "Good phone overall, but the case is a bit meh"
    assert score_sentiment(text, fixes=RULES_ONLY).label == "mixed"
    assert score_sentiment(text).label != "mixed"


def test_a_negated_clause_does_not_make_a_row_mixed() -> None:
    assert score_sentiment("I love it, but I don't hate the old one").label != "mixed"


def test_a_row_without_a_feeling_word_is_neutral_yet_leans_from_the_sentence_model() -> None:
    plain = analyse("The battery lasted two hours and then the phone went dark")[0]
    assert plain.sentiment == "neutral" and plain.leaning in ("positive", "negative")
    assert score_sentiment("The battery lasted two hours").pending
    assert analyse("The battery lasted two hours", fixes=RULES_ONLY)[0].leaning == "neutral"


def test_the_layer_can_overrule_the_rules_sign() -> None:
    layer = load_layer()
    assert layer is not None
    features = row_features("Not bad at all")
    assert len(features) == len(FEATURES)
    assert score_sentiment("Not bad at all").leaning == layer.leaning(
        layer.features.probability(features))


def test_star_rows_lean_with_their_score() -> None:
    result = score_sentiment("Fine I guess", stars=1.0)
    assert result.label == "negative" and result.leaning == "negative"


def test_a_fired_problem_rule_keeps_the_rules_reading() -> None:
    result = score_sentiment("Still waiting for my refund, great job")
    assert result.label == "negative" and result.leaning == "negative"


def test_llm_rows_lean_by_label_then_by_score_sign() -> None:
    assert leaning_of(RowAnalysis(sentiment="mixed", sentiment_score=-0.2)) == "negative"
    assert leaning_of(RowAnalysis(sentiment="neutral", sentiment_score=0.0)) == "neutral"
    assert leaning_of(RowAnalysis(sentiment="positive", sentiment_score=-0.1)) == "positive"
    assert leaning_of(RowAnalysis(status="failed")) is None


def test_linear_is_a_standardised_logistic_regression() -> None:
    model = Linear(mean=(1.0, 0.0), scale=(2.0, 1.0), coef=(1.0, -1.0), intercept=0.5)
    z = 0.5 + 1.0 * (3.0 - 1.0) / 2.0 - 1.0 * 1.0
    assert model.probability([3.0, 1.0]) == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.probability([-1e6, 0.0]) == 0.0


def test_the_shipped_layer_matches_the_features_and_a_stale_file_is_refused(
        tmp_path: Path) -> None:
    data = json.loads(LAYER_PATH.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES and len(data["sentences"]["coef"]) == 256
    data["features"] = data["features"][:-1]
    stale = tmp_path / "layer.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="train_leaning"):
        load_layer(stale)
    assert load_layer(tmp_path / "absent.json") is None


def _layer(sentence_band: float, negative_band: float | None = None):
    from products.feedback_analyzer.core.leaning import LeaningLayer

    model = Linear(mean=(0.0,), scale=(1.0,), coef=(1.0,), intercept=0.0)
    return LeaningLayer(model, model, "test", 0.0, sentence_band, negative_band)


def test_a_row_without_a_feeling_word_is_labelled_only_when_the_sentence_model_is_nearly_sure(
) -> None:
    from products.feedback_analyzer.core.sentiment import layered_result

    layer = _layer(0.49)
    sure = layered_result("It came in a box", 0.0, 0.995, False, layer, evidence=False)
    unsure = layered_result("It came in a box", 0.0, 0.9, False, layer, evidence=False)
    sure_no = layered_result("It came in a box", 0.0, 0.004, False, layer, evidence=False)
    assert (sure.label, sure.leaning) == ("positive", "positive")
    assert (unsure.label, unsure.leaning) == ("neutral", "positive")
    assert sure_no.label == "negative"
    assert layer.sentence_label(None) == "neutral"
    assert _layer(1.0).sentence_label(1.0) == "neutral"  # a file without the key: never


def test_the_negative_side_has_its_own_band() -> None:
    """A complaint stated as a fact is commoner than praise without a feeling word, so the
    negative side may need less certainty than the positive one."""
    layer = _layer(0.49, 0.40)
    assert layer.sentence_label(0.08) == "negative"  # 0.5 - 0.08 = 0.42 >= 0.40
    assert layer.sentence_label(0.92) == "neutral"  # 0.42 < 0.49
    assert layer.sentence_label(0.11) == "neutral"  # 0.39 < 0.40
    assert layer.sentence_label(0.099) == "negative"
    assert _layer(0.4).sentence_label(0.08) == "negative"  # one band: both sides alike
    assert _layer(0.4).sentence_label(0.92) == "positive"


def test_the_shipped_sentence_bands_are_read_from_the_layer_file() -> None:
    layer = load_layer()
    assert layer is not None
    data = json.loads(LAYER_PATH.read_text(encoding="utf-8"))
    assert layer.sentence_band == data["sentence_band"] < 0.5
    assert layer.negative_sentence_band == data["negative_sentence_band"] < 0.5


def test_training_picks_the_band_pair_whose_worst_set_gains_most() -> None:
    from products.feedback_analyzer.tools.train_leaning import choose_sentence_bands

    # Set "a": its no-evidence rows are negative at P 0.05 and neutral at P 0.95 (so a
    # positive band under 0.45 costs it); set "b" is already labelled.
    sets = {"a": [("negative", "neutral", 0.05), ("neutral", "neutral", 0.95),
                  ("positive", "positive", None), ("negative", "negative", None)],
            "b": [("positive", "positive", None), ("negative", "negative", None)]}
    positive, negative = choose_sentence_bands(sets, {"a": 0.0, "b": 0.0})
    assert positive > 0.45 and negative <= 0.45
