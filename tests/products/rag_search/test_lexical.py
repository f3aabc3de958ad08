"""The BM25 index: ranking, masks, persistence, and staying in step with its Chroma collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from products.rag_search.core.knowledge_base import KnowledgeBase, delete_knowledge_base
from products.rag_search.core.lexical import LEXICAL_CACHE, LexicalCache, LexicalIndex
from shared.config import Settings, load_settings
from shared.vectorstore import Chunk

KB = "help_center"
CHUNKS = [
    ("c-refund", "Annual plans are refunded within thirty days of purchase."),
    ("c-invoice", "Invoices are emailed monthly. Invoices list every seat on the plan."),
    ("c-seats", "Add seats to the plan from the Billing page."),
    ("c-quota", "The quota error ERR-5100 means the workspace storage is full."),
]


@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex.build(CHUNKS, revision="rev-1")


@pytest.fixture
def settings() -> Settings:
    return load_settings()


def ids(hits: list) -> list[str]:
    return [hit.chunk_id for hit in hits]


def help_chunk(text: str, source: str = "help.md") -> Chunk:
    return Chunk(text=text, metadata={"source": source, "title": "Help", "heading": ""})


def test_the_chunk_with_the_rare_term_ranks_first(index: LexicalIndex) -> None:
    hits = index.search("plan refunded", k=4)
    assert ids(hits)[0] == "c-refund"  # "refund" is in one chunk, "plan" in three
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert index.search("ERR-5100", k=2)[0].chunk_id == "c-quota"


def test_only_chunks_sharing_a_term_are_returned_and_k_caps(index: LexicalIndex) -> None:
    assert set(ids(index.search("plan", k=10))) == {"c-refund", "c-invoice", "c-seats"}
    assert len(index.search("plan", k=2)) == 2
    assert index.search("plan", k=0) == []
    assert index.search("zebra crossing", k=5) == []  # no known term
    assert index.search("the and of", k=5) == []  # only stop words


def test_allowed_ids_mask_other_chunks(index: LexicalIndex) -> None:
    hits = index.search("plan refunded", k=4, allowed_ids={"c-seats", "c-invoice"})
    assert set(ids(hits)) == {"c-seats", "c-invoice"}
    assert index.search("refunded", k=4, allowed_ids={"c-seats"}) == []
    assert index.search("refunded", k=4, allowed_ids=set()) == []


def test_document_frequency_counts_chunks_not_occurrences(index: LexicalIndex) -> None:
    assert index.document_frequency("invoic") == 1  # twice in one chunk
    assert index.document_frequency("plan") == 3
    assert index.document_frequency("never-used") == 0
    assert index.size == 4


def test_save_then_load_gives_the_same_results(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "bm25" / "kb"
    index.save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded is not None
    assert (loaded.revision, loaded.ids) == ("rev-1", index.ids)
    for query in ("plan refunded", "invoices seats", "ERR-5100"):
        assert loaded.search(query, k=4) == index.search(query, k=4)
    assert loaded.document_frequency("plan") == 3
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_saving_again_replaces_the_old_index(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    index.save(folder)
    LexicalIndex.build([("only", "Webhooks retry three times.")], revision="rev-2").save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded is not None and loaded.revision == "rev-2"
    assert ids(loaded.search("webhooks", k=3)) == ["only"]
    assert loaded.search("plan", k=3) == []


def test_another_tokenizer_version_or_missing_files_load_as_none(
    index: LexicalIndex, tmp_path: Path
) -> None:
    assert LexicalIndex.load(tmp_path / "never-saved") is None
    folder = tmp_path / "kb"
    index.save(folder)
    meta_file = folder / "kit_meta.json"
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "tokenizer": "terms-v0"}))
    assert LexicalIndex.load(folder) is None
    meta_file.write_text(json.dumps(meta))
    assert LexicalIndex.load(folder) is not None
    (folder / "kit_ids.json").unlink()
    assert LexicalIndex.load(folder) is None


def test_missing_bm25_arrays_load_as_none(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    index.save(folder)
    for saved in folder.iterdir():
        if not saved.name.startswith("kit_"):
            saved.unlink()
    assert LexicalIndex.load(folder) is None


def test_empty_index_finds_nothing_and_round_trips(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], revision="")
    assert empty.size == 0 and empty.search("anything", k=5) == []
    assert empty.document_frequency("anyth") == 0
    empty.save(tmp_path / KB)
    loaded = LexicalIndex.load(tmp_path / KB)
    assert loaded is not None and loaded.size == 0 and loaded.search("anything", k=5) == []


def test_cache_returns_an_index_only_at_the_asked_revision(
    index: LexicalIndex, tmp_path: Path
) -> None:
    cache = LexicalCache()
    folder = tmp_path / "kb"
    index.save(folder)
    assert cache.get(folder, "rev-1") is not None  # loaded from disk
    assert cache.get(folder, "rev-2") is None  # on disk, but behind the collection
    cache.forget(folder)
    assert cache.get(folder, "rev-1") is not None


# --- KnowledgeBase keeps BM25 in step with Chroma --------------------------------------------

def test_a_chunk_added_after_a_search_is_found_without_a_manual_rebuild(
    settings: Settings,
) -> None:
    kb = KnowledgeBase(settings, KB)
    kb.add([help_chunk("Invoices are emailed monthly.")])
    assert kb.lexical().search("webhook", k=3) == []
    kb.add([help_chunk("Webhooks retry failed deliveries three times.", "hooks.md")])
    hits = kb.lexical().search("webhook", k=3)
    assert [chunk.metadata["source"] for chunk in kb.chunks(ids(hits))] == ["hooks.md"]
    assert kb.lexical().revision == kb.vectors.revision()
    assert LexicalIndex.load(kb.lexical_folder) is not None  # persisted beside the collection


def test_a_change_made_through_another_knowledge_base_object_is_seen(
    settings: Settings,
) -> None:
    reader = KnowledgeBase(settings, KB)
    reader.add([help_chunk("Invoices are emailed monthly.")])
    assert reader.lexical().search("sso", k=3) == []
    writer = KnowledgeBase(settings, KB)  # its own Chroma client: as another process would be
    writer.add([help_chunk("SSO works with any SAML identity provider.", "sso.md")])
    assert len(reader.lexical().search("sso", k=3)) == 1
    writer.remove_source("sso.md")
    assert reader.lexical().search("sso", k=3) == []


def test_a_stale_index_on_disk_is_rebuilt_after_the_cache_is_cleared(
    settings: Settings,
) -> None:
    kb = KnowledgeBase(settings, KB)
    kb.add([help_chunk("Invoices are emailed monthly.")])
    stale = kb.lexical()
    KnowledgeBase(settings, KB).add([help_chunk("Audit logs keep ninety days.", "audit.md")])
    LEXICAL_CACHE.forget(kb.lexical_folder)  # a fresh process: nothing loaded yet
    on_disk = LexicalIndex.load(kb.lexical_folder)
    assert on_disk is not None and on_disk.revision == stale.revision  # behind Chroma
    fresh = KnowledgeBase(settings, KB).lexical()
    assert fresh.revision != stale.revision and fresh.size == 2
    assert len(fresh.search("audit logs", k=3)) == 1


def test_deleting_the_knowledge_base_removes_its_bm25_folder(settings: Settings) -> None:
    kb = KnowledgeBase(settings, KB)
    kb.add([help_chunk("Invoices are emailed monthly.")])
    kb.lexical()
    assert kb.lexical_folder.exists()
    assert delete_knowledge_base(settings, KB) is True
    assert not kb.lexical_folder.exists()
    assert delete_knowledge_base(settings, KB) is False
    assert KnowledgeBase(settings, KB).lexical().size == 0  # a new, empty collection
