"""The RAG page's ingest runs in the background: asking mid-ingest never stops it.

Each test holds the ingest at a known file with a gate (the core's per-file step waits on
an event), does something on the page, then lets it go and checks that every chunk landed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from products.rag_search.core import ingest as core_ingest
from products.rag_search.core import list_knowledge_bases
from products.rag_search.ui_chat import PENDING_PREFIX, QUEUED
from products.rag_search.ui_ingest import current_job
from shared.config import load_settings
from tests.products.rag_search.test_ui import (
    DOCS,
    ask,
    assert_no_exception,
    markdown_of,
    metrics_of,
    run_page,
    wait_for_ingest,
)

QUESTION = "When does the password reset link expire?"


class Gate:
    """Lets the ingest through file by file: `release()` opens it for good."""

    def __init__(self, hold_before: int) -> None:
        self.hold_before = hold_before  # files let through before the gate closes
        self.open = threading.Event()
        self.reached = threading.Event()
        self.seen = 0

    def wrap(self, real: Any) -> Any:
        def step(*args: Any, **kwargs: Any) -> None:
            if self.seen == self.hold_before:
                self.reached.set()
                assert self.open.wait(60), "the test never opened the gate"
            self.seen += 1
            real(*args, **kwargs)
        return step


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in sorted(DOCS.items()):  # accounts.md is indexed first
        (folder / name).write_text(text)
    return folder


def gated(monkeypatch: pytest.MonkeyPatch, hold_before: int) -> Gate:
    gate = Gate(hold_before)
    monkeypatch.setattr(core_ingest, "_ingest_file", gate.wrap(core_ingest._ingest_file))
    return gate


@pytest.fixture
def release_gates() -> Iterator[list[Gate]]:
    gates: list[Gate] = []
    yield gates
    for gate in gates:  # a failed assertion must not leave an ingest thread waiting
        gate.open.set()


def start_indexing(app: AppTest, folder: Path, gate: Gate) -> AppTest:
    app.text_input(key="rag_folder").set_value(str(folder))
    app.button(key="rag_index_folder").click().run()
    assert_no_exception(app)
    assert gate.reached.wait(30)
    return app


def counts() -> dict[str, int]:
    return {info.name: info.count for info in list_knowledge_bases(load_settings())}


def every_chunk(folder: Path) -> int:
    """What a plain, uninterrupted ingest of the folder stores (done once, beside the page's
    collection, with whatever gate the test has opened)."""
    if "reference" not in counts():
        core_ingest.ingest_paths(load_settings(), [folder], collection="reference")
    return counts()["reference"]


def test_asking_during_an_ingest_answers_from_what_is_indexed_and_the_ingest_finishes(
        monkeypatch: pytest.MonkeyPatch, docs: Path, release_gates: list[Gate]) -> None:
    gate = gated(monkeypatch, hold_before=1)  # accounts.md is in, the rest waits
    release_gates.append(gate)
    app = start_indexing(run_page(), docs, gate)
    assert any("Indexing…" in bar.proto.text for bar in app.get("progress"))
    ask(app, QUESTION)
    assert any("two hours" in text for text in markdown_of(app))  # from the first file
    note = next(info.value for info in app.info if "Indexing is still running" in info.value)
    assert "1/3 files" in note and "chunks indexed so far" in note
    assert current_job(load_settings(), "knowledge_base").running  # the question did not stop it
    gate.open.set()
    wait_for_ingest(app)
    assert metrics_of(app)["Indexed"] == "3"
    assert counts()["knowledge_base"] == every_chunk(docs)
    assert any("Indexing is still running" in info.value for info in app.info)  # kept in history


def test_a_question_asked_before_anything_is_indexed_is_queued_then_answered(
        monkeypatch: pytest.MonkeyPatch, docs: Path, release_gates: list[Gate]) -> None:
    gate = gated(monkeypatch, hold_before=0)  # nothing is in yet
    release_gates.append(gate)
    app = start_indexing(run_page(), docs, gate)
    ask(app, QUESTION)
    assert any(info.value == QUEUED for info in app.info)
    assert app.session_state[PENDING_PREFIX + "knowledge_base"] == QUESTION
    gate.open.set()
    wait_for_ingest(app)
    assert not any(info.value == QUEUED for info in app.info)
    assert any("two hours" in text for text in markdown_of(app))
    assert counts()["knowledge_base"] == every_chunk(docs)


def test_stop_keeps_what_was_indexed_and_indexing_again_finishes(
        monkeypatch: pytest.MonkeyPatch, docs: Path, release_gates: list[Gate]) -> None:
    gate = gated(monkeypatch, hold_before=1)
    release_gates.append(gate)
    app = start_indexing(run_page(), docs, gate)
    app.button(key="rag_stop_ingest").click().run()
    assert_no_exception(app)
    gate.open.set()
    wait_for_ingest(app)
    assert any("stopped after 2 of 3 files" in warning.value for warning in app.warning), [
        warning.value for warning in app.warning]  # the held file finishes, then it stops
    partial = counts()["knowledge_base"]
    assert 0 < partial < every_chunk(docs)
    ask(app, QUESTION)  # the stopped ingest's file is searchable (BM25 rebuilt for it)
    assert any("two hours" in text for text in markdown_of(app))
    app.button(key="rag_index_folder").click().run()
    wait_for_ingest(app)
    assert metrics_of(app)["Unchanged"] == "2" and metrics_of(app)["Indexed"] == "1"
    assert counts()["knowledge_base"] == every_chunk(docs)


def test_the_end_of_an_ingest_is_one_line_over_the_tabs(docs: Path) -> None:
    from tests.products.rag_search.test_ui import index_folder

    app = index_folder(run_page(), docs)
    line = next(c.value for c in app.caption if "Indexing finished" in c.value)
    assert f"3 files indexed, 0 unchanged, 0 skipped, {counts()['knowledge_base']} chunks" in line
