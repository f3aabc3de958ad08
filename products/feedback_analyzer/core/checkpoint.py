"""Checkpoints for long LLM runs: finished rows are appended (and fsynced) as they land, so a
run killed half-way and restarted with `--resume` sends only what is left, and writes the same
output as an uninterrupted run (the output is rebuilt from the file in input order).

A checkpoint is keyed by the input file (path, size), the model, the taxonomy and the prompt
version: change any of them and the run starts fresh instead of mixing answers.

Each record is one line, `<crc32 of the JSON, 8 hex> <JSON>\\n`, so a crash or a full disk in
the middle of an append can only tear the last line: `load` keeps every line whose checksum
holds, drops the torn tail, and cuts the file back to its last whole line so the next append
starts on a fresh line (before, the first record of the next batch was glued to the torn one
and lost). An append that fails part-way truncates what it wrote before it re-raises.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zlib
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from products.feedback_analyzer.core.models import RowAnalysis
from shared.config import Settings

FOLDER = "feedback_checkpoints"
log = logging.getLogger(__name__)


def run_key(path: Path, model: str, aspects: list[str], prompt: str) -> str:
    """What makes two runs the same run."""
    stat = path.stat()
    parts = [str(path.resolve()), str(stat.st_size), model, ",".join(aspects), prompt]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=10).hexdigest()


def encode_record(key: str, analysis: RowAnalysis) -> bytes:
    """One checkpoint line: the checksum of the JSON, a space, the JSON, a newline."""
    body = json.dumps({"key": key, **analysis.model_dump()}, ensure_ascii=False).encode()
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_record(line: bytes) -> tuple[str, RowAnalysis] | None:
    """The record on one whole line, or None when the line is torn or damaged.

    A line starting with `{` is the format before checksums (a checkpoint written by an older
    kit), read as plain JSON so `--resume` keeps working across the upgrade.
    """
    if line.startswith(b"{"):
        body = line
    else:
        checksum, _, body = line.partition(b" ")
        if len(checksum) != 8 or f"{zlib.crc32(body):08x}".encode() != checksum:
            return None
    try:
        record = json.loads(body)
        key = record.pop("key")
        return str(key), RowAnalysis.model_validate(record)
    except (ValueError, TypeError, AttributeError, KeyError, ValidationError):
        return None


class Checkpoint:
    """Append-only file of checksummed `{"key": text key, ...RowAnalysis}` lines for ok rows."""

    def __init__(self, settings: Settings, key: str) -> None:
        self.path = settings.data_path(FOLDER, f"{key}.jsonl")

    def load(self) -> dict[str, RowAnalysis]:
        """Finished rows from an earlier run; torn or damaged lines are dropped (those rows are
        sent again) and a torn tail is cut off so appends start on a whole line."""
        if not self.path.exists():
            return {}
        data = self.path.read_bytes()
        whole, _, tail = data.rpartition(b"\n")
        done, dropped = {}, 0
        for line in whole.split(b"\n") if whole else []:
            record = decode_record(line)
            if record is None:
                dropped += 1
                continue
            done[record[0]] = record[1]
        if tail:
            self._truncate(len(data) - len(tail))
            dropped += 1
        if dropped:
            log.warning("Checkpoint %s: %d torn or damaged line(s) dropped; those rows are sent "
                        "again.", self.path.name, dropped)
        return done

    def append(self, results: dict[str, RowAnalysis]) -> None:
        """Add the ok rows as whole lines, fsynced; on a failed write nothing partial stays."""
        lines = b"".join(encode_record(k, v) for k, v in results.items() if v.status == "ok")
        if not lines:
            return
        with self.path.open("ab") as handle:
            start = handle.tell()
            try:
                handle.write(lines)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                self._cut(handle, start)
                raise

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def _truncate(self, size: int) -> None:
        with self.path.open("r+b") as handle:
            self._cut(handle, size)

    def _cut(self, handle: BinaryIO, size: int) -> None:
        """Best effort: drop what follows `size` (on a full disk this may fail too; then the
        checksum makes `load` drop the torn line on resume)."""
        try:
            handle.truncate(size)
            os.fsync(handle.fileno())
        except (OSError, ValueError) as err:
            log.warning("Checkpoint %s: could not cut a torn line (%s)", self.path.name, err)


__all__ = ["Checkpoint", "decode_record", "encode_record", "run_key"]
