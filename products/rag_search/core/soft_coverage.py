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

import numpy as np

from products.rag_search.core.relevance import coverage
from products.rag_search.core.text import content_words, terms
from shared.embeddings import word_vectors

SOFT_FLOOR = 0.3  # a cosine at or under this earns nothing: unrelated words sit around 0.1-0.3


class SoftMatcher:
    """One question's terms, weights and word vectors; `coverage(text)` per candidate."""

    def __init__(self, weights: dict[str, float], question: str) -> None:
        self.weights = weights
        first_word: dict[str, str] = {}
        for word in content_words(question):
            stems = terms(word)
            if stems:
                first_word.setdefault(stems[0], word)
        self._terms = [t for t in weights if t in first_word]
        total = sum(weights.values())
        self._share = np.array([weights[t] / total for t in self._terms]) if total > 0 else None
        self._vectors = word_vectors([first_word[t] for t in self._terms]) if self._terms else None

    def coverage(self, text: str) -> float:
        """Exact coverage plus the partial credit of the question terms `text` lacks."""
        exact = coverage(self.weights, text)
        if self._vectors is None or self._share is None:
            return exact
        present = set(terms(text))
        lacking = [i for i, term in enumerate(self._terms) if term not in present]
        found = content_words(text)
        if not lacking or not found:
            return exact
        text_vectors = word_vectors(found)
        if text_vectors is None:
            return exact
        closest = (self._vectors[lacking] @ text_vectors.T).max(axis=1)
        credit = np.clip((closest - SOFT_FLOOR) / (1.0 - SOFT_FLOOR), 0.0, 1.0)
        return exact + float(self._share[lacking] @ credit)


__all__ = ["SOFT_FLOOR", "SoftMatcher"]
