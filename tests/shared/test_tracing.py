"""The trace store: rows round-trip, summaries group with percentiles, no prompt text kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from shared.tracing import LOCAL_PROVIDER, TraceRow, TraceStore, percentile, trace_operation


def test_rows_round_trip_newest_first(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "t.sqlite")
    store.record(TraceRow(provider="openai", model="a", operation="first"))
    store.record(TraceRow(provider="openai", model="a", operation="second", status="error",
                          error="rate_limited: slow down"))
    rows = store.recent()
    assert [row.operation for row in rows] == ["second", "first"]
    assert [row.operation for row in store.recent(errors_only=True)] == ["second"]


def test_summary_groups_by_product_and_model(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "t.sqlite")
    for latency in range(1, 101):
        store.record(TraceRow(product="rag", provider="openai", model="m", latency_ms=latency,
                              input_tokens=10, output_tokens=2, cost_usd=0.001))
    store.record(TraceRow(product="feedback", provider="anthropic", model="c", status="error"))
    store.record(TraceRow(product="rag", provider="openai", model="m", cache_hit=True))
    by_product = {row.product: row for row in store.summary()}
    rag = by_product["rag"]
    assert rag.calls == 101
    assert rag.cache_hits == 1
    assert rag.input_tokens == 1000
    assert abs(rag.cost_usd - 0.1) < 1e-9
    assert rag.p50_latency_ms == 50.5  # the cache hit's 0 ms is left out of latency
    assert 94 <= rag.p95_latency_ms <= 96
    assert by_product["feedback"].errors == 1


def test_percentile_edges() -> None:
    assert percentile([], 95) == 0.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_store_keeps_no_text_columns(tmp_path: Path) -> None:
    import sqlite3

    TraceStore(tmp_path / "t.sqlite")
    columns = {row[1] for row in sqlite3.connect(tmp_path / "t.sqlite").execute(
        "PRAGMA table_info(calls)")}
    assert not columns & {"prompt", "messages", "text", "response", "reply"}


def test_record_many_writes_every_row_in_order(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "t.sqlite")
    store.record_many([TraceRow(provider="openai", model="m", operation=f"op{i}")
                       for i in range(500)])
    rows = store.recent(limit=1000)
    assert len(rows) == 500
    assert rows[0].operation == "op499"


def test_error_text_is_redacted_before_it_is_stored(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "t.sqlite")
    store.record(TraceRow(provider="openai", model="m", status="error",
                          error="bad_key: Incorrect API key provided: sk-proj-abcdef123456 "
                                "for jane@example.com"))
    raw = (tmp_path / "t.sqlite").read_bytes() + (tmp_path / "t.sqlite-wal").read_bytes()
    assert b"sk-proj-abcdef123456" not in raw
    assert b"jane@example.com" not in raw
    assert store.recent()[0].error == "bad_key: Incorrect API key provided: [API_KEY] for [EMAIL]"


def test_two_stores_of_one_file_see_each_others_rows(tmp_path: Path) -> None:
    writer_side = TraceStore(tmp_path / "t.sqlite")
    reader_side = TraceStore(tmp_path / "t.sqlite")
    writer_side.record_many([TraceRow(provider="openai", model="m") for _ in range(50)])
    assert len(reader_side.recent(limit=100)) == 50


def test_rows_from_many_threads_all_land(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = TraceStore(tmp_path / "t.sqlite")

    def record_hundred(thread: int) -> None:
        for index in range(100):
            store.record(TraceRow(provider="openai", model="m", operation=f"{thread}-{index}"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record_hundred, range(8)))
    assert len({row.operation for row in store.recent(limit=2000)}) == 800


def test_rows_recorded_just_before_exit_are_not_lost(tmp_path: Path, repo_root: Path) -> None:
    import subprocess
    import sys

    script = (
        "from pathlib import Path\n"
        "from shared.tracing import TraceRow, TraceStore\n"
        f"store = TraceStore(Path({str(tmp_path / 't.sqlite')!r}))\n"
        "store.record_many([TraceRow(provider='openai', model='m') for _ in range(3000)])\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=repo_root, timeout=60)
    assert len(TraceStore(tmp_path / "t.sqlite").recent(limit=5000)) == 3000


def test_trace_operation_records_a_baseline_run_without_text(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite")
    with trace_operation(store, product="rag_search", operation="ask", engine="extractive") as row:
        row.items = 3
    with pytest.raises(ValueError), trace_operation(
            store, product="rag_search", operation="ask", engine="extractive"):
        raise ValueError("secret question text")
    failed, ok = store.recent()
    assert (ok.provider, ok.model, ok.items, ok.status) == (LOCAL_PROVIDER, "extractive", 3, "ok")
    assert ok.latency_ms >= 0 and failed.status == "error" and failed.error == "ValueError"


def test_a_store_written_before_items_existed_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE calls (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL,"
                     " product TEXT NOT NULL, operation TEXT NOT NULL, provider TEXT NOT NULL,"
                     " model TEXT NOT NULL, latency_ms REAL NOT NULL, input_tokens INTEGER NOT"
                     " NULL, output_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, cache_hit"
                     " INTEGER NOT NULL, status TEXT NOT NULL, error TEXT)")
    store = TraceStore(path)
    store.record(TraceRow(provider="openai", model="m", items=2))
    assert store.recent()[0].items == 2
