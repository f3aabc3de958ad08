"""Relevance-gate signals on the golden set: tune-chosen threshold, held-out score, ceiling.

Not a speed benchmark: it reproduces the evidence of DECISIONS.md "Soft term coverage and
other gate signals" and "A name no candidate mentions lowers the gate score". The bundled
corpus is ingested into a throwaway store (as `aipm eval rag` does), the gate's candidates are
scored once per question, and each signal below gets the threshold with the best abstention
F1 (then accuracy) on the `tune` cases in steps of 0.01, scored once on the `heldout` cases.
"ceiling" is the best F1 any threshold reaches on all cases: an upper bound, never a setting.
The soft-coverage cost per question (warm word cache) is timed against the current signals,
both on the same candidates.

    .venv/bin/python benchmarks/rag_gate_signals.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from products.rag_search.core.evaluation import SAMPLE_DATA, K, eval_knowledge_base, load_golden
from products.rag_search.core.gate import decide
from products.rag_search.core.relevance import coverage, load_calibration, searchable
from products.rag_search.core.structure import quotable_units
from products.rag_search.core.text import terms, words
from shared.config import load_settings
from shared.embeddings import WordLlamaEmbedder
from shared.evals import score_abstention

THRESHOLDS = np.round(np.arange(0, 1.001, 0.01), 2)


@dataclass
class Case:
    question: str
    unanswerable: bool
    split: str
    weights: dict[str, float]
    texts: list[str]  # each candidate as indexed (title, headings, text)
    sentences: list[list[str]]  # each candidate's quotable units, with their table header
    signals: list[tuple[float, float]]  # (coverage, cosine) per candidate, no name factor
    unmatched_names: list[str]  # capitalised names in the question no candidate mentions


class WordVectors:
    """WordLlama vectors of single words, cached: a corpus repeats a small vocabulary."""

    def __init__(self) -> None:
        self.model, self.cache = WordLlamaEmbedder(), {}

    def matrix(self, tokens: list[str]) -> np.ndarray:
        missing = [token for token in tokens if token not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.model.embed_documents(missing), strict=True))
        return np.array([self.cache[token] for token in tokens]).reshape(len(tokens), -1)


def surface_words(text: str) -> dict[str, str]:
    """Each search term of `text` with the first word that produced it (vectors need words)."""
    found: dict[str, str] = {}
    for word in words(text):
        for term in terms(word):
            found.setdefault(term, word)
    return found


def soft_coverage(case: Case, text: str, floor: float, vectors: WordVectors) -> float:
    """IDF-weighted share of question terms found, a missing term earning its nearest chunk
    word's cosine above `floor` (rescaled to 0..1); an exact term earns 1."""
    question, chunk = surface_words(case.question), surface_words(text)
    total = sum(case.weights.values())
    if total <= 0 or not chunk:
        return 0.0
    chunk_vectors = vectors.matrix(list(chunk.values()))
    earned = 0.0
    for term, weight in case.weights.items():
        if term in chunk:
            earned += weight
            continue
        nearest = float((chunk_vectors @ vectors.matrix([question[term]])[0]).max())
        earned += weight * max(0.0, (nearest - floor) / (1.0 - floor))
    return earned / total


def collect() -> list[Case]:
    cases = []
    with eval_knowledge_base(load_settings(), SAMPLE_DATA) as kb:
        for golden in load_golden():
            gate = decide(kb, golden.question, K, load_calibration())
            cases.append(Case(
                golden.question, not golden.answerable, golden.split, gate.weights,
                [searchable(c) for c in gate.candidates],
                [[f"{c.title} {c.heading} {header or ''} {s}" for s, header in
                  quotable_units(c.text)] or [c.text] for c in gate.candidates],
                [(s.coverage, s.similarity) for s in gate.signals], gate.unmatched_names))
    return cases


def sentence_cosine(case: Case, index: int, model: WordLlamaEmbedder) -> float:
    """The best WordLlama cosine between the question and one of the chunk's sentences."""
    question = np.asarray(model.embed_query(case.question))
    return float((np.asarray(model.embed_documents(case.sentences[index])) @ question).max())


def best_f1(scores: list[float], truth: list[bool]) -> tuple[float, float]:
    """(threshold, F1) with the best F1, then accuracy; ties go to the lowest threshold."""
    rows = [(score_abstention([s < t for s in scores], truth), t) for t in THRESHOLDS]
    best = max(rows, key=lambda row: (round(row[0].f1, 6), round(row[0].accuracy, 6), -row[1]))
    return best[1], best[0].f1


