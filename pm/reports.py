"""`make reports`: regenerate every committed report with one command, all or nothing.

Every eval report, every stress report and the portfolio are rebuilt into a staging folder
that mirrors the repository (`<tmp>/products/rag_search/evals/report.md`, ...). Each run is
a fresh `aipm` process with its own empty data dir and no LLM (`AIPM_PROVIDER=none`: the
committed reports are the offline engines' numbers, the ones a fresh clone reproduces).
Only when every run succeeded are the files moved into the repository; one failure leaves
every committed file as it was. A new file that differs from the committed one only in its
dates keeps the committed file, so regenerating an unchanged tree changes nothing in git
and "the reports reproduce" is `make reports && git diff --exit-code`.

Run it as `python -m pm.reports` (what `make reports` calls); `--only` picks jobs
by name, `--check` reports what differs without moving anything. It prints one line per job
(job i of n, time since the start); Ctrl-C stops it with every committed file as it was
(exit code 130).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from products import PRODUCTS_DIR, available_products

REPO_ROOT = PRODUCTS_DIR.parent
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RATE_HEADER = re.compile(r"rows/s|per second", re.IGNORECASE)
NUMBER = re.compile(r"\d[\d,.]*")
CLI = "from frontdoors.cli import main; main()"
PORTFOLIO_DIR = Path("docs") / "case-study"
INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C


@dataclass(frozen=True)
class Job:
    """One report: where it is committed (relative to the repo) and the `aipm` args that
    write it; `{out}` in the args is the staging path of that file."""

    name: str
    output: Path
    args: tuple[str, ...] = ()
    extra_outputs: tuple[Path, ...] = field(default_factory=tuple)
    needs: tuple[Path, ...] = ()  # public data read at run time; absent -> the job is skipped

    def missing(self) -> list[Path]:
        return [path for path in self.needs if not path.exists()]


def product_jobs() -> list[Job]:
    """The eval and stress report of every built product, plus RAG's two other corpora."""
    jobs = []
    for spec in available_products():
        evals = Path("products") / spec.name / "evals"
        if spec.eval_command:
            jobs.append(Job(f"eval-{spec.cli_name}", evals / "report.md",
                            ("eval", spec.cli_name, "--report", "{out}")))
        for corpus in ("techdocs", "handbook"):  # extra corpora: scored, never tuned on
            if (REPO_ROOT / evals / f"{corpus}.jsonl").is_file():
                jobs.append(Job(f"eval-{spec.cli_name}-{corpus}", evals / f"report-{corpus}.md",
                                ("eval", spec.cli_name, "--eval-set",
                                 str(evals / f"{corpus}.jsonl"), "--data", str(evals / corpus),
                                 "--report", "{out}")))
        if (REPO_ROOT / "products" / spec.name / "stress.py").is_file():
            jobs.append(Job(f"stress-{spec.cli_name}", evals / "stress.md",
                            ("stress", spec.cli_name, "--report", "{out}")))
    return jobs


def realdata_dir() -> Path:
    """Public labelled sets, never in the repo: `AIPM_REALDATA`, else `../shared/realdata`."""
    return Path(os.environ.get("AIPM_REALDATA") or REPO_ROOT.parent / "shared" / "realdata")


def extra_eval_jobs() -> list[Job]:
    """Reports beyond each product's golden set: the kit's own extra sets, and the public
    sets (read from `realdata_dir()` at run time; on a clone without them the job is
    skipped and the committed numbers stay)."""
    data, products = realdata_dir(), Path("products")
    sentiment = [data / "sentiment" / f"{name}.csv" for name in
                 ("amazon_cells_labelled", "imdb_labelled", "yelp_labelled", "sentiment140_test")]
    pairs = data / "resume" / "pairs.jsonl"
    squad = data / "squad2_train" / "train-subset-v2.0.json"
    jobs = [
        Job("eval-rag-conversation", products / "rag_search/evals/report-conversation.md",
            ("eval", "rag", "--set", "conversation", "--baseline", "--report", "{out}")),
        Job("eval-resume-guard", products / "resume_assistant/evals/guard_report.md",
            ("eval", "resume", "--guard", "--report", "{out}")),
        Job("eval-feedback-datasets", products / "feedback_analyzer/evals/datasets.md",
            ("eval", "feedback", *[a for path in sentiment for a in ("--dataset", str(path))],
             "--report", "{out}"), needs=tuple(sentiment)),
    ]
    jobs += [Job(f"eval-resume-pairs-{split}",
                 products / f"resume_assistant/evals/pairs_{split}.md",
                 ("eval", "resume", "--pairs", str(pairs), "--split", split, "--report", "{out}"),
                 needs=(pairs,)) for split in ("tune", "heldout", "all")]
    if (REPO_ROOT / products / "rag_search/evals/report-squad2-tune.md").is_file():
        jobs += [Job(f"eval-rag-squad2-{split}",
                     products / f"rag_search/evals/report-squad2-{split}.md",
                     ("eval", "rag", "--baseline", "--squad", str(squad), "--split", split,
                      "--report", "{out}"), needs=(squad,)) for split in ("tune", "heldout")]
    return jobs


