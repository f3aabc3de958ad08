"""Checkpoints for long LLM runs: finished rows are appended (and flushed) as they land, so a
run killed half-way and restarted with `--resume` sends only what is left, and writes the same
output as an uninterrupted run (the output is rebuilt from the file in input order).

A checkpoint is keyed by the input file (path, size), the model, the taxonomy and the prompt
version: change any of them and the run starts fresh instead of mixing answers.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from products.feedback_analyzer.core.models import RowAnalysis
from shared.config import Settings

FOLDER = "feedback_checkpoints"


def run_key(path: Path, model: str, aspects: list[str], prompt: str) -> str:
    """What makes two runs the same run."""
    stat = path.stat()
    parts = [str(path.resolve()), str(stat.st_size), model, ",".join(aspects), prompt]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=10).hexdigest()


class Checkpoint:
    """Append-only JSONL of `{"key": text key, ...RowAnalysis}` for ok rows."""

    def __init__(self, settings: Settings, key: str) -> None:
        self.path = settings.data_path(FOLDER, f"{key}.jsonl")

    def load(self) -> dict[str, RowAnalysis]:
        """Finished rows from an earlier run; a torn last line (killed mid-write) is ignored."""
        if not self.path.exists():
            return {}
        done = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            key = record.pop("key")
            done[key] = RowAnalysis.model_validate(record)
        return done

    def append(self, results: dict[str, RowAnalysis]) -> None:
        lines = "".join(json.dumps({"key": k, **v.model_dump()}, ensure_ascii=False) + "\n"
                        for k, v in results.items() if v.status == "ok")
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


__all__ = ["Checkpoint", "run_key"]
