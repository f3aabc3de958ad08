"""A knowledge base: one Chroma collection plus the BM25 index derived from it.

Everything that reads or changes a collection goes through here, so the two stay in step:
adding or removing chunks changes the collection's revision, and `lexical()` rebuilds the
BM25 index whenever its revision is behind (see `core.lexical`).
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from products.rag_search.core.lexical import LEXICAL_CACHE, LexicalIndex
from shared.config import Settings
from shared.vectorstore import Chunk, ChunkCollection, Hit, StoredChunk, VectorStore
from shared.vectorstore import open_vector_store as open_store

PRODUCT = "rag_search"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def index_text(text: str, metadata: Mapping[str, Any]) -> str:
    """What gets embedded and BM25-indexed: the title and headings, then the chunk's text.

    A chunk saying "Open the Billing tab" under "Refunds > Annual plans" is about refunds on
    annual plans; without its headings neither index would know. The stored text (what is
    shown and quoted) stays the chunk alone.
    """
    context = " > ".join(str(part) for part in (metadata.get("title"), metadata.get("heading"))
                         if part)
    return f"{context}\n{text}" if context else text


class KnowledgeBase:
    """A named collection's chunks, searchable by vectors and by BM25."""

    def __init__(self, settings: Settings, name: str, store: VectorStore | None = None) -> None:
        self.settings = settings
        self.name = name
        self.store = store if store is not None else open_store(settings)
        self.vectors: ChunkCollection = self.store.collection(name)
        self._query_vectors: dict[str, list[float]] = {}
        self._question = threading.local()  # see `one_question`

    @property
    def lexical_folder(self) -> Path:
        return lexical_folder(self.settings, self.name)

    def count(self) -> int:
        return self.vectors.count()

    def add(self, chunks: Sequence[Chunk]) -> int:
        """Embed and store chunks (with their headings, see `index_text`); returns how many new."""
        if not chunks:
            return 0
        texts = [index_text(chunk.text, chunk.metadata) for chunk in chunks]
        vectors = self.store.embedder.embed_documents(texts)
        return self.vectors.add(chunks, vectors).added

    def remove_source(self, source: str) -> int:
        return self.vectors.delete_where(source=source)

    def files(self) -> dict[str, dict[str, Any]]:
        """Each indexed file's metadata (from its first chunk), keyed by source path."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in self.vectors.scan(with_text=False):
            source = str(chunk.metadata.get("source", ""))
            found.setdefault(source, chunk.metadata)
        return found

    def dense(self, query: str, k: int, where: Mapping[str, Any] | None = None) -> list[Hit]:
        vector = self.query_vector(query)
        return self.vectors.query(vector, k=k, where=where) if any(vector) else []

    def nearest(self, query: str, k: int,
                where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        """`dense` as ids and cosines only, for callers that read the few chunks they keep."""
        vector = self.query_vector(query)
        return self.vectors.nearest(vector, k=k, where=where) if any(vector) else []

    def query_vector(self, query: str) -> list[float]:
        """The query's embedding, computed once per question: dense search and the relevance
        gate both need it, and a provider embedder would otherwise be called twice."""
        if query not in self._query_vectors:
            if len(self._query_vectors) > 64:
                self._query_vectors.clear()
            self._query_vectors[query] = self.store.embedder.embed_query(query)
        return self._query_vectors[query]

    def stored_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        reads = _reads(self)
        if reads is None or any(id_ not in reads.vectors for id_ in ids):
            return self.vectors.vectors(ids)
        return {id_: reads.vectors[id_] for id_ in ids}

    @contextmanager
    def one_question(self) -> Iterator[None]:
        """Answering one question reads the collection once per thing it needs.

        Inside, the collection's revision is read once (the gate searches hybrid, then BM25,
        then weighs terms: three index checks of ~0.5 ms, more on a busy machine), and each
        chunk is read from Chroma once, with its vector, so the gate's second search and its
        cosine signal reuse what the first search read. All of one question then sees one
        revision. Per thread: concurrent requests on one knowledge base each have their own.
        """
        if _reads(self) is not None:
            yield
            return
        self._question.reads = _QuestionReads(self.lexical())
        try:
            yield
        finally:
            self._question.reads = None

    def lexical(self) -> LexicalIndex:
        """The BM25 index at the collection's current revision, rebuilt first if it is behind."""
        reads = _reads(self)
        if reads is not None:
            return reads.index
        revision = self.vectors.revision()
        index = LEXICAL_CACHE.get(self.lexical_folder, revision)
        return index if index is not None else self.rebuild_lexical(revision)

    def rebuild_lexical(self, revision: str | None = None) -> LexicalIndex:
        """Re-read every chunk from Chroma and save a fresh BM25 index beside the collection."""
        revision = self.vectors.revision() if revision is None else revision
        index = LexicalIndex.build(_indexable(self.vectors.scan()), revision)
        index.save(self.lexical_folder)
        LEXICAL_CACHE.put(self.lexical_folder, index)
        return index

    def chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        reads = _reads(self)
        if reads is None:
            return self.vectors.get(ids)
        missing = [id_ for id_ in dict.fromkeys(ids) if id_ not in reads.chunks]
        if missing:
            chunks, vectors = self.vectors.get_with_vectors(missing)
            reads.chunks.update((chunk.id, chunk) for chunk in chunks)
            reads.vectors.update(vectors)
        return [reads.chunks[id_] for id_ in ids if id_ in reads.chunks]


class _QuestionReads:
    """What one question has read: the BM25 index it started with, chunks and their vectors."""

    def __init__(self, index: LexicalIndex) -> None:
        self.index = index
        self.chunks: dict[str, StoredChunk] = {}
        self.vectors: dict[str, list[float]] = {}


def _reads(kb: KnowledgeBase) -> _QuestionReads | None:
    return getattr(kb._question, "reads", None)


def _indexable(chunks: Iterable[StoredChunk]) -> Iterator[tuple[str, str]]:
    return ((chunk.id, index_text(chunk.text, chunk.metadata)) for chunk in chunks)


def lexical_folder(settings: Settings, collection: str) -> Path:
    """Per vector store (embedded, or each server) and collection, so two stores never mix."""
    if settings.vector_store_mode == "server":
        store = _UNSAFE.sub("_", f"server-{settings.chroma_host}-{settings.chroma_port}")
    else:
        store = "embedded"
    return settings.data_dir / PRODUCT / "bm25" / store / collection


def delete_knowledge_base(settings: Settings, name: str, store: VectorStore | None = None) -> bool:
    """Drop the collection and its BM25 index; False when neither existed."""
    store = store if store is not None else open_store(settings)
    dropped = store.delete_collection(name)
    folder = lexical_folder(settings, name)
    LEXICAL_CACHE.forget(folder)
    had_index = folder.exists()
    shutil.rmtree(folder, ignore_errors=True)
    return dropped or had_index


__all__ = [
    "KnowledgeBase",
    "delete_knowledge_base",
    "index_text",
    "lexical_folder",
]
