"""RAG against a real `chroma run` server: the path for users who outgrow one machine.

Two "machines" (two data dirs, so two BM25 caches) share one Chroma server. When one of them
ingests a file, the other's BM25 search finds it on its next query: the collection's revision
moved on, so its local BM25 index is rebuilt from the server before answering.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from products.rag_search.core import ingest_uploads, run_ask, run_ingest, run_search
from products.rag_search.core.knowledge_base import lexical_folder
from shared.config import Settings, load_settings
from tests.products.rag_search.answer_helpers import HELP_CENTRE, write_corpus

pytestmark = [pytest.mark.e2e]


def machine(tmp_path: Path, name: str, port: int) -> Settings:
    return load_settings(data_dir=tmp_path / name, chroma_host="127.0.0.1", chroma_port=port)


def test_two_machines_share_a_server_and_bm25_follows(
        tmp_path: Path, chroma_server: tuple[str, int]) -> None:
    port = chroma_server[1]
    first, second = machine(tmp_path, "laptop", port), machine(tmp_path, "ci", port)
    report = run_ingest(first, [write_corpus(tmp_path / "kb", HELP_CENTRE)], collection="shared")
    assert report.files_indexed == len(HELP_CENTRE) and not report.files_skipped
    assert run_search(first, "refunds", collection="shared", mode="bm25").results
    assert "server-127.0.0.1" in str(lexical_folder(first, "shared"))

    ingest_uploads(second, [("zebra.md", b"# Zebra mode\nZebra mode paints invoices in stripes.")],
                   collection="shared")
    found = run_search(first, "zebra stripes", collection="shared", mode="bm25").results
    assert found and found[0].source == "zebra.md"
    answer = run_ask(first, "What does zebra mode paint in stripes?", collection="shared")
    assert not answer.abstained and answer.citations[0].source == "zebra.md"
