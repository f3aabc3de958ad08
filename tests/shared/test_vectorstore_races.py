"""A collection deleted by one request while another uses it: a 404-style kit error, not a 500
(schemathesis found this with two workers: DELETE /v1/rag/collections/{name} during a search)."""

from __future__ import annotations

import pytest

from shared.config import load_settings
from shared.errors import NotFound
from shared.vectorstore import Chunk, open_vector_store


def test_a_stale_handle_to_a_deleted_collection_is_not_found() -> None:
    settings = load_settings(embedder="hashing")
    collection = open_vector_store(settings).collection("race-kb")
    collection.add([Chunk(text="Refunds take five days.", metadata={"source": "a.md"})])
    open_vector_store(settings).delete_collection("race-kb")
    with pytest.raises(NotFound, match="deleted while this request was using it"):
        list(collection.scan())
    with pytest.raises(NotFound):
        collection.count()
