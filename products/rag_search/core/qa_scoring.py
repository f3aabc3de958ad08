"""SQuAD-style answer scoring, re-implemented from the description of the official script.

Normalise both texts (lower-case, drop punctuation, drop the articles a/an/the, collapse
whitespace); exact match is equality of the normalised texts, token F1 the harmonic mean of
token precision and recall over the bag of normalised tokens; both take the maximum over the
gold answers. Containment says whether the normalised gold span occurs in the answer.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation)
_CITATION = re.compile(r"\[S\d+\]")


def normalize_answer(text: str) -> str:
    lowered = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", lowered).split())


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    guess = normalize_answer(prediction)
    return max((float(guess == normalize_answer(gold)) for gold in golds), default=0.0)


def _f1(prediction: str, gold: str) -> float:
    guess, truth = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = sum((Counter(guess) & Counter(truth)).values())
    if not guess or not truth:
        return float(guess == truth)
    if common == 0:
        return 0.0
    precision, recall = common / len(guess), common / len(truth)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    return max((_f1(prediction, gold) for gold in golds), default=0.0)


def contains_gold(answer: str, golds: Sequence[str]) -> float:
    """1.0 when some normalised gold span is inside the normalised answer."""
    text = f" {normalize_answer(answer)} "
    return max((float(f" {normalize_answer(gold)} " in text) for gold in golds
                if normalize_answer(gold)), default=0.0)


def strip_citations(answer: str) -> str:
    """The answer text without its [S1] markers (they are not part of what is scored)."""
    return " ".join(_CITATION.sub(" ", answer).split())


__all__ = ["contains_gold", "exact_match", "normalize_answer", "strip_citations", "token_f1"]
