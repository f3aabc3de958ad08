"""`FastVader` gives exactly the stock library's `polarity_scores`, on every shipped text and on
generated review-like strings (negations, "but", caps, "!!!", "??", emoji, boosters, idioms).

The oracle is `vaderSentiment`'s own `SentimentIntensityAnalyzer`; scores are compared by
`repr`, so a -0.0 against a 0.0 or a last-digit float difference fails too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from products.feedback_analyzer.core.fast_vader import FastVader
from products.feedback_analyzer.core.reader import open_table
from products.feedback_analyzer.core.review_lexicon import REVIEW_LEXICON

PRODUCT = Path(__file__).resolve().parents[3] / "products" / "feedback_analyzer"


@cache
def pair(review_lexicon: bool) -> tuple[SentimentIntensityAnalyzer, FastVader]:
    """The library's analyzer and the fast one, with the same lexicon."""
    stock, fast = SentimentIntensityAnalyzer(), FastVader()
    if review_lexicon:
        stock.lexicon.update(REVIEW_LEXICON)
        fast.lexicon.update(REVIEW_LEXICON)
    return stock, fast


def shipped_texts() -> list[str]:
    """Every text of the sample files (both encodings) and of the golden set."""
    texts = [row.text for name in ("reviews.csv", "reviews_cp1252.csv")
             for row in open_table(PRODUCT / "data" / name).rows()]
    lines = (PRODUCT / "evals" / "golden.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [record["text"] for record in map(json.loads, lines) if "text" in record]
    return texts


def assert_same(text: str, review_lexicon: bool) -> None:
    stock, fast = pair(review_lexicon)
    assert repr(fast.polarity_scores(text)) == repr(stock.polarity_scores(text)), text


@pytest.mark.parametrize("review_lexicon", [False, True])
def test_every_shipped_text_scores_exactly_as_the_library(review_lexicon: bool) -> None:
    texts = shipped_texts()
    assert len(texts) > 700  # 520 + 30 cp1252 rows + 205 golden rows
    for text in texts:
        assert_same(text, review_lexicon)


def test_the_rules_fast_vader_reimplements_are_exercised_by_hand_written_cases() -> None:
    cases = ["The book was good.", "The book was NOT good!!!", "no problems, no issues at all",
             "Not bad at all", "It was kind of good but the ending was awful",
             "Without a doubt, an excellent idea.", "never so good", "never this bad, really",
             "at least it isn't horrible", "the least helpful agent", "VERY GOOD, very bad",
             "GREAT GREAT GREAT", "yeah right, that is the bomb", "the kiss of death for it",
             "Is it good?? Is it??", "good ????", "love it 😍 but 💩 delivery", "  ",
             "", "😁", "Make sure you :) or :D today!", "it's the shit", "cut the mustard"]
    for text in cases:
        assert_same(text, review_lexicon=True)
    stock, fast = pair(True)
    assert fast.polarity_scores("not good")["compound"] < 0 < fast.polarity_scores("good")[
        "compound"]
    assert stock.polarity_scores("no problems") == fast.polarity_scores("no problems")


WORDS = ["good", "bad", "great", "terrible", "love", "hate", "no", "not", "never", "isn't",
         "don't", "without", "doubt", "but", "BUT", "however", "very", "VERY", "extremely",
         "kind", "of", "kinda", "sort", "least", "at", "so", "this", "the", "bomb", "shit",
         "yeah", "right", "nor", "or", "late", "crashes", "sturdy", "flimsy", "app", "delivery",
         "support", "refund", "GREAT", "Terrible", "ok", "problems", "issue", "nothing",
         "rarely", "despite", "barely", "slightly", "totally", ":)", ":(", "lol", "meh",
         "sux", "kiss", "death", "die", "for", "to", "bus", "stop", "bad", "ass", "hardly"]
PHRASES = ["never so", "never this", "without a doubt", "without doubt", "the least",
           "at least", "very least", "kind of", "sort of", "yeah right", "the bomb",
           "kiss of death", "bad ass", "to die for", "cut the mustard", "no or", "no nor",
           "not very", "isn't really", "hardly ever"]
PUNCT = ["", "", "", ",", ".", "!", "!!!", "?", "??", "...", " -", ";", "'", '"', "("]
EMOJI = ["😍", "💩", "👍", "🙂", "❤", "é", "ü", "—"]
word = st.tuples(st.sampled_from(WORDS), st.sampled_from(PUNCT)).map("".join)
piece = st.one_of(word, word, word, st.sampled_from(PHRASES),
                  st.text(alphabet="abcXYZ!?.,' :-)(", max_size=6))
review = st.lists(piece, max_size=25).map(" ".join)
glued = st.tuples(word, st.sampled_from(EMOJI)).map("".join)  # "good😍": no space before it
with_emoji = st.lists(st.one_of(piece, glued, st.sampled_from(EMOJI)), max_size=25).map(" ".join)


@given(review, st.booleans())
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_reviews_score_exactly_as_the_library(text: str, review_lexicon: bool) -> None:
    assert_same(text, review_lexicon)


@given(with_emoji)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_reviews_with_emoji_score_exactly_as_the_library(text: str) -> None:
    """Emoji (and words glued to them) take the library's path; the rest must agree with it."""
    assert_same(text, review_lexicon=True)


@pytest.mark.parametrize("text", [
    "the battery is so very good", "the app is so good", "we all found this good",
    "my friend said this screen is really good",
    "the case was this cheap and good", "never so happy with a phone", "never this pleased",
    "without a doubt the best", "without doubt great", "it is not bad at all",
    "I don't love the strap", "THE APP isn't GOOD", "nothing good about it",
])
def test_texts_that_take_the_negation_check_score_as_the_library(text: str) -> None:
    """The skip of the negation check (a text with none of the words it reads) must not skip
    texts whose words it does read: "so"/"this" boosts, "never so", "without doubt", negators."""
    assert FastVader().polarity_scores(text) == SentimentIntensityAnalyzer().polarity_scores(text)
