"""The baseline engine: VADER's known failures fixed, aspects found by seeds and neighbours,
and every row of a file in the output exactly once."""

from __future__ import annotations

import csv
from pathlib import Path

from products.feedback_analyzer.core import AnalyzeOptions, analyze_file
from products.feedback_analyzer.core.aspects import AspectTagger, propose_taxonomy
from products.feedback_analyzer.core.sentiment import RAW_VADER, score_sentiment
from shared.config import load_settings
from shared.embeddings import get_embedder


def test_negated_problems_read_as_praise_where_raw_vader_does_not() -> None:
    text = "Never had an issue with it"
    assert score_sentiment(text, fixes=RAW_VADER).label == "neutral"
    assert score_sentiment(text).label == "positive"


def test_contrast_with_both_feelings_is_mixed_and_the_reason_is_quoted() -> None:
    result = score_sentiment("The app is good but support is terrible")
    assert result.label == "mixed"
    assert result.reason in "The app is good but support is terrible"


def test_a_one_star_rating_pulls_sarcasm_negative() -> None:
    text = "Great, another update that deletes my notes."
    assert score_sentiment(text, fixes=RAW_VADER).label == "positive"
    assert score_sentiment(text, stars=1.0).label == "negative"


def test_semantic_neighbours_extend_the_seed_words() -> None:
    texts = ["the shipment was late", "shipment lost again", "laggy screen", "so laggy now"] * 2
    taxonomy = propose_taxonomy(texts, get_embedder(load_settings(embedder="wordllama")))
    tagger = AspectTagger(taxonomy)
    assert "delivery" in tagger.tag("Where is my shipment?")
    assert "shipment" not in AspectTagger({"delivery": ["delivery"]}).tag("my shipment")


def test_every_row_once_in_order_with_flags_and_all_input_columns(tmp_path: Path,
                                                                   sample_csv: Path) -> None:
    out = tmp_path / "out.csv"
    result = analyze_file(load_settings(), sample_csv, AnalyzeOptions(out=out))
    with sample_csv.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [w["review_id"] for w in written] == [s["review_id"] for s in source]
    assert all(w["review"] == s["review"] for w, s in zip(written, source, strict=True))
    assert {w["status"] for w in written} == {"ok", "skipped"}
    assert sum(w["flag"].startswith("duplicate of") for w in written) >= 1
    assert result.summary.rows == len(source) == result.summary.ok + result.summary.skipped
    assert result.summary.counts["negative"] > 50 and result.summary.aspects["delivery"] > 20
    assert "reason" in written[0] and "sentiment_score" in written[0]
    assert list(written[0])[-1] == "leaning"  # added last: earlier columns keep their places
    ok = [w for w in written if w["status"] == "ok"]
    assert {w["leaning"] for w in ok} <= {"positive", "negative", "neutral"}
    assert all(w["leaning"] == w["sentiment"] for w in ok if w["sentiment"] in
               ("positive", "negative"))
    assert {w["leaning"] for w in ok if w["sentiment"] == "mixed"} & {"positive", "negative"}
    assert all(w["leaning"] == "" for w in written if w["status"] == "skipped")


def test_words_common_to_most_rows_do_not_drive_the_clusters() -> None:
    from products.feedback_analyzer.core.themes import without_common_words

    texts = [f"Honestly, the {topic} is bad. Not happy at all." for topic in
             ("courier", "battery", "strap", "refund")] + ["The lid cracked."] * 40
    stripped = without_common_words(texts)
    assert stripped[:4] == ["courier", "battery", "strap", "refund"]
    assert stripped[-1] == "The lid cracked."  # nothing left: the text is kept as it was