def evaluate(name: str, scores: list[float], cases: list[Case]) -> str:
    """One table row: the tune-chosen threshold, its tune F1, held-out P/R/F1/answered, ceiling."""
    truth = [case.unanswerable for case in cases]
    tune = [i for i, case in enumerate(cases) if case.split == "tune"]
    held = [i for i, case in enumerate(cases) if case.split == "heldout"]
    threshold, tune_f1 = best_f1([scores[i] for i in tune], [truth[i] for i in tune])
    scored = score_abstention([scores[i] < threshold for i in held], [truth[i] for i in held])
    answered = np.mean([scores[i] >= threshold for i in held if not truth[i]])
    ceiling = best_f1(scores, truth)[1]
    return (f"| {name} | {threshold:.2f} | {tune_f1:.3f} | {scored.precision:.3f} / "
            f"{scored.recall:.3f} / {scored.f1:.3f} | {answered:.2f} | {ceiling:.3f} |")


def best_candidate(cases: list[Case], score: Callable[[Case, int], float]) -> list[float]:
    return [max((score(case, i) for i in range(len(case.texts))), default=0.0) for case in cases]


def timed_ms(cases: list[Case], score: Callable[[Case, int], float]) -> float:
    started = time.perf_counter()
    best_candidate(cases, score)
    return 1000 * (time.perf_counter() - started) / len(cases)


def mixed(case: Case, index: int) -> float:
    """The calibrated mix without the name factor: 0.4 coverage + 0.6 cosine."""
    return 0.4 * case.signals[index][0] + 0.6 * case.signals[index][1]


def name_nudged(factor: float) -> Callable[[Case, int], float]:
    """The mix times `factor` when the question names something no candidate mentions."""
    return lambda c, i: mixed(c, i) * (factor if c.unmatched_names else 1.0)


def bigram_coverage(case: Case, text: str) -> float:
    """IDF-weighted share of the question's adjacent term pairs found adjacent in `text`
    ("custom fields" vs a page's "custom roles"); plain coverage when there is no pair."""
    question = terms(case.question)
    pairs = list(dict.fromkeys(pairwise(question)))
    if not pairs:
        return coverage(case.weights, text)
    chunk = terms(text)
    found = set(pairwise(chunk))
    weight = {pair: case.weights.get(pair[0], 0.0) + case.weights.get(pair[1], 0.0)
              for pair in pairs}
    total = sum(weight.values())
    return sum(w for pair, w in weight.items() if pair in found) / total if total else 0.0


def with_bigrams(share: float) -> Callable[[Case, int], float]:
    """The mix with `share` of its coverage replaced by bigram coverage."""
    def score(case: Case, index: int) -> float:
        lexical = ((1 - share) * case.signals[index][0]
                   + share * bigram_coverage(case, case.texts[index]))
        return 0.4 * lexical + 0.6 * case.signals[index][1]
    return score


def main() -> None:
    cases, vectors = collect(), WordVectors()
    model = vectors.model
    families: dict[str, Callable[[Case, int], float]] = {
        "0.4 coverage + 0.6 cosine, no name factor": mixed,
        "same, x 0.9 for an unmatched name (shipped)": name_nudged(0.9),
        "same, x 0.8 for an unmatched name": name_nudged(0.8),
        "same, abstain on an unmatched name": name_nudged(0.0),
        "0.4 (0.75 coverage + 0.25 bigram coverage) + 0.6 cosine": with_bigrams(0.25),
        "0.4 (0.65 coverage + 0.35 bigram coverage) + 0.6 cosine": with_bigrams(0.35),
        "coverage only": lambda c, i: c.signals[i][0],
        "cosine only": lambda c, i: c.signals[i][1],
        "best-sentence coverage": lambda c, i: max(coverage(c.weights, s) for s in c.sentences[i]),
        "0.6 sentence cosine + 0.4 coverage": lambda c, i: 0.6 * sentence_cosine(c, i, model)
        + 0.4 * c.signals[i][0],
    }
    for floor in (0.3, 0.4, 0.5, 0.6):
        families[f"soft coverage, floor {floor}"] = (
            lambda c, i, f=floor: soft_coverage(c, c.texts[i], f, vectors))
        families[f"0.7 soft (floor {floor}) + 0.3 cosine"] = (
            lambda c, i, f=floor: 0.7 * soft_coverage(c, c.texts[i], f, vectors)
            + 0.3 * c.signals[i][1])
    print("| signal | tune t | tune F1 | held-out P / R / F1 | held-out answered | ceiling F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, score in families.items():
        print(evaluate(name, best_candidate(cases, score), cases))
    soft = timed_ms(cases, families["soft coverage, floor 0.4"])
    current = timed_ms(cases, families["0.4 coverage + 0.6 cosine, no name factor"])
    print(f"\nsoft coverage {soft:.2f} ms/question (warm word cache), current signals "
          f"{current:.3f} ms/question (precomputed); {len(cases)} questions")


if __name__ == "__main__":
    main()