def portfolio_job() -> Job:
    """The one-file case study of every product, built from the staged reports."""
    return Job("portfolio", PORTFOLIO_DIR / "portfolio.html",
               extra_outputs=(PORTFOLIO_DIR / "portfolio.md",))


def all_jobs() -> list[Job]:
    return [*product_jobs(), *extra_eval_jobs(), portfolio_job()]


def clean_env(data_dir: Path) -> dict[str, str]:
    """The environment of one run: the kit's source on the path, a fresh data dir, no LLM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIPM_")}
    env.update(AIPM_DATA_DIR=str(data_dir), AIPM_PROVIDER="none",
               PYTHONPATH=str(REPO_ROOT), ANONYMIZED_TELEMETRY="False")
    return env


def run_cli_job(job: Job, stage: Path) -> None:
    """One `aipm` process; a non-zero exit raises with the tail of what it printed."""
    out = stage / job.output
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [a.replace("{out}", str(out)) for a in job.args]
    with tempfile.TemporaryDirectory(prefix="aipm-reports-data-") as data_dir:
        done = subprocess.run([sys.executable, "-c", CLI, *args], cwd=REPO_ROOT,
                              env=clean_env(Path(data_dir)), capture_output=True, text=True,
                              check=False)
    if done.returncode != 0 or not out.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{job.name} (aipm {' '.join(args)}) failed: {' | '.join(tail)}")


def run_portfolio_job(job: Job, stage: Path) -> None:
    """The portfolio reads the staged reports, so it shows what this run measured."""
    from pm.portfolio_all import write_portfolio
    from shared.config import load_settings

    roots = {spec.name: _staged_product(stage, spec.name) for spec in available_products()}
    with tempfile.TemporaryDirectory(prefix="aipm-reports-data-") as data_dir:
        settings = load_settings().model_copy(update={"data_dir": Path(data_dir)})
        write_portfolio(roots, stage / job.output.parent, settings)


def _staged_product(stage: Path, name: str) -> Path:
    """A product folder in the stage: the committed PM files, the freshly staged reports."""
    staged = stage / "products" / name
    (staged / "evals").mkdir(parents=True, exist_ok=True)
    source = PRODUCTS_DIR / name
    for relative in ("PRD.md", "DECISIONS.md", "stress.py", "evals/metrics.toml"):
        if (source / relative).is_file() and not (staged / relative).exists():
            shutil.copy2(source / relative, staged / relative)
    for report in (source / "evals").glob("*.md"):  # a report no job writes stays as committed
        if not (staged / "evals" / report.name).exists():
            shutil.copy2(report, staged / "evals" / report.name)
    return staged


def same_but_dates(new: str, old: str) -> bool:
    """Equal once every YYYY-MM-DD and every speed is masked: the same numbers, measured on
    another day (speeds are this machine's, different on every run; see `_speeds_masked`)."""
    return _masked(new) == _masked(old)


def _masked(text: str) -> str:
    return _speeds_masked(DATE.sub("DATE", text))


def _speeds_masked(text: str) -> str:
    """Numbers in a table whose header names a rate ("rows/s") become N: a report that
    states its speed still reproduces when the machine is busier."""
    lines, in_speed_table = [], False
    for line in text.splitlines():
        if not line.startswith("|"):
            in_speed_table = False
        elif RATE_HEADER.search(line) and not in_speed_table:
            in_speed_table = True
        elif in_speed_table:
            line = NUMBER.sub("N", line)
        lines.append(line)
    return "\n".join(lines)


def outputs(job: Job) -> list[Path]:
    return [job.output, *job.extra_outputs]


def plan_moves(jobs: Sequence[Job], stage: Path, repo: Path) -> list[Path]:
    """The files whose new version differs from the committed one by more than dates."""
    changed = []
    for job in jobs:
        for relative in outputs(job):
            new, old = stage / relative, repo / relative
            if not old.is_file() or not same_but_dates(new.read_text(encoding="utf-8"),
                                                       old.read_text(encoding="utf-8")):
                changed.append(relative)
    return changed


Runner = Callable[[Job, Path], None]


class Cancelled(RuntimeError):
    """Ctrl-C during the runs: the stage is dropped and no committed report was touched."""


def regenerate(jobs: Sequence[Job], repo: Path = REPO_ROOT, *, check: bool = False,
               runner: Runner | None = None,
               log: Callable[[str], None] | None = None) -> list[Path]:
    """Run every job into a staging dir; move the changed files only when all succeeded.

    Returns the files that changed (moved, or with `check`, that would be). A failing job
    raises `RuntimeError` after the others ran, and nothing is moved; a Ctrl-C during the
    runs raises `Cancelled` (the running `aipm` child gets the same Ctrl-C and stops), and
    nothing is moved either. Each job logs one line: job i of n, time since the start.
    """
    say = log or _say
    with tempfile.TemporaryDirectory(prefix="aipm-reports-") as tmp:
        stage = Path(tmp)
        skipped = [job for job in jobs if job.missing()]
        for job in skipped:
            say(f"- {job.name}: skipped, needs {job.missing()[0]} (the committed report stays)")
        jobs = [job for job in jobs if job not in skipped]
        _run_all(jobs, stage, runner or _default_runner, say)
        changed = plan_moves(jobs, stage, repo)
        if not check:
            _move_all(changed, stage, repo)
    return changed


def _run_all(jobs: Sequence[Job], stage: Path, runner: Runner, say: Callable[[str], None]) -> None:
    """Every job into the stage, one progress line each; failures are gathered, a Ctrl-C
    stops at once."""
    started, failures = time.monotonic(), []
    for number, job in enumerate(jobs, start=1):
        say(progress_line(number, len(jobs), job, time.monotonic() - started))
        try:
            runner(job, stage)
        except KeyboardInterrupt:
            raise Cancelled(f"Cancelled during job {number} of {len(jobs)} ({job.name}): no "
                            "report was moved; the committed reports are as they were.") from None
        except Exception as err:  # every job runs, so one report shows every failure
            failures.append(f"{job.name}: {err}")
    if failures:
        raise RuntimeError("No report was moved; failed: " + "; ".join(failures))


def progress_line(number: int, total: int, job: Job, elapsed: float) -> str:
    """ "[3/17] eval-rag-techdocs: products/rag_search/evals/report-techdocs.md (1:05 in)" """
    minutes, seconds = divmod(int(elapsed), 60)
    return f"[{number}/{total}] {job.name}: {job.output} ({minutes}:{seconds:02d} in)"


def _move_all(changed: Sequence[Path], stage: Path, repo: Path) -> None:
    """The moves, with Ctrl-C held off: they take milliseconds, and half of them done would
    be the one state `make reports` promises never to leave (some reports new, some old)."""
    previous = _hold_interrupts()
    try:
        for relative in changed:
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(stage / relative, repo / relative)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _hold_interrupts() -> Any:
    """Ignore SIGINT (main thread only); returns the handler to put back, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.SIG_IGN)


def _default_runner(job: Job, stage: Path) -> None:
    (run_portfolio_job if job.name == "portfolio" else run_cli_job)(job, stage)


def sync_prds() -> list[str]:
    """`aipm prd sync` for every product with a metrics spec: the PRD block follows the report."""
    from pm.facts import product_paths
    from pm.prd_sync import sync_paths

    synced = []
    for spec in available_products():
        paths = product_paths(spec.name)
        if paths.metrics_spec.is_file() and paths.prd.is_file():
            path, changed = sync_paths(paths)
            synced += [path] if changed else []
    return synced


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="job names (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temp dir and list what differs; move nothing")
    options = parser.parse_args(argv)
    jobs = [j for j in all_jobs() if not options.only or j.name in options.only]
    if options.only and len(jobs) != len(options.only):
        names = ", ".join(j.name for j in all_jobs())
        sys.stderr.write(f"Unknown job in --only; the jobs are: {names}\n")
        return 2
    try:
        changed = regenerate(jobs, check=options.check)
    except Cancelled as err:
        sys.stderr.write(f"{err}\n")
        return INTERRUPTED
    except RuntimeError as err:
        sys.stderr.write(f"{err}\n")
        return 1
    synced = [] if options.check else sync_prds()
    verb = "differ from the committed ones" if options.check else "updated"
    _say(f"{len(jobs)} report(s) regenerated; {len(changed)} {verb}"
         + "".join(f"\n  {path}" for path in changed)
         + "".join(f"\n  {path}: metrics block synced" for path in synced))
    return 1 if options.check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["Cancelled", "Job", "all_jobs", "plan_moves", "product_jobs", "progress_line",
           "regenerate", "same_but_dates"]
