"""Feedback analyzer benchmarks, each a ratio against an anchor measured in the same run.

1. LLM mode vs a naive one-row-per-call loop, fake provider (own process) at 300 ms per call.
   Goals: 10k rows in <= 60 s and >= 40x faster than the naive loop. The naive loop is timed on
   `--naive-rows` rows and extrapolated linearly (it is sequential: 10k rows would take ~50 min).
2. Baseline through the whole pipeline (read, taxonomy, analyse, write, count) vs a bare VADER
   loop over the same texts. Goals: >= 5,000 rows/s and within 2x of bare VADER.
2b. The whole CLI (`python -m products.feedback_analyzer analyze FILE --engine baseline`, a
   fresh process: start-up, taxonomy, analysis, output) on `--cli-rows` (100k) unique rows vs
   a bare VADER loop over the same texts in its own fresh process, alternating. Goal: the CLI
   runs at >= 0.5x the bare loop's rows/s (issue 23). The CLI runs as users run it (a worker
   process per core, core.parallel) and, for the record, in one process (`--workers 1`).
3. A 1M-row file through the baseline in a child process: peak RSS < 1 GB.
4. Reliability: 10k rows with 5% injected faults (429, 500, hang, malformed, truncated): every row
   exactly once in the output, in order. Then a run killed (SIGKILL) mid-way and resumed gives
   the same output file as an uninterrupted run.

    .venv/bin/python benchmarks/feedback_analyzer.py [--rows 10000] [--skip-million]
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._fake_server import fake_provider_process
from products.feedback_analyzer.core import AnalyzeOptions, analyze_file
from shared.config import Settings, load_settings

RESPONDER = "benchmarks._feedback_responder:label_rows"
PHRASES = ["the parcel arrived late again", "support fixed it in minutes", "the app crashes on "
           "start", "great value for the price", "battery lasts a full week", "the strap broke",
           "login keeps failing", "easy to set up", "refund took a month", "love the new design"]


def write_reviews(path: Path, rows: int, *, stars: bool = True) -> Path:
    """`rows` distinct reviews (a running number keeps every text unique); without `stars` the
    file has no rating column, so the baseline's no-star review rules run on every row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "stars", "review"] if stars else ["id", "review"])
        for i in range(rows):
            a, b = PHRASES[i % 10], PHRASES[(i // 10) % 10]
            review = f"Order {i}: {a}, and {b}."
            writer.writerow([f"r{i}", str(1 + i % 5), review] if stars else [f"r{i}", review])
    return path


def llm_settings(url: str, data_dir: Path, **extra: object) -> Settings:
    return load_settings(provider="openai", openai_api_key="bench", openai_base_url=url + "/v1",
                         data_dir=data_dir, embedder="wordllama", **extra)


def ids_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def bench_llm(folder: Path, rows: int, naive_rows: int) -> list[tuple[str, str]]:
    from products.feedback_analyzer.core.llm_engine import RowLabels, system_prompt
    from shared.llm import get_llm

    source = write_reviews(folder / "llm.csv", rows)
    with fake_provider_process("--latency-ms", "300", "--responder", RESPONDER) as url:
        settings = llm_settings(url, folder / "llm-data")
        started = time.perf_counter()
        result = analyze_file(settings, source, AnalyzeOptions(engine="llm",
                                                               out=folder / "llm-out.csv"))
        batched = time.perf_counter() - started
        llm = get_llm(load_settings(**{**settings.model_dump(), "data_dir": folder / "naive"}),
                      product="bench")
        system = system_prompt(["price", "delivery"])
        started = time.perf_counter()
        for i in range(naive_rows):
            llm.structured(f'{{"id": "r1", "text": "Order {i}: one row"}}', RowLabels,
                           system=system)
        naive = (time.perf_counter() - started) / naive_rows * rows
    return [("LLM mode, rows", f"{rows}"), ("LLM mode, ok rows", f"{result.summary.ok}"),
            ("LLM mode, seconds", f"{batched:.1f} (goal <= 60)"),
            (f"naive loop, seconds (from {naive_rows} rows)", f"{naive:.0f}"),
            ("naive / LLM mode", f"{naive / batched:.0f}x (goal >= 40x)")]


def bench_baseline(folder: Path, rows: int, rounds: int = 5) -> list[tuple[str, str]]:
    """Bare VADER and the pipeline, alternating `rounds` times; medians (the machine is shared,
    so a single pair of timings can land in different load). CPU seconds are shown beside the
    wall clock: other sessions' load moves the wall clock of one side of a pair much more."""
    from statistics import median

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    source = write_reviews(folder / "base.csv", rows)
    no_stars = write_reviews(folder / "base-nostars.csv", rows, stars=False)
    settings = load_settings(data_dir=folder / "base-data", embedder="wordllama")
    with source.open(encoding="utf-8") as handle:
        texts = [row["review"] for row in csv.DictReader(handle)]
    vader = SentimentIntensityAnalyzer()  # the stock library, not the kit's FastVader
    bare, pipeline, pipeline_no_stars = [], [], []
    for _ in range(rounds):
        bare.append(_timed(lambda: _score_each(vader, texts)))
        pipeline.append(_timed(lambda: analyze_file(settings, source, AnalyzeOptions(
            engine="baseline", out=folder / "base-o.csv"))))
        pipeline_no_stars.append(_timed(lambda: analyze_file(settings, no_stars, AnalyzeOptions(
            engine="baseline", out=folder / "base-nostars-o.csv"))))
    wall = sorted(p[0] / b[0] for b, p in zip(bare, pipeline, strict=True))
    cpu = sorted(p[1] / b[1] for b, p in zip(bare, pipeline, strict=True))
    wall_no_stars = sorted(p[0] / b[0] for b, p in zip(bare, pipeline_no_stars, strict=True))
    return [(f"bare VADER loop, rows/s (median of {rounds})",
             f"{median(rows / b[0] for b in bare):,.0f}"),
            (f"baseline pipeline, rows/s (median of {rounds})",
             f"{median(rows / p[0] for p in pipeline):,.0f} (goal >= 5,000)"),
            ("pipeline / bare VADER, wall, median of paired rounds",
             f"{median(wall):.2f}x (goal <= 2x); rounds " + ", ".join(f"{r:.2f}" for r in wall)),
            ("pipeline / bare VADER, CPU seconds, median of paired rounds",
             f"{median(cpu):.2f}x; rounds " + ", ".join(f"{r:.2f}" for r in cpu)),
            ("same, file without a star column (no-star rules on every row), wall",
             f"{median(wall_no_stars):.2f}x; rounds "
             + ", ".join(f"{r:.2f}" for r in wall_no_stars))]


_BARE_VADER = ("import csv, sys\n"
               "from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer\n"
               "vader = SentimentIntensityAnalyzer()\n"
               "with open(sys.argv[1], encoding='utf-8') as handle:\n"
               "    for row in csv.DictReader(handle):\n"
               "        vader.polarity_scores(row['review'])\n")


def bench_cli(folder: Path, rows: int, rounds: int = 3) -> list[tuple[str, str]]:
    """The whole keyless CLI in a fresh process vs a bare VADER loop in a fresh process, both
    reading the same file of `rows` unique reviews (no star column: every rule runs). The CLI
    runs as a user runs it (one worker process per core, `--workers 0`) and in one process
    (`--workers 1`), so the table shows what the cores buy and what one core costs."""
    from statistics import median

    from products.feedback_analyzer.core.parallel import auto_workers

    source = write_reviews(folder / "cli.csv", rows, stars=False)
    env = {**os.environ, "AIPM_DATA_DIR": str(folder / "cli-data"), "AIPM_EMBEDDER": "wordllama",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cli = [sys.executable, "-m", "products.feedback_analyzer", "analyze", str(source),
           "--engine", "baseline", "--json", "--out", str(folder / "cli-o.csv")]
    bare = [sys.executable, "-c", _BARE_VADER, str(source)]
    timed = [(_child_timed(bare, env), _child_timed(cli, env),
              _child_timed([*cli, "--workers", "1"], env)) for _ in range(rounds)]
    ratios = sorted(b[0] / c[0] for b, c, _ in timed)
    one = sorted(b[0] / o[0] for b, _, o in timed)
    cpu_ratios = sorted(b[1] / o[1] for b, _, o in timed)
    return [(f"CLI {rows:,} rows: bare VADER process, rows/s (median of {rounds})",
             f"{median(rows / b[0] for b, _, _ in timed):,.0f}"),
            (f"CLI {rows:,} rows: whole keyless CLI ({auto_workers()} workers, the default), "
             f"rows/s", f"{median(rows / c[0] for _, c, _ in timed):,.0f}"),
            ("CLI rows/s / bare VADER rows/s, median of paired rounds",
             f"{median(ratios):.2f}x (goal >= 0.5x); rounds "
             + ", ".join(f"{r:.2f}" for r in ratios)),
            ("same, the CLI in one process (--workers 1)",
             f"{median(one):.2f}x; rounds " + ", ".join(f"{r:.2f}" for r in one)),
            ("one process, by CPU seconds of each process (steadier on a shared machine)",
             f"{median(cpu_ratios):.2f}x; rounds " + ", ".join(f"{r:.2f}" for r in cpu_ratios)),
            ("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}")]


def _child_timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, user+system CPU seconds) of one fresh run of `command`."""
    from benchmarks._subprocess_timing import time_once

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time_once(command, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _score_each(vader: object, texts: list[str]) -> None:
    """The anchor: a plain loop calling the library once per text, nothing kept."""
    for text in texts:
        vader.polarity_scores(text)  # type: ignore[attr-defined]


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) that `work` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_million(folder: Path) -> list[tuple[str, str]]:
    source = write_reviews(folder / "million.csv", 1_000_000)
    code = ("from products.feedback_analyzer.core import analyze_file, AnalyzeOptions;"
            "from shared.config import load_settings;"
            f"analyze_file(load_settings(data_dir='{folder / 'm-data'}', embedder='wordllama'),"
            f"'{source}', AnalyzeOptions(engine='baseline', out='{folder / 'm-out.csv'}'))")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    written = len(ids_of(folder / "m-out.csv"))
    return [("1M rows: peak RSS", f"{peak_mb:,.0f} MB (goal < 1,024)"),
            ("1M rows: rows written", f"{written:,}"),
            ("1M rows: rows/s", f"{1_000_000 / seconds:,.0f}")]


def bench_faults(folder: Path, rows: int) -> list[tuple[str, str]]:
    source = write_reviews(folder / "faults.csv", rows)
    with fake_provider_process("--error-rate", "0.05", "--hang-s", "3", "--seed", "7",
                               "--responder", RESPONDER) as url:
        settings = llm_settings(url, folder / "faults-data", llm_timeout_s=2.0,
                                llm_max_retries=2)
        result = analyze_file(settings, source, AnalyzeOptions(engine="llm",
                                                               out=folder / "faults-o.csv"))
    exactly_once = ids_of(folder / "faults-o.csv") == ids_of(source)
    return [("5% faults: every row exactly once, in order", str(exactly_once)),
            ("5% faults: ok / failed rows", f"{result.summary.ok} / {result.summary.failed}")]


def bench_kill_resume(folder: Path, rows: int = 3000) -> list[tuple[str, str]]:
    source = write_reviews(folder / "kill.csv", rows)
    with fake_provider_process("--latency-ms", "50", "--responder", RESPONDER) as url:
        analyze_file(llm_settings(url, folder / "whole"), source,
                     AnalyzeOptions(engine="llm", out=folder / "whole.csv"))
        env = {**os.environ, "OPENAI_API_KEY": "bench", "OPENAI_BASE_URL": url + "/v1",
               "AIPM_PROVIDER": "openai", "AIPM_DATA_DIR": str(folder / "killed"),
               "AIPM_EMBEDDER": "wordllama"}
        command = [sys.executable, "-m", "products.feedback_analyzer", "analyze", str(source),
                   "--engine", "llm", "--out", str(folder / "resumed.csv"), "--json"]
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        checkpoints = folder / "killed" / "feedback_checkpoints"
        while child.poll() is None and not any(p.stat().st_size for p in
                                               checkpoints.glob("*.jsonl")):
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
        done = sum(len(p.read_text().splitlines()) for p in checkpoints.glob("*.jsonl"))
        subprocess.run([*command, "--resume"], env=env, check=True, stdout=subprocess.DEVNULL)
    same = (folder / "resumed.csv").read_bytes() == (folder / "whole.csv").read_bytes()
    return [("kill + --resume: rows finished before the kill", f"{done} of {rows}"),
            ("kill + --resume: output identical to an uninterrupted run", str(same))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--naive-rows", type=int, default=40)
    parser.add_argument("--baseline-rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5, help="baseline: paired rounds")
    parser.add_argument("--cli-rows", type=int, default=100_000)
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--only", choices=["llm", "baseline", "cli", "million", "faults", "resume"],
                        help="run one part")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the HTTP client logs every request at INFO
    table: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="aipm-bench-feedback-") as tmp:
        folder = Path(tmp)
        parts = {"llm": lambda: bench_llm(folder, args.rows, args.naive_rows),
                 "baseline": lambda: bench_baseline(folder, args.baseline_rows, args.rounds),
                 "cli": lambda: bench_cli(folder, args.cli_rows),
                 "million": lambda: bench_million(folder),
                 "faults": lambda: bench_faults(folder, args.rows),
                 "resume": lambda: bench_kill_resume(folder)}
        for name, part in parts.items():
            skipped = (args.only and name != args.only) or (name == "million"
                                                            and args.skip_million)
            if not skipped:
                table += part()
    width = max(len(name) for name, _ in table)
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in table:
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
