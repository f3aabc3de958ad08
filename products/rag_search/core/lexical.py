"""The BM25 side of hybrid search: a bm25s index persisted beside each Chroma collection.

Chroma's open-source server has no BM25, so the kit keeps one per collection under
`<data dir>/rag_search/bm25/<store>/<collection>/`. The index records the collection's
`revision` it was built from; when the collection's revision moves on (an ingest, a sync, a
delete, here or in another process), the next search rebuilds the index from the chunks in
Chroma before answering. Chroma stays the one source of truth; this is a derived cache that
can always be thrown away.

bm25s indexes are static (no incremental add), so a rebuild re-reads every chunk. That costs
about a second per 10k chunks and happens once per change, not once per query.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from products.rag_search.core.bm25_reader import read_saved_bm25
from products.rag_search.core.text import terms

TOKENIZER_VERSION = "terms-v2"  # bump when `terms` changes: old indexes then rebuild
_META_FILE = "kit_meta.json"
_IDS_FILE = "kit_ids.json"


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


class LexicalIndex:
    """A loaded BM25 index over a collection's chunks, at one collection revision."""

    def __init__(self, retriever: object | None, ids: list[str], revision: str) -> None:
        self._retriever = retriever
        self.ids = ids
        self.revision = revision
        self._positions: dict[str, int] | None = None
        self._doc_freq = _document_frequencies(retriever)

    @classmethod
    def build(cls, chunks: Iterable[tuple[str, str]], revision: str) -> LexicalIndex:
        """Index `(chunk_id, text)` pairs; an empty collection gives an index that finds nothing."""
        ids: list[str] = []
        corpus: list[list[str]] = []
        for chunk_id, text in chunks:
            ids.append(chunk_id)
            corpus.append(terms(text) or [""])
        if not ids:
            return cls(None, [], revision)
        retriever = _bm25s().BM25()
        retriever.index(corpus, show_progress=False)
        return cls(retriever, ids, revision)

    @property
    def size(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int, allowed_ids: set[str] | None = None) -> list[LexicalHit]:
        """The `k` best-scoring chunks for the query's terms (only those in `allowed_ids`)."""
        query_terms = [term for term in terms(query) if term in self._vocab]
        if not query_terms or self._retriever is None or k < 1:
            return []
        scores = self._retriever.get_scores(query_terms)  # type: ignore[attr-defined]
        if allowed_ids is not None:
            scores = np.where(self._mask(allowed_ids), scores, 0.0)
        return _top(scores, self.ids, k)

    def _mask(self, allowed_ids: set[str]) -> np.ndarray:
        """True at the positions of `allowed_ids`, through an id -> position map built once
        (np.isin over 100k object ids sorted them on every filtered query)."""
        if self._positions is None:
            self._positions = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[[self._positions[i] for i in allowed_ids if i in self._positions]] = True
        return mask

    def document_frequency(self, term: str) -> int:
        """In how many chunks a (stemmed) term occurs; 0 for a term the corpus never uses."""
        column = self._vocab.get(term)
        return 0 if column is None else int(self._doc_freq[column])

    @property
    def _vocab(self) -> dict[str, int]:
        return getattr(self._retriever, "vocab_dict", None) or {}

    def save(self, folder: Path) -> None:
        """Write to a temporary folder, then swap it in: a reader never sees half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}")
        staging.mkdir()
        if self._retriever is not None:
            self._retriever.save(str(staging), show_progress=False)  # type: ignore[attr-defined]
        (staging / _IDS_FILE).write_text(json.dumps(self.ids))
        meta = {"revision": self.revision, "tokenizer": TOKENIZER_VERSION, "size": self.size}
        (staging / _META_FILE).write_text(json.dumps(meta))
        _swap_in(staging, folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it was built by another tokenizer."""
        meta = _read_json(folder / _META_FILE)
        if not isinstance(meta, dict) or meta.get("tokenizer") != TOKENIZER_VERSION:
            return None
        ids = _read_json(folder / _IDS_FILE)
        if not isinstance(ids, list):
            return None
        retriever = _load_bm25(folder) if ids else None
        if ids and retriever is None:
            return None
        return cls(retriever, ids, str(meta.get("revision", "")))


def _document_frequencies(retriever: object | None) -> np.ndarray:
    """Per vocabulary column, how many chunks contain it (bm25s stores a CSC matrix)."""
    if retriever is None:
        return np.zeros(0, dtype=np.int64)
    indptr = np.asarray(retriever.scores["indptr"])  # type: ignore[attr-defined]
    return np.diff(indptr)


def _top(scores: np.ndarray, ids: list[str], k: int) -> list[LexicalHit]:
    k = min(k, len(ids))
    best = np.argpartition(-scores, k - 1)[:k]
    ordered = best[np.argsort(-scores[best], kind="stable")]
    return [LexicalHit(ids[i], float(scores[i])) for i in ordered if scores[i] > 0]


def _swap_in(staging: Path, folder: Path, attempts: int = 5) -> None:
    """Put `staging` where `folder` is. Two writers can save at once (the page's ingest thread
    and a question asked meanwhile both rebuild BM25): when the other one's index lands in
    between, it is retired and the swap is tried again; the last one in wins, never an error."""
    for _ in range(attempts):
        retired = folder.with_name(f".{folder.name}.old.{uuid.uuid4().hex}")
        with contextlib.suppress(FileNotFoundError):  # another writer moved it first
            folder.rename(retired)
        try:
            staging.rename(folder)
            return
        except OSError:  # another writer's index is there now: retire it and try again
            continue
        finally:
            shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)  # others kept winning: theirs is as new as ours


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _bm25s() -> Any:
    """bm25s, with the DEBUG level it sets on its own logger put back to WARNING (otherwise
    "Building index from tokens" reaches the terminal whenever a root handler exists)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _load_bm25(folder: Path) -> object | None:
    """Read with numpy alone (`bm25_reader`: no bm25s/scipy import when answering); bm25s
    itself only for a method the reader does not handle."""
    try:
        saved = read_saved_bm25(folder)
        return saved if saved is not None else _bm25s().BM25.load(str(folder),
                                                                 show_progress=False,
                                                                 verbosity=0)
    except (OSError, ValueError, KeyError):
        return None


class LexicalCache:
    """Loaded indexes per folder, so a server or the hub loads each from disk once per revision."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[Path, LexicalIndex] = {}

    def get(self, folder: Path, revision: str) -> LexicalIndex | None:
        with self._lock:
            index = self._loaded.get(folder)
        if index is None or index.revision != revision:
            index = LexicalIndex.load(folder)
            if index is not None:
                self.put(folder, index)
        return index if index is not None and index.revision == revision else None

    def put(self, folder: Path, index: LexicalIndex) -> None:
        with self._lock:
            self._loaded[folder] = index

    def forget(self, folder: Path) -> None:
        with self._lock:
            self._loaded.pop(folder, None)


LEXICAL_CACHE = LexicalCache()

__all__ = ["LEXICAL_CACHE", "TOKENIZER_VERSION", "LexicalCache", "LexicalHit", "LexicalIndex"]
