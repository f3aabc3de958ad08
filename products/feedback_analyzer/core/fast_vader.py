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
- only lexicon words run the valence rules; every other word scores the library's int 0;
- the idiom check runs only where one of its idioms' words is near, and the booster step
  only after a booster word;
- `score_valence` is the library's arithmetic in the same order, with fewer calls.

The library's `_but_check` is called as it is. A test compares every
text of the shipped data and golden set, plus generated review-like strings, with the
library's scores (see `tests/products/feedback_analyzer/test_fast_vader.py`).
"""

from __future__ import annotations

import math
import string

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
    scalar_inc_dec,
)

_PUNCTUATION = string.punctuation
_NEGATE = frozenset(NEGATE)
# Every word `_negation_check` reads besides the negators: a text with none of these (and no
# "n't") leaves every valence as it is, so the check is skipped (same scores, fewer calls).
_NEGATION_CONTEXT = _NEGATE | {"never", "so", "this", "without", "doubt"}
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
        words = _words(text)
        lowers = [word.lower() for word in words]
        sentiments = self._sentiments(words, lowers, _NEGATION_CONTEXT.isdisjoint(lowers)
                                      and "n't" not in text.lower())
        if "but" in lowers:
            sentiments = self._but_check(words, sentiments)
        return _score_valence(sentiments, text)

    def _sentiments(self, words: list[str], lowers: list[str],
                    no_negation: bool = False) -> list[float]:
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
                    sentiments[i] = self._valence(words, lowers, i, is_cap_diff, no_negation)
        return sentiments

    def _valence(self, words: list[str], lowers: list[str], i: int, is_cap_diff: bool,
                 no_negation: bool = False) -> float:
        """The library's `sentiment_valence` for the lexicon word at `i` (`no_negation`: the
        text has no word the negation check reads, so that check would change nothing)."""
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
            back = lowers[i - (start_i + 1)]
            if back in lexicon:
                continue
            valence = valence + (_booster(words[i - (start_i + 1)], valence, is_cap_diff, start_i)
                                 if back in BOOSTER_DICT else 0.0)
            if not no_negation:
                valence = _negation_check(valence, lowers, start_i, i)
            if start_i == 2 and not _IDIOM_MARKERS.isdisjoint(lowers[i - 3:i + 3]):
                valence = _special_idioms_check(valence, lowers, i)
        return _least_check(valence, lowers, i, lexicon)


def _words(text: str) -> list[str]:
    """The library's `SentiText` words: tokens stripped of punctuation unless that leaves two
    characters or fewer (emoticons such as ":)" stay whole)."""
    return [token if len(bare := token.strip(_PUNCTUATION)) <= 2 else bare
            for token in text.split()]


def _booster(word: str, valence: float, is_cap_diff: bool, start_i: int) -> float:
    """The library's booster scalar for a word `start_i + 1` places back, damped with distance
    (a non-booster word adds the library's scalar 0.0)."""
    s = scalar_inc_dec(word, valence, is_cap_diff)
    if start_i == 1 and s != 0:
        s = s * 0.95
    if start_i == 2 and s != 0:
        s = s * 0.9
    return s


def _score_valence(sentiments: list[float], text: str) -> dict[str, float]:
    """The library's `score_valence` (with its `_punctuation_emphasis` and
    `_sift_sentiment_scores`), the same operations in the same order."""
    if not sentiments:
        return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    sum_s = float(sum(sentiments))
    ep_amplifier = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm_amplifier = (qm_count * 0.18 if qm_count <= 3 else 0.96) if qm_count > 1 else 0
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    compound = normalize(sum_s)
    pos_sum, neg_sum = 0.0, 0.0
    for score in [score for score in sentiments if score]:  # zeros only count as neutral
        if score > 0:
            pos_sum += float(score) + 1
        else:
            neg_sum += float(score) - 1
    neu_count = sentiments.count(0)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct_emph_amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {"neg": round(math.fabs(neg_sum / total), 3),
            "neu": round(math.fabs(neu_count / total), 3),
            "pos": round(math.fabs(pos_sum / total), 3), "compound": round(compound, 4)}


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
