"""The abstain decision that reads the question against the evidence, with a confidence.

The relevance gate (core.gate) asks "is this passage about the question?". A near-miss
question is about the passage and still not answered by it: one name swapped for another,
a negation, an antonym, a condition the page never states. So once passages are accepted,
the best evidence sentence (the one covering most of the question's IDF-weighted terms) is
read against the question:

- coverage: of the question's terms, rare terms, names, numbers and adjacent term pairs,
  the share the best sentence (and its passage) holds; the rarest term the passage lacks;
- answer type: a who/when/how-many/where question and whether the sentence holds a name, a
  date, a number, a place (a sentence with nothing of the asked type does not answer it);
- conditions: a negation in the question the sentence does not carry (or the reverse); a
  word of the question whose opposite the evidence has instead ("first" where it says
  "last"); a number of the question ("two buttons") the evidence does not have;
- a strict answer type: "how long" needs a duration, "how many" a number that is not a
  year, "when" a year or month in the evidence window;
- margin: how far the best sentence's coverage leads the runner-up's (a near miss often
  matches several sentences equally);
- retrieval: the gate's relevance, coverage and cosine of the top passage.

A logistic regression over these features (trained on the SQuAD 2.0 tune split only by
tools/train_gate.py, coefficients in answer_gate.json, MODEL_CARD.md) turns them into
P(the passages answer the question): the answer's `confidence`. Below `abstain_below`, when
the evidence also lacks something the question states (`veto_when_missing`: a multi-word
name, a name pair, a number, the asked type, or holds an opposite), the extractive engine
says "I don't know"; below `low_below` an answer is flagged low confidence.
Both thresholds were chosen on tune data only (SQuAD tune split, golden-set tune cases).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel, Field

from products.rag_search.core.models import SearchResult
from products.rag_search.core.names import question_names
from products.rag_search.core.relevance import Signals, coverage, searchable
from products.rag_search.core.structure import quotable_units
from products.rag_search.core.text import STOPWORDS as _STOPWORDS
from products.rag_search.core.text import terms, words

GATE_FILE = Path(__file__).resolve().parent.parent / "answer_gate.json"  # beside calibration.json
EVIDENCE_CHUNKS = 3  # the best sentence is looked for in the top accepted passages

_NEGATION = re.compile(r"\b(not|never|no|none|nor|without|n't|cannot|neither|fail(?:ed|s)?)\b"
                       r"|n't\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d,.]*")
_YEAR_OR_DATE = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(january|february|march|april|may|"
                           r"june|july|august|september|october|november|december)\b|"
                           r"\b\d{1,2}(st|nd|rd|th)\b|\bcentur(y|ies)\b", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|"
                          r"several|half|percent)\b", re.IGNORECASE)
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")
QUESTION_TYPES = {
    "when": re.compile(r"\bwhen\b|\bwhat (year|date|day|month|century|decade|time)\b|"
                       r"\bwhich (year|date|day|month|century|decade)\b", re.IGNORECASE),
    "quantity": re.compile(r"\bhow (many|much|long|old|far|big|large|often|tall|high)\b|"
                           r"\b(what|which) (percentage|percent|number|amount)\b",
                           re.IGNORECASE),
    "who": re.compile(r"\bwho\b|\bwhom\b|\bwhose\b|\b(what|which) (person|man|woman|company|"
                      r"band|group|team|artist|organization)\b", re.IGNORECASE),
    "where": re.compile(r"\bwhere\b|\b(what|which) (city|country|state|place|region|"
                        r"continent|town)\b", re.IGNORECASE),
}
FEATURES = (
    "relevance", "top_coverage", "top_similarity", "sentence_coverage", "chunk_coverage",
    "rare_missing", "missing_terms", "names_in_sentence", "names_in_chunk",
    "numbers_in_chunk", "pairs_in_chunk", "type_asked", "type_found", "negation_mismatch",
    "question_terms", "name_runs_in_chunk", "name_pairs_in_chunk", "pairs_in_window",
    "window_coverage", "word_pairs_in_chunk", "word_triples_in_chunk", "longest_run",
    "name_pairs_in_window", "sentence_margin", "type_held",
)
# Shares and flags that are 1.0 unless the evidence lacks something the question states; the
# veto reads them (GateModel.veto_when_missing), the regression reads FEATURES.
CONDITIONS = ("numbers_in_window", "type_held", "antonym_free")
# Word pairs written for the kit: a near-miss question often swaps a word for its opposite.
_OPPOSITES = (("first", "last"), ("before", "after"), ("increase", "decrease"),
              ("increased", "decreased"), ("largest", "smallest"), ("most", "least"),
              ("earliest", "latest"), ("early", "late"), ("win", "lose"), ("won", "lost"),
              ("positive", "negative"), ("left", "right"), ("best", "worst"),
              ("higher", "lower"), ("highest", "lowest"), ("major", "minor"),
              ("began", "ended"), ("male", "female"), ("oldest", "newest"),
              ("north", "south"), ("east", "west"), ("inside", "outside"),
              ("success", "failure"), ("accepted", "rejected"), ("allowed", "banned"),
              ("longest", "shortest"), ("public", "private"), ("fewer", "more"))
OPPOSITE: dict[str, frozenset[str]] = {
    word: frozenset(b for a, b in (*_OPPOSITES, *((y, x) for x, y in _OPPOSITES)) if a == word)
    for pair in _OPPOSITES for word in pair}
_COUNT_WORDS = frozenset(re.findall(r"\w+", (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
    "fifty hundred thousand million billion first second third fourth fifth single double")))
_DURATION = re.compile(r"\b(second|minute|hour|day|week|month|year|decade|centur)",
                       re.IGNORECASE)
_YEAR = re.compile(r"^(1[0-9]|20)\d\d$")
_WHEN_HELD = re.compile(r"\b(1[0-9]|20)\d\d\b|\b(january|february|march|april|may|june|"
                        r"july|august|september|october|november|december)\b", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[a-z0-9]+")
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'’-]*)+")


class GateModel(BaseModel):
    """The shipped logistic regression: standardise, dot, sigmoid."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    abstain_below: float
    low_below: float
    trained_on: str = ""
    # The veto also needs one of these features below 1 (a name of the question the passage
    # does not have as such): on the kit's own corpora a low confidence alone turned down
    # more answerable questions than unanswerable ones (DECISIONS.md, 2026-12-07).
    veto_when_missing: list[str] = Field(default_factory=list)

    def vetoes(self, found: dict[str, float], confidence: float,
               threshold: float | None = None) -> bool:
        """Whether an extractive answer with this confidence and these features is refused
        (at `threshold`, by default the shipped `abstain_below`)."""
        missing = not self.veto_when_missing or any(
            found.get(name, 1.0) < 1.0 for name in self.veto_when_missing)
        limit = self.abstain_below if threshold is None else threshold
        return confidence < limit and missing

    def confidence(self, found: dict[str, float]) -> float:
        z = self.intercept + sum(
            c * ((found.get(name, 0.0) - m) / (s or 1.0))
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef,
                                     strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load_gate(path: Path = GATE_FILE) -> GateModel | None:
    """The shipped model, or None when there is none (every answer then has no confidence)."""
    if not path.is_file():
        return None
    return GateModel.model_validate(json.loads(path.read_text(encoding="utf-8")))


def question_type(question: str) -> str | None:
    """when / quantity / who / where, or None for a question that asks for none of them."""
    for name, pattern in QUESTION_TYPES.items():
        if pattern.search(question):
            return name
    return None


def holds_type(kind: str | None, sentence: str, question: str) -> bool:
    """Whether the sentence holds an answer of the asked kind that the question lacks."""
    if kind == "when":
        return _YEAR_OR_DATE.search(sentence) is not None
    if kind == "quantity":
        return bool(_NUMBER.search(sentence) or _NUMBER_WORD.search(sentence))
    if kind in ("who", "where"):
        asked = {w.lower() for w in words(question)}
        return any(name.lower() not in asked for name in _CAPITAL.findall(sentence))
    return False


def best_sentence(weights: dict[str, float], results: Sequence[SearchResult]
                  ) -> tuple[str, SearchResult | None]:
    """The sentence of the top passages covering most of the question's weighted terms."""
    best: tuple[float, str, SearchResult | None] = (-1.0, "", None)
    for result in results[:EVIDENCE_CHUNKS]:
        for sentence, header in quotable_units(result.text):
            score = coverage(weights, f"{header or ''} {sentence}") - 0.001 * result.rank
            if score > best[0]:
                best = (score, sentence, result)
    return best[1], best[2]


def _share(items: Sequence[str], present: set[str]) -> float:
    return sum(item in present for item in items) / len(items) if items else 1.0


def _pairs(sequence: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(sequence))


def _plain(text: str) -> list[str]:
    return _PLAIN_WORD.findall(text.lower())


def _contains_run(run: Sequence[str], text: Sequence[str]) -> bool:
    size = len(run)
    return any(list(text[i:i + size]) == list(run) for i in range(len(text) - size + 1))


def name_runs(question: str) -> list[list[str]]:
    """Runs of two or more capitalised words ("Twilight Princess", "Legend of Zelda"), not
    counting the question's first word: a swapped name ("Clawshot Princess") is a run the
    passage never has, though it has each of its words."""
    found = []
    for match in _NAME_RUN.finditer(question):
        run = _plain(match.group(0))
        if match.start() == 0:
            run = run[1:]
        if len(run) >= 2:
            found.append(run)
    return found


def name_pairs(question: str) -> list[tuple[str, str]]:
    """Adjacent word pairs of the question in which one word is a name ("Midna console") and
    neither is a stopword."""
    names = {w.lower() for name in question_names(question) for w in _plain(name)}
    sequence = _plain(question)
    return [pair for pair in pairwise(sequence) if (pair[0] in names or pair[1] in names)
            and not (_STOPWORDS & set(pair))]  # "the Team", "will Tallyflow" say nothing


def _longest_run(question: Sequence[str], text: Sequence[str]) -> int:
    """The longest run of consecutive question words found consecutively in the text."""
    grams = {tuple(text[i:i + n]) for n in range(1, 9) for i in range(len(text) - n + 1)}
    best = 0
    for start in range(len(question)):
        for end in range(start + best + 1, min(len(question), start + 8) + 1):
            if tuple(question[start:end]) not in grams:
                break
            best = end - start
    return best


def _triples(sequence: Sequence[str]) -> set[tuple[str, str, str]]:
    return set(zip(sequence, sequence[1:], sequence[2:], strict=False))


def _window(sentence: str, passage: SearchResult | None) -> str:
    """The best sentence with its neighbours: an answer often spans a sentence boundary."""
    if passage is None:
        return sentence
    units = [unit for unit, _ in quotable_units(passage.text)]
    if sentence not in units:
        return sentence
    at = units.index(sentence)
    return " ".join(units[max(0, at - 1):at + 2])


def holds_strict_type(question: str, window: str) -> float:
    """1.0 unless the question asks for a kind the evidence window cannot hold: "how long"
    without a duration ("delayed by Nintendo" gives no length), "how many" whose only numbers
    are years, "when" with no year or month. Questions of no such kind get 1.0."""
    kind, lowered = question_type(question), question.lower()
    if "how long" in lowered:
        return float(_DURATION.search(window) is not None)
    if kind == "quantity":
        counts = [n for n in _NUMBER.findall(window) if not _YEAR.match(n.strip(",."))]
        return float(bool(counts or _NUMBER_WORD.search(window)))
    if kind == "when":
        return float(_WHEN_HELD.search(window) is not None)
    return 1.0


def condition_features(question: str, window: str) -> dict[str, float]:
    """The CONDITIONS: the question's numbers (digits and count words, "two buttons") the
    window holds, the strict answer type, and 0.0 when a word of the question is missing from
    the window while its opposite is there ("first" asked, "last" written)."""
    asked, held = _plain(question), set(_plain(window))
    numbers = [w for w in asked if w in _COUNT_WORDS or w.isdigit()]
    flipped = any(w not in held and OPPOSITE.get(w, frozenset()) & held for w in asked)
    return {"numbers_in_window": _share(numbers, held), "type_held": holds_strict_type(
        question, window), "antonym_free": float(not flipped)}


def sentence_margin(weights: dict[str, float], results: Sequence[SearchResult]) -> float:
    """How far the best sentence's coverage leads the runner-up's in the top passages."""
    scores = sorted((coverage(weights, sentence) for result in results[:EVIDENCE_CHUNKS]
                     for sentence, _ in quotable_units(result.text)), reverse=True)
    return scores[0] - scores[1] if len(scores) > 1 else (scores[0] if scores else 0.0)


def gate_features(question: str, weights: dict[str, float], results: Sequence[SearchResult],
                  found: Sequence[Signals], relevance: float) -> dict[str, float]:
    """The features the learned gate reads (see the module docstring), all in [0, 1] or counts."""
    sentence, passage = best_sentence(weights, results)
    chunk = searchable(passage) if passage is not None else ""
    chunk_terms, sentence_terms = set(terms(chunk)), set(terms(sentence))
    top = max(found, key=lambda s: s.coverage, default=None)
    rarest = max(weights.values(), default=0.0)
    missing = [w for term, w in weights.items() if term not in chunk_terms]
    names = [t for name in question_names(question) for t in terms(name)]
    numbers = _NUMBER.findall(question)
    kind = question_type(question)
    question_pairs = _pairs(terms(question))
    chunk_words = _plain(chunk)
    chunk_word_pairs = set(pairwise(chunk_words))
    runs, pairs = name_runs(question), name_pairs(question)
    window = _window(sentence, passage)
    asked_words = _plain(question)
    word_pairs, word_triples = set(pairwise(asked_words)), _triples(asked_words)
    window_pairs = set(pairwise(_plain(window)))
    return {
        **condition_features(question, window),
        "sentence_margin": sentence_margin(weights, results),
        "word_pairs_in_chunk": (len(word_pairs & chunk_word_pairs) / len(word_pairs)
                                if word_pairs else 1.0),
        "word_triples_in_chunk": (len(word_triples & _triples(chunk_words)) / len(word_triples)
                                  if word_triples else 1.0),
        "longest_run": _longest_run(asked_words, chunk_words) / max(len(asked_words), 1),
        "name_pairs_in_window": (sum(p in window_pairs for p in pairs) / len(pairs)
                                 if pairs else 1.0),
        "name_runs_in_chunk": (sum(_contains_run(r, chunk_words) for r in runs) / len(runs)
                               if runs else 1.0),
        "name_pairs_in_chunk": (sum(p in chunk_word_pairs for p in pairs) / len(pairs)
                                if pairs else 1.0),
        "pairs_in_window": (len(question_pairs & _pairs(terms(window))) / len(question_pairs)
                            if question_pairs else 1.0),
        "window_coverage": coverage(weights, window),
        "relevance": relevance,
        "top_coverage": top.coverage if top else 0.0,
        "top_similarity": max((s.similarity for s in found), default=0.0),
        "sentence_coverage": coverage(weights, sentence),
        "chunk_coverage": coverage(weights, chunk),
        "rare_missing": max(missing, default=0.0) / rarest if rarest else 0.0,
        "missing_terms": float(len(missing)),
        "names_in_sentence": _share(names, sentence_terms),
        "names_in_chunk": _share(names, chunk_terms),
        "numbers_in_chunk": _share(numbers, set(_NUMBER.findall(chunk))),
        "pairs_in_chunk": (len(question_pairs & _pairs(terms(chunk))) / len(question_pairs)
                           if question_pairs else 1.0),
        "type_asked": float(kind is not None),
        "type_found": float(kind is not None and holds_type(kind, window, question)),
        "negation_mismatch": float(bool(_NEGATION.search(question))
                                   != bool(_NEGATION.search(sentence))),
        "question_terms": float(len(weights)),
    }


__all__ = ["CONDITIONS", "FEATURES", "GATE_FILE", "OPPOSITE", "GateModel", "best_sentence",
           "condition_features", "gate_features", "holds_strict_type", "holds_type",
           "load_gate", "question_type", "sentence_margin"]
