"""The keyless engine in worker processes: the same rows, the same order, a stop that loses
nothing, and Ctrl-C left to the parent."""

from __future__ import annotations

import csv
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdoors.cli import build_app
from products import available_products
from products.feedback_analyzer.core import parallel, pipeline
from products.feedback_analyzer.core.aspects import AspectTagger
from products.feedback_analyzer.core.baseline import BaselineEngine
from products.feedback_analyzer.core.models import FeedbackRow
from products.feedback_analyzer.core.reader import open_table

CHUNK = 50


def chunks_of(count: int) -> list[list[FeedbackRow]]:
    rows = [FeedbackRow(row_id=str(i), line=i + 1,
                        text=f"review {i}: the app is {'great' if i % 2 else 'slow'}")
            for i in range(1, count + 1)]
    return [rows[i:i + CHUNK] for i in range(0, count, CHUNK)]


def label_with_pid(chunk: list[FeedbackRow]) -> list[str]:
    return [f"{row.row_id}@{os.getpid()}" for row in chunk]


def test_workers_return_every_chunk_in_input_order_from_other_processes() -> None:
    got = list(parallel.labelled_chunks(chunks_of(500), label_with_pid, workers=2))
    ids = [label.split("@")[0] for _, labels in got for label in labels]
    assert ids == [str(i) for i in range(1, 501)]
    pids = {label.split("@")[1] for _, labels in got for label in labels}
    assert str(os.getpid()) not in pids and len(pids) >= 1


def test_a_single_chunk_is_labelled_without_a_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(method: str) -> None:
        raise AssertionError(f"forked ({method}) for one chunk")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    [(chunk, labels)] = list(parallel.labelled_chunks(chunks_of(CHUNK), label_with_pid, 2))
    assert labels == [f"{row.row_id}@{os.getpid()}" for row in chunk]


def test_a_stop_hands_out_no_new_chunk_and_yields_every_one_handed_out() -> None:
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 3  # three chunks handed out, then stop

    got = list(parallel.labelled_chunks(chunks_of(500), label_with_pid, 2, stop))
    assert [len(labels) for _, labels in got] == [CHUNK] * 3
    assert [row.row_id for chunk, _ in got for row in chunk] == [str(i) for i in range(1, 151)]


def interrupt_myself(chunk: list[FeedbackRow]) -> list[str]:
    os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does to every process of the group
    return label_with_pid(chunk)


def test_a_worker_ignores_ctrl_c() -> None:
    try:
        got = list(parallel.labelled_chunks(chunks_of(200), interrupt_myself, workers=2))
    except KeyboardInterrupt:
        pytest.fail("a worker died of Ctrl-C (its chunk came back as KeyboardInterrupt)")
    assert sum(len(labels) for _, labels in got) == 200


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 2), (16, parallel.MAX_AUTO_WORKERS)])
def test_auto_workers_is_one_per_usable_core_capped(monkeypatch: pytest.MonkeyPatch,
                                                    cores: int, workers: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert parallel.auto_workers() == workers


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_pipeline_writes_the_same_csv_with_workers(sample_csv: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    original = pipeline.chunked
    monkeypatch.setattr(pipeline, "chunked", lambda rows, size: original(rows, 64))
    outputs = []
    for workers in (1, 3):
        table = open_table(sample_csv)
        engine = BaselineEngine(AspectTagger({"speed": ["slow", "fast"], "look": ["screen"]}))
        out = tmp_path / f"w{workers}.csv"
        outcome = pipeline.stream_analysis(table, engine, out, workers=workers)
        outputs.append((read_csv(out), outcome.counts.sentiment, outcome.statuses))
    assert outputs[0] == outputs[1] and len(outputs[0][0]) == 521


def test_the_cli_runs_one_worker_per_core_unless_told(sample_csv: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    original = pipeline.stream_analysis

    def spy(*args, **kwargs):
        seen.append(kwargs["workers"])
        return original(*args, **kwargs)

    monkeypatch.setattr("products.feedback_analyzer.core.service.stream_analysis", spy)
    monkeypatch.setattr(parallel, "auto_workers", lambda: 3)
    app = build_app(available_products())
    for extra in ([], ["--workers", "1"]):
        result = CliRunner().invoke(app, ["feedback", "analyze", str(sample_csv), "--json",
                                          "--out", str(tmp_path / "o.csv"), *extra])
        assert result.exit_code == 0, result.output
    assert seen == [3, 1]


PARENT = os.getpid()


def die_in_a_worker(chunk: list[FeedbackRow]) -> list[str]:
    if os.getpid() != PARENT and chunk[0].row_id == "101":
        os._exit(1)  # a worker killed mid-run (out of memory, kill -9)
    return label_with_pid(chunk)


def test_a_dead_worker_loses_no_chunk_the_parent_labels_the_rest() -> None:
    got = list(parallel.labelled_chunks(chunks_of(500), die_in_a_worker, workers=2))
    ids = [label.split("@")[0] for _, labels in got for label in labels]
    assert ids == [str(i) for i in range(1, 501)]
    assert any(label.endswith(f"@{PARENT}") for _, labels in got for label in labels)
