"""VADER's `polarity_scores` without the work that cannot change a score, same numbers exactly.

The stock `SentimentIntensityAnalyzer` spends most of a short review's time on bookkeeping:
it rebuilds the text one character at a time looking for emoji (string concatenation per
character), lower-cases the whole word list again for every negation and idiom check around
every sentiment word (three to four times per sentiment word), and calls a method per word
even for the words that are not in its lexicon (most of them). `FastVader` keeps the
library's rules and float operations in the same order and only removes that repetition:

- a text with no emoji character takes a single `str.strip()` instead of the rebuild (any
  text with an emoji goes through the library's own `polarity_scores`, unchanged);
- the words are lower-cased once and the per-word rules read that list;
- only lexicon words run the valence rules; every other word scores the library's int 0.

The library's `_but_check` and `score_valence` are called as they are. A test compares every
text of the shipped data and golden set, plus generated review-like strings, with the
library's scores (see `tests/products/feedback_analyzer/test_fast_vader.py`).
"""

from __future__ import annotations

import string

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    scalar_inc_dec,
)

_PUNCTUATION = string.punctuation
_NEGATE = frozenset(NEGATE)
# One word (the longest) of each two- or three-word key the idiom check looks up ("death" for
# "kiss of death"): a key can only match where its word is, so a window around the sentiment
# word without any of them skips the check.
_IDIOM_MARKERS = frozenset(max(key.split(" "), key=len)
                           for key in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in key)


class FastVader(SentimentIntensityAnalyzer):
    """A `SentimentIntensityAnalyzer` whose `polarity_scores` returns the library's dict."""

    def __init__(self) -> None:
        super().__init__()
        # Only single characters are ever matched by the library's emoji scan.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)

    def polarity_scores(self, text: str) -> dict[str, float]:
        """The library's scores; texts with an emoji (or not a str) take the library's path."""
        if not isinstance(text, str) or not (
                text.isascii() or self._emoji_chars.isdisjoint(text)):  # no emoji is ASCII
            return super().polarity_scores(text)
        text = text.strip()
        words = [token if len(bare := token.strip(_PUNCTUATION)) <= 2 else bare
                 for token in text.split()]
        lowers = [word.lower() for word in words]
        sentiments = self._sentiments(words, lowers)
        if "but" in lowers:
            sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    def _sentiments(self, words: list[str], lowers: list[str]) -> list[float]:
        """One value per word, as the library's main loop builds it: lexicon words get their
        valence; boosters, the "kind" of "kind of" and words outside the lexicon get int 0."""
        lexicon = self.lexicon
        sentiments: list[float] = [0] * len(lowers)
        hits = [i for i, low in enumerate(lowers) if low in lexicon and low not in BOOSTER_DICT]
        if hits:
            is_cap_diff = _is_cap_diff(words)
            last = len(lowers) - 1
            for i in hits:
                if not (lowers[i] == "kind" and i < last and lowers[i + 1] == "of"):
                    sentiments[i] = self._valence(words, lowers, i, is_cap_diff)
        return sentiments

    def _valence(self, words: list[str], lowers: list[str], i: int, is_cap_diff: bool) -> float:
        """The library's `sentiment_valence` for the lexicon word at `i`."""
        lexicon = self.lexicon
        low = lowers[i]
        valence = lexicon[low]
        if low == "no" and i != len(lowers) - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no") or (
                i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor")):
            valence = lexicon[low] * N_SCALAR
        if is_cap_diff and words[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(min(i, 3)):
            if lowers[i - (start_i + 1)] not in lexicon:
                valence = _modified(valence, words, lowers, i, start_i, is_cap_diff)
        return _least_check(valence, lowers, i, lexicon)


def _modified(valence: float, words: list[str], lowers: list[str], i: int, start_i: int,
              is_cap_diff: bool) -> float:
    """The booster, negation and idiom steps for the word `start_i + 1` places back."""
    back = i - (start_i + 1)
    s = scalar_inc_dec(words[back], valence, is_cap_diff) if lowers[back] in BOOSTER_DICT else 0.0
    if start_i == 1 and s != 0:
        s = s * 0.95
    if start_i == 2 and s != 0:
        s = s * 0.9
    valence = valence + s
    valence = _negation_check(valence, lowers, start_i, i)
    if start_i == 2 and not _IDIOM_MARKERS.isdisjoint(lowers[i - 3:i + 3]):
        valence = _special_idioms_check(valence, lowers, i)
    return valence


def _is_cap_diff(words: list[str]) -> bool:
    """The library's `allcap_differential`: some, but not all, words are ALL CAPS."""
    upper = sum(map(str.isupper, words))
    return 0 < len(words) - upper < len(words)


def _negated(lower: str) -> bool:
    """The library's `negated([word])` for one already lower-cased word."""
    word = lower.lower()
    return word in _NEGATE or "n't" in word


def _negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    """The library's `_negation_check` for the word `start_i + 1` places back, reading the
    lower-cased words: "never so/this" boosts, "without (a) doubt" keeps, a negation flips."""
    if start_i == 1 and lowers[i - 2] == "never" and lowers[i - 1] in ("so", "this"):
        return valence * 1.25
    if start_i == 2 and ((lowers[i - 3] == "never" and lowers[i - 2] in ("so", "this"))
                         or lowers[i - 1] in ("so", "this")):
        return valence * 1.25
    if start_i == 1 and lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
        return valence
    if start_i == 2 and lowers[i - 3] == "without" and "doubt" in (lowers[i - 2], lowers[i - 1]):
        return valence
    return valence * N_SCALAR if _negated(lowers[i - start_i - 1]) else valence


def _special_idioms_check(valence: float, lowers: list[str], i: int) -> float:
    """The library's `_special_idioms_check` (called only with i >= 3)."""
    one_zero = f"{lowers[i - 1]} {lowers[i]}"
    two_one_zero = f"{lowers[i - 2]} {lowers[i - 1]} {lowers[i]}"
    two_one = f"{lowers[i - 2]} {lowers[i - 1]}"
    three_two_one = f"{lowers[i - 3]} {lowers[i - 2]} {lowers[i - 1]}"
    three_two = f"{lowers[i - 3]} {lowers[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lowers) - 1 > i and (zero_one := f"{lowers[i]} {lowers[i + 1]}") in SPECIAL_CASES:
        valence = SPECIAL_CASES[zero_one]
    if len(lowers) - 1 > i + 1 and (
            zero_one_two := f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}") in SPECIAL_CASES:
        valence = SPECIAL_CASES[zero_one_two]
    for n_gram in (three_two_one, three_two, two_one):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lowers: list[str], i: int, lexicon: dict[str, float]) -> float:
    """The library's `_least_check`, reading the lower-cased words."""
    if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        if lowers[i - 2] != "at" and lowers[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


__all__ = ["FastVader"]
