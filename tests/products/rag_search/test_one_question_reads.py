"""`KnowledgeBase.one_question`: one question reads the revision once and each chunk once.

The gate searches hybrid, then BM25, then weighs terms and reads the candidates' vectors; each
step used to check the collection's revision and read chunks from Chroma on its own. Inside
`one_question` they share one check and one read per chunk, and the gate decides exactly as
before. The scope is per thread and per question: another thread, or the next question, sees
the collection as it is then.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from products.rag_search.core import KnowledgeBase
from products.rag_search.core.gate import decide
from products.rag_search.core.ingest import ingest_paths
from products.rag_search.core.relevance import load_calibration
from shared.config import load_settings
from shared.vectorstore import ChunkCollection
from tests.products.rag_search.test_hybrid_fast_path import golden_questions, sample_kb


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The sample corpus, ingested once for this module."""
    return sample_kb(tmp_path_factory.mktemp("one_question"))


def count_chroma_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts every revision check and chunk/vector read any ChunkCollection makes."""
    calls: Counter[str] = Counter()
    for name in ("revision", "get", "get_with_vectors", "vectors"):
        original = getattr(ChunkCollection, name)

        def counted(self: ChunkCollection, *args: Any, _name: str = name,
                    _original: Any = original, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ChunkCollection, name, counted)
    return calls


def test_the_gate_decides_the_same_inside_one_question(kb: KnowledgeBase) -> None:
    calibration = load_calibration()
    for question in golden_questions():
        plain = decide(kb, question, 5, calibration)
        with kb.one_question():
            scoped = decide(kb, question, 5, calibration)
        assert scoped == plain, question


def test_one_question_checks_the_revision_once_and_reads_each_chunk_once(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    question = golden_questions()[0]
    calls = count_chroma_reads(monkeypatch)
    decide(kb, question, 5, load_calibration())
    assert calls["revision"] == 3 and calls["vectors"] == 1  # hybrid, BM25, term weights
    calls.clear()
    with kb.one_question():
        decide(kb, question, 5, load_calibration())
    assert calls["revision"] == 1
    assert calls["vectors"] == 0 and calls["get"] == 0  # vectors came with the chunks
    assert 1 <= calls["get_with_vectors"] <= 2  # hybrid's k, then BM25's not already read


def test_another_thread_is_not_inside_this_question(kb: KnowledgeBase,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_chroma_reads(monkeypatch)
    seen: list[int] = []

    def other_thread() -> None:
        before = calls["revision"]
        kb.lexical()
        seen.append(calls["revision"] - before)

    with kb.one_question():
        kb.lexical()
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        with kb.one_question():  # nested: still the outer question's reads
            kb.lexical()
    assert seen == [1]  # the other thread checked the revision itself
    assert calls["revision"] == 2  # the outer question's one check, the other thread's one


def test_the_next_question_sees_chunks_added_since(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", embedder="hashing", chroma_host=None,
                             provider="none")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Refunds\n\nRefunds take five business days to arrive.\n")
    ingest_paths(settings, [docs], collection="live")
    reader = KnowledgeBase(settings, "live")
    with reader.one_question():
        assert reader.lexical().size == 1
    (docs / "b.md").write_text("# Webhooks\n\nWebhook signatures use HMAC with SHA-256.\n")
    ingest_paths(settings, [docs], collection="live")  # another KnowledgeBase writes
    with reader.one_question():
        assert reader.lexical().size == 2
        hits = reader.lexical().search("webhook signatures", 3)
        assert [chunk.metadata["source"] for chunk in reader.chunks([hits[0].chunk_id])] == [
            "b.md"]
