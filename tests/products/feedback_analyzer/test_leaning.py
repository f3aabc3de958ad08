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
    negative = data["negative_sentence_band"]  # null: the same band on both sides
    assert layer.negative_sentence_band == negative and (negative is None or negative < 0.5)


def test_training_picks_the_pair_whose_worst_set_gains_most() -> None:
    from products.feedback_analyzer.tools.train_leaning import choose_sentence_bands

    # Set "a": its no-evidence rows are a sure negative that reads as a statement (P(neutral)
    # 0.02) and a sure positive that is a neutral question (P(neutral) 0.7); set "b" is
    # already labelled. Only a threshold at or under 0.7 keeps the question neutral, and only
    # one over 0.02 labels the complaint.
    sets = {"a": [("negative", "neutral", 0.01, 0.02), ("neutral", "neutral", 0.99, 0.7),
                  ("positive", "positive", None, None), ("negative", "negative", None, None)],
            "b": [("positive", "positive", None, None), ("negative", "negative", None, None)]}
    threshold, band = choose_sentence_bands(sets, {"a": 0.0, "b": 0.0})
    assert 0.02 < threshold <= 0.7 and band <= 0.48

def _neutral_layer(threshold: float, neutral_intercept: float):
    """A layer whose neutral model says P(neutral) = sigmoid(intercept) for every vector."""
    from products.feedback_analyzer.core.leaning import LeaningLayer

    model = Linear(mean=(0.0,), scale=(1.0,), coef=(1.0,), intercept=0.0)
    sentences = Linear(mean=(0.0,) * 256, scale=(1.0,) * 256, coef=(0.0,) * 256,
                       intercept=4.0)  # P(positive) 0.98 for every vector
    neutral = Linear(mean=(0.0,) * 256, scale=(1.0,) * 256, coef=(0.0,) * 256,
                     intercept=neutral_intercept)
    return LeaningLayer(model, sentences, "test", 0.0, 0.4, None, neutral, threshold)


def test_the_neutral_model_keeps_a_sure_row_neutral_when_it_reads_as_a_neutral_statement(
) -> None:
    layer = _neutral_layer(0.05, 0.0)
    assert layer.sentence_label(0.995, neutral=0.5) == "neutral"  # a question, a fact
    assert layer.sentence_label(0.995, neutral=0.01) == "positive"
    assert layer.sentence_label(0.02, neutral=0.04) == "negative"
    assert layer.sentence_label(0.85, neutral=0.01) == "neutral"  # inside the 0.4 band
    assert _layer(0.4).sentence_label(0.995) == "positive"  # no neutral model: never


def test_the_engine_passes_each_rows_neutral_probability_to_the_label(monkeypatch) -> None:
    from products.feedback_analyzer.core import baseline

    text = "The battery lasted two hours"
    assert score_sentiment(text).pending
    monkeypatch.setattr(baseline, "load_layer", lambda: _neutral_layer(0.05, 3.0))
    neutral = analyse(text)[0]
    assert (neutral.sentiment, neutral.leaning) == ("neutral", "positive")
    monkeypatch.setattr(baseline, "load_layer", lambda: _neutral_layer(0.05, -6.0))
    assert analyse(text)[0].sentiment == "positive"


def test_a_layer_file_carries_the_neutral_model_and_its_threshold(tmp_path: Path) -> None:
    data = json.loads(LAYER_PATH.read_text(encoding="utf-8"))
    layer = load_layer()
    assert layer is not None and layer.neutral is not None
    assert len(data["neutral"]["coef"]) == 256
    assert layer.neutral_threshold == data["neutral_threshold"] < 1.0
    for key in ("neutral", "neutral_threshold"):
        data.pop(key)
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data), encoding="utf-8")
    old = load_layer(older)
    assert old is not None and old.neutral is None and old.neutral_threshold == 1.0


def test_the_trainer_labels_rows_as_the_engine_does() -> None:
    from products.feedback_analyzer.tools.train_leaning import sentence_label

    layer = _neutral_layer(0.3, 0.0)
    for positive in (0.01, 0.09, 0.11, 0.5, 0.89, 0.91, 0.99):
        for neutral in (0.0, 0.29, 0.3, 0.9):
            assert sentence_label(("positive", "x", positive, neutral), 0.3, 0.4) == (
                layer.sentence_label(positive, neutral))
    assert sentence_label(("positive", "negative", None, None), 0.3, 0.4) == "negative"


def test_the_trainer_reads_only_the_golden_tuned_rows_and_only_polar_extra_rows(
        tmp_path: Path) -> None:
    from products.feedback_analyzer.tools.train_leaning import extra_rows, golden_tuned_rows

    golden = tmp_path / "golden.jsonl"
    golden.write_text("\n".join(json.dumps(r) for r in (
        {"eval_set": "x", "version": 1, "measures": "sentiment"},
        {"id": "A", "text": "Can I pay by card?", "sentiment": "neutral", "split": "tuned"},
        {"id": "B", "text": "Where is my parcel?", "sentiment": "negative",
         "split": "heldout"})) + "\n", encoding="utf-8")
    assert [(r.row_id, r.gold) for r in golden_tuned_rows(golden)] == [("A", "neutral")]
    extra = tmp_path / "extra.csv"
    extra.write_text("Title,Rating\nLove it,5\nIt is a shirt,3\nFell apart,1\n",
                     encoding="utf-8")
    assert [r.gold for r in extra_rows(extra, "Title", "Rating")] == ["positive", "negative"]


def test_a_batch_of_vectors_gets_the_same_probabilities_as_row_by_row() -> None:
    import numpy as np

    model = Linear(mean=(1.0, 0.0), scale=(2.0, 1.0), coef=(1.0, -1.0), intercept=0.5)
    rows = [[3.0, 1.0], [-1.0, 2.0], [-1e6, 0.0], [0.0, 0.0]]
    assert model.probabilities(np.array(rows)) == pytest.approx(
        [model.probability(r) for r in rows])
    assert model.probabilities(np.array(rows))[2] == 0.0
