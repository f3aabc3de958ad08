"""Soft term coverage: a question word the sentence says in other words still counts, in part.

Exact coverage (core.relevance.coverage) gives a sentence the IDF weight of the question's
terms it contains. A question is often a paraphrase of the sentence that answers it ("the
biggest city" for "the largest city", "founded" for "established"), so the answering sentence
can cover less than a neighbour that merely repeats the topic's words. Here every question
term the sentence lacks earns part of its weight: (cos - SOFT_FLOOR) / (1 - SOFT_FLOOR) of the
closest word of the sentence by WordLlama's static word vectors (bundled, offline), nothing
under the floor. Measured on the SQuAD 2.0 tune articles only (DECISIONS.md, 2026-12-07): the
sentence picked first contains the gold answer 0.683 -> 0.703, better on each of the six
articles; the floor 0.3 and full credit above it were the best of 15 settings there.
Without the wordllama package, `SoftMatcher.coverage` is exact coverage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from products.rag_search.core.relevance import share_present
from products.rag_search.core.text import content_words, stem
from shared.embeddings import word_vectors

SOFT_FLOOR = 0.3  # a cosine at or under this earns nothing: unrelated words sit around 0.1-0.3


class SoftMatcher:
    """One question's terms, weights and word vectors; `coverages(texts)` for candidates."""

    def __init__(self, weights: dict[str, float], question: str) -> None:
        self.weights = weights
        self._total = sum(weights.values())
        first_word: dict[str, str] = {}
        for word in content_words(question):
            first_word.setdefault(stem(word), word)
        self._terms = [t for t in weights if t in first_word]
        self._share = (np.array([weights[t] / self._total for t in self._terms])
                       if self._total > 0 else np.zeros(len(self._terms)))
        self._vectors = word_vectors([first_word[t] for t in self._terms]) if self._terms else None

    def coverage(self, text: str) -> float:
        """Exact coverage plus the partial credit of the question terms `text` lacks."""
        return self.coverages([text])[0]

    def coverages(self, texts: Sequence[str]) -> list[float]:
        """`coverage` of each text, with one word-vector lookup and one matrix product for all
        of them (a hybrid search re-orders 20 chunks, an answer scores ~50 sentences)."""
        return [soft for _, soft in self.exact_and_soft(texts)]

    def exact_and_soft(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        """(exact coverage, soft coverage) of each text from one tokenisation: the extractive
        engine keeps only sentences with an exact term, then ranks them by the soft one."""
        if self._total <= 0:
            return [(0.0, 0.0)] * len(texts)
        found = [content_words(text) for text in texts]
        present = [{stem(word) for word in words} for words in found]
        lacking = [[i for i, term in enumerate(self._terms) if term not in stems]
                   for stems in present]
        exact = [share_present(self.weights, stems, self._total) for stems in present]
        if self._vectors is None or not any(lacking):
            return list(zip(exact, exact, strict=True))
        return list(zip(exact, self._with_credit(exact, found, lacking), strict=True))

    def _with_credit(self, exact: list[float], found: list[list[str]],
                     lacking: list[list[int]]) -> list[float]:
        needed = list(dict.fromkeys(w for words, miss in zip(found, lacking, strict=True)
                                    if miss for w in words))
        vectors = word_vectors(needed) if needed else None
        if vectors is None or self._vectors is None:
            return exact
        column = {word: i for i, word in enumerate(needed)}
        closeness = self._vectors @ vectors.T  # question terms x the texts' words
        credit = np.clip((closeness - SOFT_FLOOR) / (1.0 - SOFT_FLOOR), 0.0, 1.0)
        scores = list(exact)
        for i, (words, miss) in enumerate(zip(found, lacking, strict=True)):
            if miss and words:
                best = credit[np.ix_(miss, [column[w] for w in words])].max(axis=1)
                scores[i] += float(self._share[miss] @ best)
        return scores


__all__ = ["SOFT_FLOOR", "SoftMatcher"]
