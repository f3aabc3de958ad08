"""One collection's chunks: add, query, get, scan and delete, in the store's embedder space.

Kept apart from `vectorstore.py`, which opens the store and its collections (and checks each
was built by the same embedder); this module is what a caller does with a collection once open.

Chunk ids are content hashes: sha256 of the chunk's `source` metadata, a NUL, and its text.
Ingesting the same file twice stores each chunk once; the same paragraph in two files is stored
twice, so deleting one file's chunks never removes the other's and every hit cites its own file.

Each collection also carries a `revision` that changes whenever an add or delete changes its
chunks, so anything built over a collection (a product's BM25 index, a cache) can tell it is
stale with one cheap read, even when another process or machine made the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from shared._chroma import chroma_errors, hits_from_result, where_clause
from shared._vector_types import AddReport, Chunk, Hit, StoredChunk, Vector
from shared.config import Settings
from shared.embeddings import Embedder
from shared.errors import BadInput

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

REVISION_KEY = "revision"
SCAN_PAGE = 5000  # chunks per page when reading a whole collection


class StoreSide(Protocol):
    """What a collection uses of its store (`shared.vectorstore.VectorStore` is one); typed
    so, this module does not import `vectorstore`, which imports it (no import circle)."""

    settings: Settings
    embedder: Embedder
    batch_size: int


class ChunkCollection:
    """One collection: add, query, get and delete chunks, in the store's embedder space."""

    def __init__(self, store: StoreSide, name: str, collection: Collection) -> None:
        self.name = name
        self._store = store
        self._collection = collection
        self._batch_size = store.batch_size

    def count(self) -> int:
        with chroma_errors(self._store.settings):
            return self._collection.count()

    def add(self, chunks: Sequence[Chunk], embeddings: Sequence[Vector] | None = None) -> AddReport:
        """Store chunks not already present; only those are embedded (or taken from `embeddings`).

        Batched to `batch_size`; existing ids are found with one id lookup per batch. Batches are
        stored as they go, so if a later one fails, running the same add again finishes the job.
        """
        if embeddings is not None and len(embeddings) != len(chunks):
            raise BadInput(f"Got {len(chunks)} chunks but {len(embeddings)} embeddings; "
                           "pass one embedding per chunk.")
        ids = [chunk.id for chunk in chunks]
        unique = _first_occurrences(ids)
        added = 0
        try:
            for start in range(0, len(unique), self._batch_size):
                added += self._add_batch(unique[start : start + self._batch_size], ids, chunks,
                                         embeddings)
        finally:
            if added:
                self._bump_revision()
        return AddReport(added=added, already_present=len(ids) - added, ids=ids)

    def _add_batch(self, positions: list[int], ids: list[str], chunks: Sequence[Chunk],
                   embeddings: Sequence[Vector] | None) -> int:
        with chroma_errors(self._store.settings):
            present = set(self._collection.get(ids=[ids[i] for i in positions], include=[])["ids"])
            new = [i for i in positions if ids[i] not in present]
            if not new:
                return 0
            vectors = self._vectors_for(new, chunks, embeddings)
            self._collection.add(
                ids=[ids[i] for i in new], embeddings=vectors,
                documents=[chunks[i].text for i in new],
                metadatas=[chunks[i].metadata or None for i in new],  # type: ignore[misc]
            )
        return len(new)

    def _vectors_for(self, new: list[int], chunks: Sequence[Chunk],
                     embeddings: Sequence[Vector] | None) -> Any:
        if embeddings is None:
            return self._store.embedder.embed_documents([chunks[i].text for i in new])
        vectors = [embeddings[i] for i in new]
        self._check_dimension(len(vectors[0]))
        return vectors

    def query(self, query: str | Vector, k: int = 5,
              where: Mapping[str, Any] | None = None) -> list[Hit]:
        """The `k` nearest chunks to a text (embedded here) or a vector, best first.

        A text with nothing the embedder can use ("?" for the hashing embedder) embeds to the
        zero vector, which is equally far from everything: it matches nothing, so no hits.
        """
        vector = self._store.embedder.embed_query(query) if isinstance(query, str) else query
        self._check_dimension(len(vector))
        if isinstance(query, str) and not any(vector):
            return []
        with chroma_errors(self._store.settings):
            result = self._collection.query(
                query_embeddings=[list(vector)], n_results=max(1, k),
                where=where_clause(where), include=["documents", "metadatas", "distances"],
            )
        return hits_from_result(result)

    def nearest(self, vector: Vector, k: int = 5,
                where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        """The `k` nearest chunk ids to a vector with their cosine similarity, best first.

        Ids only: a caller that keeps a few of many hits (hybrid fusion keeps k of 2 x 20)
        reads just those with `get`; text and metadata for every hit double Chroma's query time.
        """
        self._check_dimension(len(vector))
        with chroma_errors(self._store.settings):
            result = self._collection.query(query_embeddings=[list(vector)], n_results=max(1, k),
                                            where=where_clause(where), include=["distances"])
        return [(id_, 1.0 - distance)
                for id_, distance in zip(result["ids"][0], result["distances"][0], strict=True)]

    def get(self, ids: Sequence[str]) -> list[StoredChunk]:
        """The stored chunks for these ids, in the order given; unknown ids are skipped."""
        return self._get(ids, with_vectors=False)[0]

    def get_with_vectors(self, ids: Sequence[str]) -> tuple[list[StoredChunk],
                                                               dict[str, list[float]]]:
        """`get` and `vectors` in one Chroma call, for a caller that needs both (each call
        has a fixed cost that, on a busy machine, is most of the call)."""
        return self._get(ids, with_vectors=True)

    def _get(self, ids: Sequence[str], *, with_vectors: bool) -> tuple[list[StoredChunk],
                                                                     dict[str, list[float]]]:
        if not ids:
            return [], {}
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        with chroma_errors(self._store.settings):
            result = self._collection.get(ids=list(ids), include=include)  # type: ignore[arg-type]
        found = {
            id_: StoredChunk(id=id_, text=text or "", metadata=dict(meta or {}))
            for id_, text, meta in zip(result["ids"], result["documents"] or [],
                                       result["metadatas"] or [], strict=True)
        }
        embeddings = result.get("embeddings") if with_vectors else None
        vectors = {} if embeddings is None else dict(zip(result["ids"], _float_rows(embeddings),
                                                         strict=True))
        return [found[id_] for id_ in ids if id_ in found], vectors

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of these ids (unknown ids are left out): re-scoring candidates
        from another retriever needs them, and re-embedding could cost a provider call."""
        if not ids:
            return {}
        with chroma_errors(self._store.settings):
            result = self._collection.get(ids=list(ids), include=["embeddings"])
        embeddings = result.get("embeddings")
        if embeddings is None:
            return {}
        return dict(zip(result["ids"], _float_rows(embeddings), strict=True))

    def ids_where(self, where: Mapping[str, Any]) -> list[str]:
        with chroma_errors(self._store.settings):
            return self._collection.get(where=where_clause(where), include=[])["ids"]

    def ids_for_source(self, source: str) -> list[str]:
        return self.ids_where({"source": source})

    def delete_where(self, where: Mapping[str, Any] | None = None, *,
                     source: str | None = None) -> int:
        """Delete the chunks matching a metadata filter (or one source file); returns how many."""
        clause = {**(where or {}), **({"source": source} if source is not None else {})}
        if not clause:
            raise BadInput("delete_where needs a filter; use delete_collection to drop everything.")
        ids = self.ids_where(clause)
        try:
            for start in range(0, len(ids), self._batch_size):
                with chroma_errors(self._store.settings):
                    self._collection.delete(ids=ids[start : start + self._batch_size])
        finally:
            if ids:
                self._bump_revision()
        return len(ids)

    def scan(self, where: Mapping[str, Any] | None = None, *,
             with_text: bool = True) -> Iterator[StoredChunk]:
        """Every chunk (matching `where`), page by page, in Chroma's storage order.

        For rebuilding something derived from the whole collection (a BM25 index) or listing
        its files; `with_text=False` reads metadata only, which is much lighter.
        """
        include = ["documents", "metadatas"] if with_text else ["metadatas"]
        offset = 0
        while True:
            with chroma_errors(self._store.settings):
                page = self._collection.get(where=where_clause(where), limit=SCAN_PAGE,
                                            offset=offset, include=include)  # type: ignore[arg-type]
            texts = page.get("documents") or [""] * len(page["ids"])
            for id_, text, meta in zip(page["ids"], texts, page["metadatas"] or [], strict=True):
                yield StoredChunk(id=id_, text=text or "", metadata=dict(meta or {}))
            if len(page["ids"]) < SCAN_PAGE:
                return
            offset += SCAN_PAGE

    def revision(self) -> str:
        """A token that changes whenever chunks are added or deleted ("" for a new collection).

        Read fresh from Chroma on each call (~0.4 ms), so a change made elsewhere shows.
        """
        with chroma_errors(self._store.settings):
            metadata = self._store.read_metadata(self.name)
        return str(metadata.get(REVISION_KEY, ""))

    def _bump_revision(self) -> None:
        """Record that the chunks changed. Chroma refuses `hnsw:*` keys in a modify (the
        distance is fixed at creation and kept), so those are left out of the new metadata."""
        with chroma_errors(self._store.settings):
            metadata = self._store.read_metadata(self.name)
            kept = {key: value for key, value in metadata.items() if not key.startswith("hnsw:")}
            self._collection.modify(metadata={**kept, REVISION_KEY: uuid.uuid4().hex})

    def _check_dimension(self, dimension: int) -> None:
        if dimension != self._store.embedder.dimension:
            raise BadInput(f"Vector has {dimension} dimensions but collection '{self.name}' uses "
                           f"{self._store.embedder.dimension} ({self._store.embedder.name}).")


def _float_rows(embeddings: Any) -> list[list[float]]:
    """Chroma's embeddings as lists of Python floats: the embedded client returns one 2-D
    numpy array, and its `tolist` skips a `float()` call per element (~0.3 ms for the gate's
    ten 256-dimension vectors, on the loaded machine)."""
    if hasattr(embeddings, "tolist"):
        return embeddings.tolist()
    return [[float(x) for x in vector] for vector in embeddings]


def _first_occurrences(ids: list[str]) -> list[int]:
    """Positions of each id's first appearance: Chroma rejects repeated ids inside one add."""
    seen: dict[str, int] = {}
    for position, id_ in enumerate(ids):
        seen.setdefault(id_, position)
    return list(seen.values())


__all__ = ["REVISION_KEY", "SCAN_PAGE", "ChunkCollection"]
