"""Ingest: counts and skip reasons, metadata, idempotence, changes, sync, re-index, size limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from products.rag_search.core import IngestReport, KnowledgeBase, run_search, search
from products.rag_search.core.ingest import ingest_paths
from shared.config import Settings, load_settings
from shared.embeddings import EMBEDDERS, HashingEmbedder
from shared.errors import BadInput, IndexMismatch
from tests.products.rag_search.corpus_files import (
    BAD_FILES,
    GOOD_FILES,
    REFUNDS_MD,
    write,
    write_bad_files,
    write_good_corpus,
)

KB = "help_center"


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_good_corpus(tmp_path / "help")


def ingest(settings: Settings, *paths: Path, **options: Any) -> IngestReport:
    return ingest_paths(settings, list(paths), collection=KB, **options)


def chunks_by_source(settings: Settings) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for chunk in KnowledgeBase(settings, KB).vectors.scan(with_text=False):
        found.setdefault(str(chunk.metadata["source"]), set()).add(chunk.id)
    return found


def bm25_sources(settings: Settings, query: str) -> list[str]:
    kb = KnowledgeBase(settings, KB)
    return [result.source for result in search(kb, query, mode="bm25", k=10).results]


def test_a_folder_is_indexed_and_bad_files_are_skipped_with_reasons(
    settings: Settings, corpus: Path
) -> None:
    write_bad_files(corpus)
    report = ingest(settings, corpus)
    assert (report.collection, report.files_seen) == (KB, len(GOOD_FILES) + len(BAD_FILES))
    assert (report.files_indexed, report.files_unchanged) == (len(GOOD_FILES), 0)
    reasons = {skipped.path: skipped.error for skipped in report.files_skipped}
    assert sorted(reasons) == sorted(BAD_FILES)
    assert "not a readable PDF" in reasons["broken.pdf"]
    assert "is empty" in reasons["empty.txt"]
    assert "not a text file" in reasons["fake.txt"]
    assert "unsupported file type" in reasons["notes.xyz"]
    assert "password-protected" in reasons["secret.pdf"]
    assert report.chunks_added == KnowledgeBase(settings, KB).count() > 0
    assert report.chunks_removed == 0 and report.seconds >= 0
    assert set(chunks_by_source(settings)) == set(GOOD_FILES)


def test_metadata_has_relative_sources_titles_headings_pages_and_hashes(
    settings: Settings, corpus: Path
) -> None:
    write(corpus, ".hidden/secret.md", "# Hidden\nNever indexed.")
    ingest(settings, corpus)
    metas = [c.metadata for c in KnowledgeBase(settings, KB).vectors.scan(with_text=False)]
    by_source: dict[str, list[dict]] = {}
    for meta in metas:
        by_source.setdefault(str(meta["source"]), []).append(meta)
    assert set(by_source) == set(GOOD_FILES)  # POSIX paths relative to the root; hidden skipped
    for source, chunk_metas in by_source.items():
        assert sorted(m["chunk_index"] for m in chunk_metas) == list(range(len(chunk_metas)))
        assert len({m["file_sha"] for m in chunk_metas}) == 1, source
        assert len(str(chunk_metas[0]["file_sha"])) == 64
    refunds = {m["heading"]: m for m in by_source["billing/refunds.md"]}
    assert set(refunds) == {"Refunds > Annual plans", "Refunds > Monthly plans"}
    assert refunds["Refunds > Annual plans"]["title"] == "Refunds"
    assert {m["page"] for m in by_source["handbook.pdf"]} == {1, 2}
    assert all("page" not in m for m in by_source["team.html"])
    assert {m["title"] for m in by_source["manual.docx"]} == {"Data export manual"}


def test_a_single_file_is_cited_by_its_name(settings: Settings, corpus: Path) -> None:
    report = ingest(settings, corpus / "billing" / "refunds.md")
    assert (report.files_seen, report.files_indexed) == (1, 1)
    assert set(chunks_by_source(settings)) == {"refunds.md"}


def test_re_ingesting_unchanged_files_adds_nothing(settings: Settings, corpus: Path) -> None:
    ingest(settings, corpus)
    kb = KnowledgeBase(settings, KB)
    before, revision = chunks_by_source(settings), kb.vectors.revision()
    again = ingest(settings, corpus)
    assert (again.files_unchanged, again.files_indexed) == (len(GOOD_FILES), 0)
    assert (again.chunks_added, again.chunks_removed, again.files_skipped) == (0, 0, [])
    assert chunks_by_source(settings) == before
    assert kb.vectors.revision() == revision  # nothing changed, so BM25 is not rebuilt


def test_a_changed_file_replaces_its_chunks_and_leaves_the_rest(
    settings: Settings, corpus: Path
) -> None:
    ingest(settings, corpus)
    before = chunks_by_source(settings)
    write(corpus, "billing/refunds.md", REFUNDS_MD.replace("30 days", "45 days"))
    report = ingest(settings, corpus)
    assert (report.files_indexed, report.files_unchanged) == (1, len(GOOD_FILES) - 1)
    assert report.chunks_removed == len(before["billing/refunds.md"])
    assert report.chunks_added == report.chunks_removed  # same sections, one edited
    after = chunks_by_source(settings)
    assert after["billing/refunds.md"] != before["billing/refunds.md"]
    assert {s: ids for s, ids in after.items() if s != "billing/refunds.md"} == {
        s: ids for s, ids in before.items() if s != "billing/refunds.md"}
    top = search(KnowledgeBase(settings, KB), "annual refund days", mode="bm25", k=1).results[0]
    assert "45 days" in top.text and "30 days" not in top.text


def test_a_deleted_file_stays_without_sync_and_goes_with_sync(
    settings: Settings, corpus: Path
) -> None:
    ingest(settings, corpus)
    assert bm25_sources(settings, "ERR-4012") == ["errors.txt"]
    (corpus / "errors.txt").unlink()
    kept = ingest(settings, corpus)
    assert kept.chunks_removed == 0 and "errors.txt" in chunks_by_source(settings)
    synced = ingest(settings, corpus, sync=True)
    assert synced.chunks_removed >= 1 and synced.files_seen == len(GOOD_FILES) - 1
    assert "errors.txt" not in chunks_by_source(settings)
    assert bm25_sources(settings, "ERR-4012") == []  # the BM25 index followed the delete


def test_sync_only_removes_files_from_the_folders_given(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    write(other, "webhooks.md", "# Webhooks\nWebhooks retry failed deliveries three times.")
    ingest(settings, corpus)
    ingest(settings, other)
    (corpus / "team.html").unlink()
    report = ingest(settings, corpus, sync=True)
    assert report.chunks_removed >= 1
    assert set(chunks_by_source(settings)) == (set(GOOD_FILES) - {"team.html"}) | {"webhooks.md"}


def test_new_files_are_searchable_by_bm25_right_after_ingest(
    settings: Settings, corpus: Path
) -> None:
    ingest(settings, corpus)
    assert bm25_sources(settings, "webhooks") == []
    write(corpus, "webhooks.md", "# Webhooks\nWebhooks retry failed deliveries three times.")
    report = ingest(settings, corpus)
    assert (report.files_indexed, report.files_unchanged) == (1, len(GOOD_FILES))
    assert bm25_sources(settings, "webhooks") == ["webhooks.md"]


def test_reindex_drops_the_collection_and_rebuilds_it(settings: Settings, corpus: Path) -> None:
    ingest(settings, corpus)
    before = chunks_by_source(settings)
    write(corpus, "gone.md", "# Gone\nA file that is indexed once and then deleted.")
    ingest(settings, corpus)
    (corpus / "gone.md").unlink()
    report = ingest(settings, corpus, reindex=True)
    assert (report.files_indexed, report.files_unchanged) == (len(GOOD_FILES), 0)
    assert report.chunks_added == sum(len(ids) for ids in before.values())
    assert chunks_by_source(settings) == before  # gone.md went with the drop
    assert bm25_sources(settings, "deleted indexed once") == []


def test_a_file_over_the_size_limit_is_skipped_and_the_rest_carry_on(corpus: Path) -> None:
    small_limit = load_settings(max_upload_mb=0.25)  # 256 KB: the DOCX (~40 KB) fits
    write(corpus, "huge.txt", "A long paragraph about quotas. " * 10000)  # ~310 KB
    report = ingest(small_limit, corpus)
    assert [skipped.path for skipped in report.files_skipped] == ["huge.txt"]
    assert "is 0.3 MB, over the 0.25 MB limit" in report.files_skipped[0].error
    assert "AIPM_MAX_UPLOAD_MB" in report.files_skipped[0].error
    assert report.files_indexed == len(GOOD_FILES)


def test_a_missing_path_fails_before_anything_is_written(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        ingest(settings, corpus, tmp_path / "nope")
    assert not (settings.data_dir / "chroma").exists()
    ingest(settings, corpus)
    count = KnowledgeBase(settings, KB).count()
    with pytest.raises(BadInput, match="does not exist"):
        ingest(settings, corpus, tmp_path / "nope", reindex=True)
    assert KnowledgeBase(settings, KB).count() == count  # the re-index never started
    with pytest.raises(BadInput, match="at least one"):
        ingest(settings)


def test_progress_is_reported_once_per_file_in_order(settings: Settings, corpus: Path) -> None:
    write_bad_files(corpus)
    calls: list[tuple[int, int, str]] = []
    ingest(settings, corpus, progress=lambda done, total, source: calls.append(
        (done, total, source)))
    total = len(GOOD_FILES) + len(BAD_FILES)
    assert calls == [(i, total, source) for i, source in
                     enumerate(sorted(GOOD_FILES + BAD_FILES), start=1)]


# --- embedder changes ---------------------------------------------------------------------------

@pytest.fixture
def smaller_embedder(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose embedder is the hashing one at 256 dimensions (offline, like the default)."""
    monkeypatch.setitem(EMBEDDERS, "hashing256", lambda settings, product: HashingEmbedder(256))
    return load_settings(embedder="hashing256")


