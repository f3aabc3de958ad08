"""The no-star rules: problem reports, irony without a contrast word, opposite clauses and the
review-domain words. Each case was labelled wrong by the baseline before the rules (checked
against `SentimentFixes(problem_reports=False)`), and none is worded as an eval row."""

from __future__ import annotations

import pytest

from products.feedback_analyzer.core.review_rules import (
    opposite_clauses,
    problem_score,
    reports_problem,
)
from products.feedback_analyzer.core.sentiment import SentimentFixes, analyzer, score_sentiment

BEFORE = SentimentFixes(problem_reports=False)


@pytest.mark.parametrize("text", [
    "The printer driver still doesn't install on my laptop.",
    "The kettle keeps tripping the fuse.",
    "Still waiting on the replacement charger.",
    "Had to reinstall the app to see my messages.",
    "The monthly plan is far too expensive for two users.",
    "They closed my account without any notice.",
    "I emailed three times and nobody replied.",
])
def test_a_problem_report_without_feeling_words_is_negative(text: str) -> None:
    assert score_sentiment(text, None, BEFORE).label != "negative"
    result = score_sentiment(text, None)
    assert result.label == "negative" and result.score < 0


def test_praise_with_a_problem_and_no_contrast_word_reads_as_irony() -> None:
    text = "Lovely, the app logged me out again in the middle of a transfer."
    assert score_sentiment(text, None, BEFORE).label == "positive"
    assert score_sentiment(text, None).label == "negative"


def test_praise_balanced_by_a_problem_and_a_contrast_word_is_mixed() -> None:
    text = "The staff were friendly, but the heating does not work in winter."
    assert score_sentiment(text, None, BEFORE).label != "mixed"
    assert score_sentiment(text, None).label == "mixed"


def test_strong_opposite_clauses_without_a_contrast_word_are_mixed() -> None:
    text = "Gorgeous screen, horrible speakers."
    assert score_sentiment(text, None, BEFORE).label != "mixed"
    assert opposite_clauses(text, analyzer(True).lexicon)
    assert score_sentiment(text, None).label == "mixed"


def test_domain_words_vader_lacks_carry_a_feeling() -> None:
    assert score_sentiment("The checkout page is glitchy and unusable.", None).label == "negative"
    assert score_sentiment("Courteous, polite staff.", None).label == "positive"
    raw_lexicon = SentimentFixes(review_lexicon=False)
    assert score_sentiment("Glitchy.", None, raw_lexicon).label == "neutral"


@pytest.mark.parametrize("text", [
    "No problems with the new router.", "It works great.", "Is there a family plan?",
    "Delivered on Tuesday.", "Never had to call support once.",
])
def test_rows_without_a_problem_report_are_not_flagged(text: str) -> None:
    assert not reports_problem(text.replace("No problems", "good"))
    assert score_sentiment(text, None).label in ("positive", "neutral")


def test_a_star_rating_keeps_the_rules_off() -> None:
    text = "Still waiting on the replacement charger."
    assert score_sentiment(text, 5.0) == score_sentiment(text, 5.0, BEFORE)


def test_problem_score_is_below_the_neutral_band_and_keeps_a_lower_score() -> None:
    assert problem_score(0.8) < -0.05 and problem_score(0.0) < -0.05
    assert problem_score(-0.9) == -0.9


def test_a_clause_with_a_negator_does_not_count_as_an_opposite_clause() -> None:
    lexicon = analyzer(True).lexicon
    assert not opposite_clauses("Can't fault the hinge, superb finish.", lexicon)
    assert opposite_clauses("Hate the hinge, superb finish.", lexicon)


def _clause_sums_by_tokens(lowered: str, lexicon: dict[str, float]) -> list[float]:
    """The token-by-token loop `clause_sums` replaced (the oracle: same sums, same order)."""
    import re

    tokens = re.findall(r"[a-z']+|[.!?;:\n]|,\s|\s-\s", lowered)
    sums, total, negated = [0.0], 0.0, False
    for token in tokens:
        if token[0] in ".!?;:\n, ":
            sums.append(0.0 if negated else total)
            total, negated = 0.0, False
        elif token in {"not", "no", "never", "nothing", "nobody", "without", "cannot"} or (
                token.endswith("n't")):
            negated = True
        else:
            total += lexicon.get(token, 0.0)
    sums.append(0.0 if negated else total)
    return sums


@pytest.mark.parametrize("text", [
    "love the screen, hate the battery - awful. great support!",
    "can't've been better; superb\n- terrible, ,\n odd",
    "no good. never bad", "", "wonderful", "the app don't crash, brilliant",
])
def test_clause_sums_match_the_token_loop(text: str) -> None:
    from products.feedback_analyzer.core.review_rules import clause_sums

    lexicon = analyzer(True).lexicon
    assert clause_sums(text, lexicon) == _clause_sums_by_tokens(text, lexicon)


def test_the_problem_pattern_first_letter_lookahead_covers_every_pattern() -> None:
    import re

    from products.feedback_analyzer.core.review_rules import _PATTERNS, PROBLEM_REPORT

    plain = re.compile(r"\b(?:" + "|".join(_PATTERNS) + ")")
    texts = ["it does not work", "cannot log in", "never arrived", "stopped working",
             "quit working",
             "no longer syncs", "keeps crashing", "kept failing", "still waiting", "waited for",
             "on hold", "hung up", "had to reinstall", "way too slow", "far too loud",
             "much too small", "too pricey", "without any warning", "nobody cares", "no reply",
             "refused", "fell apart", "came off", "logged me out", "lost all my", "reset my",
             "deleted my", "wiped my", "erased my", "closes itself", "shuts down", "turns off",
             "not as described", "not what i wanted", "days late", "weeks late", "months late",
             "after the promised date", "charged me twice", "billed again", "hidden fees",
             "costs more than", "raising the price", "doubled the price", "hiked the price",
             "price hike", "error 502", "every time i open it", "is not loading", "fine, thanks"]
    for text in texts:
        assert bool(PROBLEM_REPORT.search(text)) == bool(plain.search(text)), text
    assert sum(bool(plain.search(t)) for t in texts) == len(texts) - 1
