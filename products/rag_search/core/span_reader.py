"""A learned span reader: the short phrase of the answering sentence, for any question.

The classic pre-neural SQuAD recipe: every run of 1..MAX_TOKENS tokens of the sentence that
does not cross punctuation, does not start or end on a function word and is not already in
the question is a candidate; a logistic regression (`span_reader.json`, trained by
`tools/train_span.py` on the SQuAD tune split) scores each from its shape (length,
capitals, numbers, dates), its fit to the wh-word (a date for "when", a number for "how
many", a name for "who"), and where it sits relative to the question's words matched in
the sentence (the answer is usually next to them). The best-scoring candidate is the span.
The sentence stays the answer with its citation; the span is what the eye goes to and what
exact-match / token-F1 score on a QA set.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from products.rag_search.core.answer_gate import question_type

READER_FILE = Path(__file__).resolve().parent.parent / "span_reader.json"
MAX_TOKENS = 7  # SQuAD answers are mostly 1-4 tokens; longer runs are rarely the whole answer
_TOKEN = re.compile(r"[$£€]?\d+(?:[,.]\d+)*%?|[\w'’-]+|[^\w\s]")
_FUNCTION = frozenset(re.findall(r"\w+", (
    "a an the of in on at by for to from with and or but as is are was were be been "
    "that which who whom whose this these those it its their his her they he she we "
    "you i than into onto over under after before during while also not")))
_MONTHS = frozenset(re.findall(r"\w+", (
    "january february march april may june july august september october november "
    "december")))
_NUMBER_WORDS = frozenset(re.findall(r"\w+", (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty "
    "forty fifty hundred thousand million billion several dozen")))
_YEAR = re.compile(r"^(?:1[0-9]|20)\d{2}s?$")
_WH = ("what", "which", "who", "when", "where", "why", "how")
KINDS = ("when", "quantity", "who", "where", "other")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(sentence: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def _norm(token: str) -> str:
    return token.lower().strip("'’")


def candidates(sentence: str, question: str) -> list[tuple[int, int]]:
    """(first, last+1) token index pairs: runs without punctuation, not starting or ending
    on a function word, with at least one word the question does not have."""
    toks = tokens(sentence)
    asked = {_norm(t.text) for t in tokens(question)}
    found = []
    for first, token in enumerate(toks):
        if not _is_word(token.text) or _norm(token.text) in _FUNCTION:
            continue
        for last in range(first, min(first + MAX_TOKENS, len(toks))):
            if not _is_word(toks[last].text):
                break
            if _norm(toks[last].text) in _FUNCTION:
                continue
            run = toks[first:last + 1]
            if any(_norm(t.text) not in asked and _norm(t.text) not in _FUNCTION for t in run):
                found.append((first, last + 1))
    return found


def _wh(question: str) -> str:
    lowered = question.lower()
    hits = [(lowered.find(w), w) for w in _WH if re.search(rf"\b{w}\b", lowered)]
    return min(hits)[1] if hits else "other"


def _head(question: str) -> str:
    """The noun the wh-word asks about ("what year", "which country", "what kind of device"),
    or "" when there is none: the answer often sits next to that word in the sentence."""
    found = re.search(r"\b(?:what|which|how many|how much)\s+(?:kind of |type of |sort of )?"
                      r"([a-z][\w'’-]*)", question.lower())
    head = found.group(1) if found else ""
    return "" if head in _FUNCTION or head in {"did", "does", "do", "was", "were", "is",
                                                "are", "has", "had", "can"} else head


def features(question: str, sentence: str, span: tuple[int, int],
             toks: list[Token] | None = None) -> dict[str, float]:
    """The candidate's features (names are the keys of span_reader.json's weights)."""
    toks = toks if toks is not None else tokens(sentence)
    first, last = span
    run = [t.text for t in toks[first:last]]
    asked = {_norm(t.text) for t in tokens(question)} - _FUNCTION
    matched = [i for i, t in enumerate(toks) if _norm(t.text) in asked]
    outside = [i for i in matched if i < first or i >= last]
    distance = min((first - i if i < first else i - last + 1 for i in outside), default=30)
    near = sum(1 for i in outside if first - 4 <= i < last + 4)
    capitals = sum(t[:1].isupper() for t in run) / len(run)
    numeric = any(ch.isdigit() for t in run for ch in t) or any(
        t.lower() in _NUMBER_WORDS for t in run)
    dated = any(_YEAR.match(t) for t in run) or any(t.lower() in _MONTHS for t in run)
    in_question = sum(_norm(t) in asked for t in run) / len(run)
    before = toks[first - 1].text.lower() if first > 0 else ""
    after = toks[last].text if last < len(toks) else ""
    kind = question_type(question) or "other"
    wh = _wh(question)
    length = last - first
    head = _head(question)
    window = {_norm(t.text) for t in toks[max(0, first - 3):first]} | {
        _norm(t.text) for t in toks[last:last + 3]}
    values = {
        "match_just_before": float(first > 0 and _norm(toks[first - 1].text) in asked),
        "match_just_after": float(last < len(toks) and _norm(toks[last].text) in asked),
        "head_nearby": float(bool(head) and head in window),
        "head_inside": float(bool(head) and head in {_norm(t) for t in run}),
        "matches_within_3": min(len(window & asked), 4) / 4,
        "in_brackets": float(before in {"(", '"', "“"} or after in {")", '"', "”"}),
        "lower_share": sum(t[:1].islower() for t in run) / len(run),
        # "300" of "300 pounds": a number cut from the unit after it
        "unit_left_out": float(any(ch.isdigit() for ch in run[-1]) and after[:1].islower()),
        "bias": 1.0,
        "len_1": float(length == 1), "len_2": float(length == 2), "len_3": float(length == 3),
        "len_4_5": float(4 <= length <= 5), "len_6_plus": float(length >= 6),
        "capital_share": capitals, "all_capitals": float(capitals == 1.0),
        "numeric": float(numeric), "dated": float(dated),
        "in_question_share": in_question,
        "log_distance": math.log1p(distance), "near_matches": min(near, 6) / 6,
        "after_match": float(any(i < first for i in matched)),
        "before_match": float(any(i >= last for i in matched)),
        "starts_sentence": float(first == 0),
        "relative_start": first / max(len(toks), 1),
        "after_preposition": float(before in {"in", "on", "at", "by", "from", "to", "of"}),
        "after_comma": float(before in {",", "(", "-"}),
        "before_punctuation": float(after in {",", ".", ";", ":", ")", ""}),
        "capital_before": float(first > 0 and toks[first - 1].text[:1].isupper()),
        "capital_after": float(bool(after[:1].isupper())),
    }
    shapes = {"cap": capitals, "num": float(numeric), "date": float(dated),
              "short": float(length <= 2), "long": float(length >= 4)}
    for name, value in shapes.items():
        for each in KINDS:
            values[f"kind_{each}_{name}"] = value if each == kind else 0.0
        for each in (*_WH, "other"):
            values[f"wh_{each}_{name}"] = value if each == wh else 0.0
    return values


@dataclass(frozen=True)
class SpanReader:
    weights: dict[str, float]

    def score(self, values: dict[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in values.items())

    def read(self, question: str, sentence: str) -> str | None:
        """The best-scoring candidate of the sentence, or None when it has none."""
        toks = tokens(sentence)
        spans = candidates(sentence, question)
        if not spans:
            return None
        first, last = max(spans, key=lambda s: self.score(features(question, sentence, s, toks)))
        return sentence[toks[first].start:toks[last - 1].end]


@lru_cache(maxsize=1)
def load_reader(path: Path = READER_FILE) -> SpanReader | None:
    """The shipped reader, or None when its file is missing (the rule spans are used)."""
    if not path.exists():
        return None
    return SpanReader(json.loads(path.read_text(encoding="utf-8"))["weights"])


__all__ = ["KINDS", "MAX_TOKENS", "READER_FILE", "SpanReader", "candidates", "features",
           "load_reader", "tokens"]
