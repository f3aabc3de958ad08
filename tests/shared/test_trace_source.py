"""Trace rows say where they came from, so test runs can be told apart from real use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shared.tracing import TraceRow, TraceStore, current_source, trace_source


def row(**fields: object) -> TraceRow:
    return TraceRow(provider="local", model="baseline", **fields)  # type: ignore[arg-type]


def test_rows_built_inside_trace_source_are_tagged(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite")
    store.record(row(operation="ask"))
    with trace_source("stress"):
        assert current_source() == "stress"
        store.record(row(operation="stress"))
    assert current_source() == "user"
    assert [r.source for r in store.recent()] == ["stress", "user"]
    assert [r.operation for r in store.recent(hide_sources={"stress"})] == ["ask"]
    assert [s.calls for s in store.summary(hide_sources={"stress"})] == [1]
    assert store.count_sources() == {"stress": 1, "user": 1}


def test_a_store_from_before_sources_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "traces.sqlite"
    store = TraceStore(path)
    store.record(row(operation="old"))
    store.close()
    with sqlite3.connect(path) as conn:  # what a store written before `source` looks like
        conn.execute("ALTER TABLE calls DROP COLUMN source")
    reopened = TraceStore(path)
    assert [r.source for r in reopened.recent()] == ["user"]
