"""Wall time of `aipm --help` against a bare one-command typer app's `--help`.

Both run as fresh subprocesses of the same interpreter (the venv's `aipm` console script vs
`python bare_app.py`), one warm-up each, then N alternating runs; the table shows medians.
Goal: `aipm --help` under 0.6 s absolute (a PM types it first; a slow CLI feels broken).
The ratio shows what the kit adds over typer itself. Exit code 1 when the goal is missed.

    .venv/bin/python benchmarks/cli_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._subprocess_timing import measure

GOAL_SECONDS = 0.6
BARE_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "PM") -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


app()
'''




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    aipm = str(Path(sys.executable).parent / "aipm")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP)
        env = {**os.environ, "AIPM_DATA_DIR": str(Path(tmp) / "data")}
        medians = measure({"aipm --help": [aipm, "--help"],
                           "bare typer --help": [sys.executable, str(bare), "--help"]},
                          args.runs, env)
    kit, bare_s = medians["aipm --help"], medians["bare typer --help"]
    print(f"{'command':<20} {'median s':>9}")
    for name, seconds in medians.items():
        print(f"{name:<20} {seconds:>9.3f}")
    print(f"ratio aipm / bare typer: {kit / bare_s:.2f}x   goal: aipm --help < {GOAL_SECONDS} s  "
          f"-> {'met' if kit < GOAL_SECONDS else 'MISSED'}")
    return 0 if kit < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
