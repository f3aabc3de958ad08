"""A collection's `revision` (what derived indexes check for staleness) and `scan` (paging).

Both run against embedded Chroma and a real `chroma run` server: the revision lives in the
collection's metadata precisely so a change made by another process or machine shows.
"""

from __future__ import annotations

import uuid

import pytest

import shared._chunk_collection
from shared.config import Settings, load_settings
from shared.vectorstore import Chunk, ChunkCollection, VectorStore, open_vector_store


@pytest.fixture(params=["embedded", "server"])
def settings(request: pytest.FixtureRequest) -> Settings:
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        return load_settings(chroma_host=host, chroma_port=port)
    return load_settings()


@pytest.fixture
def store(settings: Settings) -> VectorStore:
    return open_vector_store(settings)


@pytest.fixture
def collection(store: VectorStore) -> ChunkCollection:
    """A fresh collection per test: the server outlives single tests."""
    return store.collection(f"rev-{uuid.uuid4().hex[:10]}")


def notes(count: int, source: str = "notes.md") -> list[Chunk]:
    return [Chunk(text=f"Release note {i} for the {source} file.",
                  metadata={"source": source, "n": i}) for i in range(count)]


def test_a_brand_new_collection_has_an_empty_revision(collection: ChunkCollection) -> None:
    assert collection.revision() == ""
    collection.add([])
    assert collection.revision() == ""


def test_adding_new_chunks_changes_the_revision(collection: ChunkCollection) -> None:
    collection.add(notes(2))
    first = collection.revision()
    assert first != ""
    collection.add(notes(3))  # two present, one new
    assert collection.revision() not in ("", first)


def test_adding_chunks_already_present_keeps_the_revision(collection: ChunkCollection) -> None:
    collection.add(notes(3))
    before = collection.revision()
    report = collection.add(notes(3))
    assert report.added == 0
    assert collection.revision() == before


def test_deleting_changes_the_revision_but_deleting_nothing_does_not(
    collection: ChunkCollection,
) -> None:
    collection.add([*notes(2), *notes(2, "faq.md")])
    before = collection.revision()
    assert collection.delete_where(source="missing.md") == 0
    assert collection.revision() == before
    assert collection.delete_where(source="faq.md") == 2
    assert collection.revision() not in ("", before)


def test_the_revision_keeps_the_collection_settings(
    store: VectorStore, collection: ChunkCollection
) -> None:
    """Bumping the revision rewrites the metadata: the embedder record and cosine space stay."""
    collection.add(notes(2))
    collection.add(notes(3))
    metadata = store.read_metadata(collection.name)
    assert metadata["embedder"] == store.embedder.name
    assert metadata["dimension"] == store.embedder.dimension
    hit = collection.query("release notes for files", k=1)[0]
    query_vector = store.embedder.embed_query("release notes for files")
    chunk_vector = store.embedder.embed_documents([hit.text])[0]
    cosine = sum(q * c for q, c in zip(query_vector, chunk_vector, strict=True))
    assert hit.score == pytest.approx(cosine, abs=1e-4)


def test_a_change_through_another_client_shows_in_the_revision(
    settings: Settings, collection: ChunkCollection
) -> None:
    collection.add(notes(1))
    before = collection.revision()
    other = open_vector_store(settings).collection(collection.name)
    assert other.revision() == before
    other.add(notes(1, "other.md"))
    assert collection.revision() == other.revision() != before


@pytest.mark.parametrize("count", [20, 14, 6, 0])
def test_scan_pages_through_every_chunk_once(
    monkeypatch: pytest.MonkeyPatch, collection: ChunkCollection, count: int
) -> None:
    monkeypatch.setattr(shared._chunk_collection, "SCAN_PAGE", 7)
    chunks = notes(count)
    collection.add(chunks)
    scanned = list(collection.scan())
    assert sorted(chunk.id for chunk in scanned) == sorted(chunk.id for chunk in chunks)
    by_id = {chunk.id: chunk for chunk in chunks}
    for stored in scanned:
        assert stored.text == by_id[stored.id].text
        assert stored.metadata == by_id[stored.id].metadata


def test_scan_filters_by_metadata_across_pages(
    monkeypatch: pytest.MonkeyPatch, collection: ChunkCollection
) -> None:
    monkeypatch.setattr(shared._chunk_collection, "SCAN_PAGE", 7)
    collection.add([*notes(9), *notes(11, "faq.md")])
    faq = list(collection.scan({"source": "faq.md"}))
    assert len(faq) == 11 and {c.metadata["source"] for c in faq} == {"faq.md"}
    late = list(collection.scan({"n": {"$gte": 8}}))
    assert sorted((c.metadata["source"], c.metadata["n"]) for c in late) == [
        ("faq.md", 8), ("faq.md", 9), ("faq.md", 10), ("notes.md", 8)]
    assert list(collection.scan({"source": "nowhere.md"})) == []


def test_scan_without_text_reads_metadata_only(collection: ChunkCollection) -> None:
    collection.add(notes(3))
    scanned = list(collection.scan(with_text=False))
    assert len(scanned) == 3
    assert all(chunk.text == "" and chunk.metadata["source"] == "notes.md" for chunk in scanned)


def test_has_collection_never_creates_one(store: VectorStore) -> None:
    name = f"has-{uuid.uuid4().hex[:10]}"
    assert not store.has_collection(name)
    assert name not in [info.name for info in store.list_collections()]
    store.collection(name)
    assert store.has_collection(name)
