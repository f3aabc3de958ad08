"""The vector store's public data types (re-exported by `shared.vectorstore`).

Kept apart so products can import `Chunk` and `Hit` without pulling in the store itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel, Field

MetadataValue = str | int | float | bool
Vector = Sequence[float]


class Chunk(BaseModel):
    """A piece of text to index; `metadata["source"]` (the file it came from) is recommended."""

    text: str
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)

    @property
    def id(self) -> str:
        return chunk_id(self.text, str(self.metadata.get("source", "")))


class StoredChunk(BaseModel):
    """A chunk as stored, with its content-hash id."""

    id: str
    text: str
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)


class Hit(StoredChunk):
    """A query result: `score` is cosine similarity (higher is closer), `distance` is 1 - score."""

    score: float
    distance: float


class AddReport(BaseModel):
    """What an add did: chunks newly stored vs ones whose id was already there (or repeated)."""

    added: int
    already_present: int
    ids: list[str]


class CollectionInfo(BaseModel):
    """One collection as `list_collections` reports it; embedder is None if not built by the kit."""

    name: str
    count: int
    embedder: str | None
    dimension: int | None


def chunk_id(text: str, source: str = "") -> str:
    """The content-hash id of a chunk (`shared._chunk_collection` says why source is in it)."""
    return hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()


__all__ = [
    "AddReport",
    "Chunk",
    "CollectionInfo",
    "Hit",
    "MetadataValue",
    "StoredChunk",
    "Vector",
    "chunk_id",
]
