"""`aipm resume rank` on 1 résumé × 100 postings against one single-pair `aipm resume analyze`.

Both are fresh CLI processes (start-up and embedder load included), timed in the same run;
the ratio says what one ranked posting costs beside a whole single-pair call. The postings
are the kit's five sample JDs, copied 20 times into a temporary folder. Target: <= 10 s.

    python -m benchmarks.resume_rank
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks._subprocess_timing import measure

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "products" / "resume_assistant" / "data"
RESUME = DATA / "resumes" / "maya_okafor_product_manager.md"
POSTINGS = 100
RUNS = 3


def main() -> None:
    jobs = sorted((DATA / "jobs").iterdir())
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "postings"
        target.mkdir()
        for number in range(POSTINGS):
            source = jobs[number % len(jobs)]
            shutil.copy(source, target / f"{number:03d}_{source.name}")
        env = {**os.environ, "AIPM_DATA_DIR": str(Path(folder) / "data"),
               "PYTHONPATH": str(ROOT)}
        cli = [sys.executable, "-c", "from frontdoors.cli import main; main()", "--", "resume"]
        times = measure({
            "analyze (1 pair)": [*cli, "analyze", str(RESUME), "--jd", str(jobs[0]), "--json"],
            f"rank (1 x {POSTINGS})": [*cli, "rank", str(RESUME), str(target), "--json"],
        }, RUNS, env)
    single = times["analyze (1 pair)"]
    sys.stdout.write("| command | median s | ratio vs single pair | per posting s |\n")
    sys.stdout.write("|---|---:|---:|---:|\n")
    for name, seconds in times.items():
        count = POSTINGS if name.startswith("rank") else 1
        sys.stdout.write(f"| {name} | {seconds:.2f} | {seconds / single:.2f} | "
                         f"{seconds / count:.3f} |\n")


if __name__ == "__main__":
    main()
