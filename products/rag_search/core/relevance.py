"""How well the retrieved chunks answer the question: the gate behind "I don't know".

Each candidate chunk (the union of the hybrid and the BM25 top k, so a chunk only one list
found still gets its say) is scored on two signals:

- lexical coverage: of the question's search terms, weighted by how rare each is in the
  corpus, the share found in the chunk with its title and headings. A question about "SAP
  Concur" in a corpus that never says "Concur" loses that rare term's whole weight;
- semantic similarity: the embedder's cosine between the question and the chunk, which gives
  credit to paraphrases ("money back" for "refund") that share no words with the page.

The gate score is `lexical_weight * coverage + (1 - lexical_weight) * cosine`, times
NAME_FACTOR when the question names something (a capitalised product, company or place) that
no candidate mentions (`core.names`: "Microsoft Teams" when the pages are about Slack). Chunks at or
above the calibrated threshold are *accepted* and are what the answer engines read; when none
is, the answer is "I don't know". Weight and threshold are calibrated on the golden set per
embedder (cosine scales differ between embedders) and kept in `calibration.json`, with a lower
`reader_threshold` for the LLM engine, which can tell a near miss from an answer itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from products.rag_search.core.knowledge_base import index_text
from products.rag_search.core.lexical import LexicalIndex
from products.rag_search.core.models import SearchResult
from products.rag_search.core.text import terms

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "calibration.json"
NAME_FACTOR = 0.9  # DECISIONS.md "A name no candidate mentions lowers the gate score"


class Calibration(BaseModel):
    """The gate's weight and threshold, and where they came from."""

    signal: str = "lexical_coverage_plus_cosine"
    threshold: float
    lexical_weight: float = 1.0
    embedder: str = ""
    calibrated_on: str
    method: str = ""
    # The looser threshold used when an LLM reads the passages (None: the same as `threshold`).
    # The model judges answerability itself (NOT_IN_SOURCES), so the gate only has to keep
    # off-topic passages away from it; see core.calibration.reader_threshold.
    reader_threshold: float | None = None

    def threshold_for(self, reader: str) -> float:
        """The threshold for the engine that will read: "llm" or "extractive"."""
        if reader == "llm" and self.reader_threshold is not None:
            return min(self.reader_threshold, self.threshold)
        return self.threshold


class Signals(BaseModel):
    """One candidate chunk's two gate signals."""

    coverage: float
    similarity: float
    name_factor: float = 1.0  # NAME_FACTOR when the question names something no candidate does

    def score(self, lexical_weight: float) -> float:
        mixed = lexical_weight * self.coverage + (1.0 - lexical_weight) * self.similarity
        return self.name_factor * mixed


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
    return share_present(weights, set(terms(text)), total)


def share_present(weights: dict[str, float], present: set[str], total: float) -> float:
    """`coverage` from terms already found (core.soft_coverage tokenises each text once)."""
    return sum(weight for term, weight in weights.items() if term in present) / total


def signals(weights: dict[str, float], query_vector: Sequence[float],
            candidates: Sequence[SearchResult],
            vectors: dict[str, list[float]], *, name_factor: float = 1.0) -> list[Signals]:
    """Coverage and cosine for each candidate (cosine 0 when its vector is unknown), and the
    question's name factor (the same for every candidate)."""
    query = _unit(query_vector)
    return [Signals(coverage=round(coverage(weights, searchable(result)), 4),
                    similarity=round(_cosine(query, vectors.get(result.chunk_id)), 4),
                    name_factor=name_factor)
            for result in candidates]


def searchable(result: SearchResult) -> str:
    """The chunk as it was indexed: title and headings, then its text."""
    return index_text(result.text, {"title": result.title, "heading": result.heading})


def _unit(vector: Sequence[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


def _cosine(query: np.ndarray, vector: Sequence[float] | None) -> float:
    if vector is None or not query.any():
        return 0.0
    return max(0.0, float(query @ _unit(vector)))


def relevance(found: Sequence[Signals], lexical_weight: float) -> float:
    """The best gate score any candidate reaches (0.0 with no candidates)."""
    return max((signal.score(lexical_weight) for signal in found), default=0.0)


__all__ = [
    "CALIBRATION_FILE",
    "NAME_FACTOR",
    "Calibration",
    "Signals",
    "coverage",
    "load_calibration",
    "relevance",
    "searchable",
    "share_present",
    "signals",
    "term_weights",
]
