"""The RAG benchmark runs end to end on a tiny corpus, and `--store` reuses what it built.

No speed is asserted (the machine is shared): only that every table and row a reader relies on
is printed, that the second run with the same `--store` skips the ingest instead of redoing it,
and that a different corpus in the same folder is rebuilt rather than silently reused.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks._rag_stages import ASK_STAGES, GATE_STAGES, HYBRID_STAGES

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "rag_search.py"
TINY = ["--chunks", "240", "--queries", "24", "--ask", "4", "--stages", "6"]


def run_bench(*args: str) -> tuple[str, str]:
    """A fresh process per run, as the benchmark is used (Chroma keeps one client per folder
    per process, so rebuilding a folder under a live client is not something a run does)."""
    done = subprocess.run([sys.executable, str(SCRIPT), *TINY, *args], capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def test_bench_prints_every_table_and_reuses_its_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first, _ = run_bench("--store", str(store))
    rows = ["load average at start", "raw Chroma add (anchor)", "kit search hybrid k=5",
            "reading all 40 (before)", "kit run_search hybrid k=5", "kit ask() extractive k=5",
            *HYBRID_STAGES, *GATE_STAGES, *ASK_STAGES, "sum of the hybrid stages",
            "hybrid query p95", "learned gate adds", "x raw Chroma add", "load average at end"]
    for line in rows:
        assert line in first, line
    assert (store / "built.json").is_file()

    second, log = run_bench("--store", str(store))
    assert "reusing the collections" in log
    assert "raw Chroma add (anchor)" not in second
    assert "ingest: not measured (collections reused from --store)" in second
    assert "kit search hybrid k=5" in second

    other, log = run_bench("--seed", "8", "--store", str(store))
    assert "reusing" not in log and "raw Chroma add (anchor)" in other
