"""The vector store against real Chroma: embedded on disk, and a real `chroma run` server.

Every store test runs in both modes. The server is started once per module on a free loopback
port (`make test` runs pytest with `--dist loadfile`, so one worker runs this whole file); each
test uses its own collection name, so nothing depends on test order.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings, load_settings
from shared.embeddings import HashingEmbedder
from shared.errors import BadInput, IndexMismatch, ProviderUnreachable
from shared.testing.fake_provider import FakeProvider
from shared.vectorstore import Chunk, VectorStore, chunk_id, open_vector_store
from tests.chroma_server import free_port, start_chroma_server, stop

HELP_CHUNKS = [
    Chunk(text="To reset your password, open the login page and click 'Forgot password'.",
          metadata={"source": "help/account.md", "page": 1, "public": True}),
    Chunk(text="Invoices are emailed on the first day of each month.",
          metadata={"source": "help/billing.md", "page": 1, "public": True}),
    Chunk(text="Refunds are paid back to the original card within 14 days.",
          metadata={"source": "help/billing.md", "page": 2, "public": False, "weight": 0.5}),
    Chunk(text="Invite teammates from Settings, then Members.",
          metadata={"source": "help/team.md", "page": 1, "public": True}),
]


@pytest.fixture(params=["embedded", "server"])
def settings(request: pytest.FixtureRequest) -> Settings:
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        return load_settings(chroma_host=host, chroma_port=port, embedder="hashing")
    return load_settings(embedder="hashing")  # store behaviour, on the instant lexical embedder


@pytest.fixture
def name() -> str:
    """A fresh collection name: the server outlives single tests."""
    return f"kb-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def store(settings: Settings) -> VectorStore:
    return open_vector_store(settings)


def test_mode_follows_chroma_host(settings: Settings, store: VectorStore, name: str) -> None:
    """Embedded mode writes under the data dir; server mode leaves it untouched."""
    store.collection(name).add(HELP_CHUNKS[:1])
    on_disk = (settings.data_dir / "chroma" / "chroma.sqlite3").exists()
    assert on_disk is (settings.vector_store_mode == "embedded")
    assert settings.vector_store_mode == ("server" if settings.chroma_host else "embedded")
    expected = f":{settings.chroma_port}" if settings.chroma_host else str(settings.data_dir)
    assert expected in store.location


def test_add_then_query_returns_the_closest_chunk_first(store: VectorStore, name: str) -> None:
    collection = store.collection(name)
    report = collection.add(HELP_CHUNKS)
    assert (report.added, report.already_present) == (4, 0)
    assert collection.count() == 4
    hits = collection.query("how do I reset my password", k=3)
    assert hits[0].text == HELP_CHUNKS[0].text
    assert hits[0].metadata == {"source": "help/account.md", "page": 1, "public": True}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(abs(hit.score + hit.distance - 1.0) < 1e-6 for hit in hits)
    assert hits[0].id == chunk_id(HELP_CHUNKS[0].text, "help/account.md")


def test_query_k_larger_than_the_collection_and_empty_collection(
    store: VectorStore, name: str
) -> None:
    collection = store.collection(name)
    assert collection.query("anything", k=5) == []
    assert collection.add([]).added == 0
    assert collection.get([]) == []
    collection.add(HELP_CHUNKS[:2])
    assert len(collection.query("anything", k=50)) == 2
    assert collection.query("?") == []  # no words: the zero vector is near nothing


def test_same_chunk_twice_is_stored_once(store: VectorStore, name: str) -> None:
    collection = store.collection(name)
    collection.add(HELP_CHUNKS)
    again = collection.add([*HELP_CHUNKS, HELP_CHUNKS[0]])
    assert (again.added, again.already_present) == (0, 5)
    same_text_other_file = Chunk(text=HELP_CHUNKS[0].text, metadata={"source": "faq.md"})
    assert collection.add([same_text_other_file]).added == 1
    assert collection.count() == 5


def test_batches_split_and_dedupe_across_batches(settings: Settings, name: str) -> None:
    collection = VectorStore(settings, batch_size=3).collection(name)
    chunks = [Chunk(text=f"note number {i}", metadata={"source": "notes.txt"}) for i in range(10)]
    assert collection.add(chunks[:4]).added == 4
    report = collection.add([*chunks, chunks[9]])
    assert (report.added, report.already_present) == (6, 5)
    assert collection.count() == 10
    assert collection.delete_where(source="notes.txt") == 10
    assert collection.count() == 0


def test_metadata_filters(store: VectorStore, name: str) -> None:
    collection = store.collection(name)
    collection.add(HELP_CHUNKS)
    billing = collection.query("password", k=4, where={"source": "help/billing.md"})
    assert {hit.metadata["source"] for hit in billing} == {"help/billing.md"}
    assert len(billing) == 2
    both = collection.query("money", k=4, where={"source": "help/billing.md", "public": False})
    assert [hit.metadata["page"] for hit in both] == [2]
    operator = collection.query("money", k=4, where={"page": {"$gte": 2}})
    assert [hit.text for hit in operator] == [HELP_CHUNKS[2].text]
    assert collection.query("money", k=4, where={"source": "nowhere.md"}) == []
    with pytest.raises(BadInput, match=r"Chroma rejected the request: .*\$bogus"):
        collection.query("money", where={"page": {"$bogus": 1}})


def test_get_by_ids_keeps_order_and_skips_unknown(store: VectorStore, name: str) -> None:
    collection = store.collection(name)
    ids = collection.add(HELP_CHUNKS).ids
    got = collection.get([ids[2], "not-an-id", ids[0]])
    assert [chunk.id for chunk in got] == [ids[2], ids[0]]
    assert got[0].text == HELP_CHUNKS[2].text
    assert got[0].metadata["weight"] == 0.5


def test_ids_for_source_and_delete_by_source(store: VectorStore, name: str) -> None:
    collection = store.collection(name)
    ids = collection.add(HELP_CHUNKS).ids
    assert sorted(collection.ids_for_source("help/billing.md")) == sorted(ids[1:3])
    assert collection.delete_where(source="help/billing.md") == 2
    assert collection.delete_where(source="help/billing.md") == 0
    assert collection.count() == 2
    assert collection.delete_where({"page": 1, "source": "help/team.md"}) == 1
    with pytest.raises(BadInput, match="needs a filter"):
        collection.delete_where()


def test_list_and_delete_collections(store: VectorStore, name: str) -> None:
    store.collection(name).add(HELP_CHUNKS[:3])
    info = {c.name: c for c in store.list_collections()}[name]
    assert (info.count, info.embedder, info.dimension) == (3, "hashing-v1-1024", 1024)
    assert store.delete_collection(name) is True
    assert name not in {c.name for c in store.list_collections()}
    assert store.delete_collection(name) is False
    assert store.collection(name).count() == 0  # re-created empty: the re-index path


def test_other_embedder_is_an_index_mismatch_that_says_how_to_reindex(
    settings: Settings, name: str
) -> None:
    open_vector_store(settings).collection(name).add(HELP_CHUNKS[:1])
    with pytest.raises(IndexMismatch) as caught:
        VectorStore(settings, HashingEmbedder(dimension=256)).collection(name)
    assert "built with hashing-v1-1024" in caught.value.message
    openai_settings = settings.model_copy(update={"embedder": "openai"})
    with pytest.raises(IndexMismatch) as caught:
        open_vector_store(openai_settings).collection(name)
    assert caught.value.message == (
        f"Collection '{name}' was built with hashing-v1-1024 (1024 dimensions); AIPM_EMBEDDER is "
        "openai (openai-text-embedding-3-small, 1536 dimensions). Re-index with "
        f"`aipm rag ingest PATH --collection {name} --reindex` or set AIPM_EMBEDDER=hashing."
    )


def test_precomputed_embeddings_and_vector_queries(store: VectorStore, name: str) -> None:
    collection = store.collection(name)
    embedder = HashingEmbedder()
    vectors = embedder.embed_documents([chunk.text for chunk in HELP_CHUNKS])
    assert collection.add(HELP_CHUNKS, embeddings=vectors).added == 4
    hits = collection.query(embedder.embed_query("refund to my card"), k=1)
    assert hits[0].text == HELP_CHUNKS[2].text
    with pytest.raises(BadInput, match="one embedding per chunk"):
        collection.add(HELP_CHUNKS, embeddings=vectors[:2])
    with pytest.raises(BadInput, match="has 3 dimensions"):
        collection.add([Chunk(text="new")], embeddings=[[0.1, 0.2, 0.3]])
    with pytest.raises(BadInput, match="has 2 dimensions"):
        collection.query([1.0, 0.0])


def test_data_survives_a_new_client_in_another_process(settings: Settings, name: str) -> None:
    open_vector_store(settings).collection(name).add(HELP_CHUNKS)
    script = (
        "import json, sys\n"
        "from shared.config import load_settings\n"
        "from shared.vectorstore import open_vector_store\n"
        "collection = open_vector_store(load_settings()).collection(sys.argv[1])\n"
        "hit = collection.query('send invoices', k=1)[0]\n"
        "print(json.dumps({'count': collection.count(), 'top': hit.text}))\n"
    )
    env = {**os.environ, "AIPM_DATA_DIR": str(settings.data_dir), "AIPM_EMBEDDER": "hashing",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    if settings.chroma_host:
        env |= {"CHROMA_HOST": settings.chroma_host, "CHROMA_PORT": str(settings.chroma_port)}
    done = subprocess.run([sys.executable, "-c", script, name], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == {"count": 4, "top": HELP_CHUNKS[1].text}


def test_invalid_collection_name_is_bad_input(store: VectorStore) -> None:
    with pytest.raises(BadInput, match="Collection name 'a b' is not valid"):
        store.collection("a b")


def test_unreachable_server_says_how_to_start_it() -> None:
    port = free_port()
    with pytest.raises(ProviderUnreachable) as caught:
        open_vector_store(load_settings(chroma_host="127.0.0.1", chroma_port=port))
    message = caught.value.message
    assert f"Cannot reach the Chroma server at 127.0.0.1:{port}" in message
    assert "chroma run --path" in message and "unset CHROMA_HOST" in message


def test_server_stopping_mid_session_is_provider_unreachable(tmp_path: Path, name: str) -> None:
    port = free_port()
    process = start_chroma_server(tmp_path / "data", port, tmp_path / "server.log")
    try:
        collection = open_vector_store(
            load_settings(chroma_host="127.0.0.1", chroma_port=port)).collection(name)
        collection.add(HELP_CHUNKS[:1])
    finally:
        stop(process)
    with pytest.raises(ProviderUnreachable, match=f"127.0.0.1:{port}"):
        collection.query("password")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a stuck server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


def test_server_that_never_answers_fails_instead_of_hanging(silent_port: int) -> None:
    # chromadb's own HTTP client has no timeout: without the kit's heartbeat this hangs forever.
    with pytest.raises(ProviderUnreachable, match=r"did not answer within 0\.2 s"):
        open_vector_store(load_settings(chroma_host="127.0.0.1", chroma_port=silent_port,
                                        chroma_timeout_s=0.2))


def test_http_server_that_is_not_chroma_is_named_as_such(fake_provider: FakeProvider) -> None:
    settings = load_settings(chroma_host="127.0.0.1", chroma_port=fake_provider.port)
    with pytest.raises(ProviderUnreachable, match=r"answered HTTP 404 .* not a Chroma server"):
        open_vector_store(settings)


def test_data_dir_that_cannot_be_created_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(BadInput, match="AIPM_DATA_DIR"):
        open_vector_store(load_settings(data_dir=blocker / "data"))


def test_nearest_ids_and_stored_vectors_match_a_full_query(store: VectorStore, name: str) -> None:
    """`nearest` is `query` without text: same ids, same cosines, same order, same filter;
    `vectors` gives plain float lists (the stored float32 values), whatever the client returns."""
    collection = store.collection(name)
    ids = collection.add(HELP_CHUNKS).ids
    vector = store.embedder.embed_query("refund to my card")
    hits = collection.query(vector, k=3)
    assert collection.nearest(vector, k=3) == [(hit.id, hit.score) for hit in hits]
    billing = collection.nearest(vector, k=4, where={"source": "help/billing.md"})
    assert [i for i, _ in billing] == [h.id for h in collection.query(
        vector, k=4, where={"source": "help/billing.md"})]
    stored = collection.vectors([ids[1], "not-an-id"])
    assert list(stored) == [ids[1]]
    assert all(type(x) is float for x in stored[ids[1]])
    expected = store.embedder.embed_documents([HELP_CHUNKS[1].text])[0]
    assert stored[ids[1]] == pytest.approx(expected, abs=1e-6)
    with pytest.raises(BadInput, match="has 2 dimensions"):
        collection.nearest([1.0, 0.0])
