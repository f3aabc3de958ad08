"""Read a saved bm25s index with numpy alone, so answering a question never imports bm25s.

`import bm25s` also imports scipy.sparse (and tqdm) when they are installed, even though the kit
builds its indexes with bm25s's numpy backend: about 0.5-0.8 s of a one-shot `aipm rag ask`
that only needs three arrays and a vocabulary. bm25s stays the index *builder* (ingest, rebuild);
this module is its reader. A saved bm25s index is a CSC matrix of precomputed per-term scores
(`data`, `indices`, `indptr`), a `{term: column}` vocabulary and its parameters; a query's score
per document is the sum of its terms' columns, exactly as `bm25s.BM25.get_scores` computes it.
Methods whose saved index also needs a non-occurrence array (BM25L, BM25+) are not read here:
`read_saved_bm25` returns None and the caller falls back to bm25s.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

READABLE_METHODS = {"lucene", "robertson", "atire"}  # no non-occurrence array


class SavedBM25:
    """What the kit's lexical index uses of `bm25s.BM25`: vocab_dict, scores, get_scores."""

    def __init__(self, vocab: dict[str, int], scores: dict[str, Any], dtype: str) -> None:
        self.vocab_dict = vocab
        self.scores = scores
        self.dtype = dtype

    def get_scores(self, query_terms: list[str]) -> np.ndarray:
        """Each document's BM25 score: the sum, over the query's terms, of their columns."""
        columns = np.asarray([self.vocab_dict[term] for term in query_terms], dtype=np.int64)
        data, indices, indptr = (self.scores[key] for key in ("data", "indices", "indptr"))
        if columns.size and int(columns.max()) >= len(indptr) - 1:
            raise ValueError("A query term's column is outside the saved BM25 index.")
        totals = np.zeros(self.scores["num_docs"], dtype=np.dtype(self.dtype))
        for start, end in zip(indptr[columns], indptr[columns + 1], strict=True):
            np.add.at(totals, indices[start:end], data[start:end])
        return totals


def read_saved_bm25(folder: Path) -> SavedBM25 | None:
    """The index bm25s saved in `folder`, or None when its method needs bm25s itself.

    Raises OSError/ValueError/KeyError on a missing or damaged file, like `bm25s.BM25.load`.
    """
    params = json.loads((folder / "params.index.json").read_text())
    if params.get("method") not in READABLE_METHODS:
        return None
    vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
    scores = {name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False)
              for name in ("data", "indices", "indptr")}
    scores["num_docs"] = int(params["num_docs"])
    return SavedBM25(vocab, scores, str(params.get("dtype", "float32")))


__all__ = ["READABLE_METHODS", "SavedBM25", "read_saved_bm25"]
