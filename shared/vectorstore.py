"""The vector store: Chroma, embedded on disk by default, a Chroma server when CHROMA_HOST is set.

Chunks go in and hits come out as pydantic models; nothing outside this module and its private
helpers touches Chroma: `_chroma` builds the client and turns Chroma's failures into errors a
person can act on, `_chunk_collection` works on one collection's chunks (it says how chunk ids
and revisions work), and `_vector_types` holds the data types re-exported here.

Each collection records the embedder (name and dimension) that built it, and opening it with
another embedder is an `IndexMismatch` that says how to re-index, never a silent bad ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shared._chroma import build_client, check_collection_name, chroma_errors, collection_info
from shared._chunk_collection import ChunkCollection
from shared._vector_types import (
    AddReport,
    Chunk,
    CollectionInfo,
    Hit,
    MetadataValue,
    StoredChunk,
    Vector,
    chunk_id,
)
from shared.config import Settings
from shared.embeddings import Embedder, embedder_key_for, get_embedder
from shared.errors import IndexMismatch

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection


class VectorStore:
    """One Chroma client (built once) and the collections opened through it.

    `batch_size` caps chunks per Chroma call (and so embedding memory); None uses Chroma's max.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, *,
                 batch_size: int | None = None) -> None:
        self.settings = settings
        self.embedder = embedder if embedder is not None else get_embedder(settings)
        self._client: ClientAPI = build_client(settings)
        with chroma_errors(settings):
            max_batch = self._client.get_max_batch_size()
        self.batch_size = min(batch_size, max_batch) if batch_size else max_batch
        self._collections: dict[str, ChunkCollection] = {}

    @property
    def location(self) -> str:
        """Where the vectors live, for `aipm doctor` and the Ops page."""
        if self.settings.vector_store_mode == "server":
            return f"Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port}"
        return f"embedded Chroma at {self.settings.data_dir / 'chroma'}"

    def collection(self, name: str) -> ChunkCollection:
        """Get or create a collection; raises IndexMismatch if another embedder built it."""
        if name not in self._collections:
            self._collections[name] = ChunkCollection(self, name, self._open(name))
        return self._collections[name]

    def list_collections(self) -> list[CollectionInfo]:
        with chroma_errors(self.settings):
            return [collection_info(c) for c in self._client.list_collections()]

    def delete_collection(self, name: str) -> bool:
        """Drop a collection (the first step of a re-index); False if there was none."""
        from chromadb.errors import NotFoundError

        self._collections.pop(name, None)
        with chroma_errors(self.settings):
            try:
                self._client.delete_collection(name)
            except NotFoundError:
                return False
        return True

    def has_collection(self, name: str) -> bool:
        """Whether a collection exists, without creating it (one lookup, no counting)."""
        from chromadb.errors import NotFoundError

        with chroma_errors(self.settings):
            try:
                self._client.get_collection(name, embedding_function=None)
            except NotFoundError:
                return False
        return True

    def read_metadata(self, name: str) -> dict[str, Any]:
        """A collection's metadata as stored now (not as cached when it was opened)."""
        return dict(self._client.get_collection(name, embedding_function=None).metadata or {})

    def _open(self, name: str) -> Collection:
        from chromadb.errors import NotFoundError

        check_collection_name(name)
        with chroma_errors(self.settings):
            try:
                collection = self._client.get_collection(name, embedding_function=None)
            except NotFoundError:
                collection = self._create(name)
        self._check_embedder(name, collection.metadata or {})
        return collection

    def _create(self, name: str) -> Collection:
        """get_or_create, not create: another process may have created it a moment ago."""
        metadata = {"hnsw:space": "cosine", "embedder": self.embedder.name,
                    "dimension": self.embedder.dimension}
        return self._client.get_or_create_collection(
            name, metadata=metadata, embedding_function=None
        )

    def _check_embedder(self, name: str, metadata: Mapping[str, Any]) -> None:
        built_with, dimension = metadata.get("embedder"), metadata.get("dimension")
        if built_with == self.embedder.name and dimension == self.embedder.dimension:
            return
        what = f"{built_with} ({dimension} dimensions)" if built_with else "no recorded embedder"
        key = embedder_key_for(str(built_with)) if built_with else None
        switch_back = f" or set AIPM_EMBEDDER={key}" if key else ""
        raise IndexMismatch(
            f"Collection '{name}' was built with {what}; AIPM_EMBEDDER is "
            f"{self.settings.embedder} ({self.embedder.name}, {self.embedder.dimension} "
            f"dimensions). Re-index with `aipm rag ingest PATH --collection {name} --reindex`"
            f"{switch_back}."
        )


def open_vector_store(settings: Settings, embedder: Embedder | None = None) -> VectorStore:
    """The store `settings` describe, with `AIPM_EMBEDDER`'s embedder unless one is given."""
    return VectorStore(settings, embedder)


__all__ = [
    "AddReport",
    "Chunk",
    "ChunkCollection",
    "CollectionInfo",
    "Hit",
    "MetadataValue",
    "StoredChunk",
    "Vector",
    "VectorStore",
    "check_collection_name",
    "chunk_id",
    "open_vector_store",
]
