"""How well the retrieved chunks cover the question: the signal behind "I don't know".

The signal is IDF-weighted term coverage: of the question's search terms, weighted by how rare
each is in the corpus, what share appears in the best retrieved chunk (its headings included).
A question about "SAP Concur" in a corpus that never says "Concur" loses that rare term's
whole weight, however close the embedding of the rest of the sentence is. It is lexical on
purpose: cosine scores shift with every embedder, this does not, so one calibrated threshold
holds whichever embedder is configured. The threshold is calibrated on the golden eval set and
kept in `calibration.json` beside the product; DECISIONS.md has the sweep.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from products.rag_search.core.knowledge_base import index_text
from products.rag_search.core.lexical import LexicalIndex
from products.rag_search.core.models import SearchResult
from products.rag_search.core.text import terms

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "calibration.json"


class Calibration(BaseModel):
    """The abstention threshold and where it came from."""

    signal: str = "idf_weighted_term_coverage"
    threshold: float
    calibrated_on: str
    method: str = ""


@lru_cache(maxsize=1)
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    return Calibration.model_validate(json.loads(path.read_text()))


def term_weights(question: str, lexical: LexicalIndex) -> dict[str, float]:
    """Each distinct question term's BM25 IDF; a term the corpus never uses weighs the most."""
    size = lexical.size
    return {term: _idf(lexical.document_frequency(term), size) for term in dict.fromkeys(
        terms(question))}


def _idf(document_frequency: int, size: int) -> float:
    return math.log(1.0 + (size - document_frequency + 0.5) / (document_frequency + 0.5))


def coverage(weights: dict[str, float], text: str) -> float:
    """Share of the question's term weight found in `text` (0.0 when there are no terms)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    present = set(terms(text))
    return sum(weight for term, weight in weights.items() if term in present) / total


def relevance(question: str, results: Sequence[SearchResult], lexical: LexicalIndex) -> float:
    """The best coverage any retrieved chunk (with its title and heading) gives the question."""
    weights = term_weights(question, lexical)
    return max((coverage(weights, _searchable(result)) for result in results), default=0.0)


def _searchable(result: SearchResult) -> str:
    return index_text(result.text, {"title": result.title, "heading": result.heading})


__all__ = [
    "CALIBRATION_FILE",
    "Calibration",
    "coverage",
    "load_calibration",
    "relevance",
    "term_weights",
]
