"""A crash or a full disk in the middle of a checkpoint append loses no finished row: each line
carries a checksum, a torn last line is dropped on resume (that row is sent again) and cut off
so the next append starts on a whole line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from products.feedback_analyzer.core.checkpoint import Checkpoint, encode_record
from products.feedback_analyzer.core.models import RowAnalysis
from shared.config import Settings


def rows(*keys: str) -> dict[str, RowAnalysis]:
    return {key: RowAnalysis(sentiment="positive", sentiment_score=0.5, reason=f"r {key}")
            for key in keys}


@pytest.fixture
def checkpoint(tmp_path: Path) -> Checkpoint:
    return Checkpoint(Settings(data_dir=tmp_path), "run")


def test_a_torn_last_line_is_dropped_and_the_next_append_starts_on_a_whole_line(
        checkpoint: Checkpoint) -> None:
    checkpoint.append(rows("a", "b"))
    with checkpoint.path.open("ab") as handle:  # killed half-way through the line for "c"
        handle.write(encode_record("c", rows("c")["c"])[:30])
    assert set(checkpoint.load()) == {"a", "b"}  # "c" is sent again
    checkpoint.append(rows("c", "d"))
    assert checkpoint.load() == rows("a", "b", "c", "d")


def test_a_line_torn_where_it_is_still_valid_json_is_refused_by_its_checksum(
        checkpoint: Checkpoint) -> None:
    checkpoint.append(rows("a"))
    line = encode_record("b", RowAnalysis(sentiment="negative", sentiment_score=-0.25))
    damaged = line.replace(b"-0.25", b"-0.2")  # a digit lost: still JSON, still a RowAnalysis
    with checkpoint.path.open("ab") as handle:
        handle.write(damaged)
    assert set(checkpoint.load()) == {"a"}


def test_a_write_that_fails_part_way_leaves_no_partial_line(
        checkpoint: Checkpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    checkpoint.append(rows("a"))
    real_fsync = os.fsync
    calls = {"n": 0}

    def full_disk(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        checkpoint.append(rows("b", "c"))
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert checkpoint.path.read_bytes() == encode_record("a", rows("a")["a"])
    checkpoint.append(rows("b"))
    assert checkpoint.load() == rows("a", "b")


def test_a_checkpoint_from_before_checksums_still_resumes(checkpoint: Checkpoint) -> None:
    import json

    legacy = json.dumps({"key": "a", **rows("a")["a"].model_dump()}) + "\n"
    checkpoint.path.write_text(legacy + '{"key": "b", "sentim', encoding="utf-8")
    assert checkpoint.load() == rows("a")