def test_another_embedder_is_an_index_mismatch_that_says_reindex(
    settings: Settings, smaller_embedder: Settings, corpus: Path
) -> None:
    ingest(settings, corpus)
    count = KnowledgeBase(settings, KB).count()
    with pytest.raises(IndexMismatch) as caught:
        run_search(smaller_embedder, "refund", collection=KB)
    assert "--reindex" in caught.value.message and KB in caught.value.message
    assert "wordllama-l2supercat-256" in caught.value.message  # what built it
    assert "hashing-v1-256" in caught.value.message  # what the query would have used
    with pytest.raises(IndexMismatch, match="--reindex"):
        ingest(smaller_embedder, corpus)
    assert KnowledgeBase(settings, KB).count() == count


def test_reindex_with_the_new_embedder_works(
    settings: Settings, smaller_embedder: Settings, corpus: Path
) -> None:
    first = ingest(settings, corpus)
    report = ingest(smaller_embedder, corpus, reindex=True)
    assert (report.files_indexed, report.chunks_added) == (len(GOOD_FILES), first.chunks_added)
    response = run_search(smaller_embedder, "ERR-4012 calendar token", collection=KB)
    assert response.results[0].source == "errors.txt"
    with pytest.raises(IndexMismatch):
        run_search(settings, "refund", collection=KB)  # now the old embedder is the odd one


def test_sync_understands_a_folder_given_with_a_tilde(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(corpus.parent))
    ingest(settings, Path("~/help"))
    (corpus / "team.html").unlink()
    report = ingest(settings, Path("~/help"), sync=True)
    assert report.chunks_removed >= 1
    assert "team.html" not in chunks_by_source(settings)


def test_an_empty_folder_says_so_and_suggests_a_path(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInput, match=r"empty folder.*products/rag_search/data"):
        ingest_paths(load_settings(), [tmp_path / "empty"])
