"""`aipm feedback ...` (and `python -m products.feedback_analyzer ...`): analyze, estimate,
taxonomy, collect; `run_eval` is mounted as `aipm eval feedback`.

Thin: each command turns its flags into `AnalyzeOptions`, calls the core, and prints one JSON
object (`--json`) or a short readable view. Heavy imports happen inside the commands, because
`aipm --help` imports this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shared.cli_support import emit_json, fail
from shared.errors import AIPMError
from shared.progress import WorkControl, terminal_progress

if TYPE_CHECKING:
    from shared.config import Settings

app = typer.Typer(no_args_is_help=True,
                  help="Feedback analyzer: label, theme and summarise a CSV/XLSX of feedback.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
FileArg = Annotated[Path, typer.Argument(help="CSV, TSV or XLSX export of feedback.")]
TextColumn = Annotated[str | None, typer.Option(help="Column holding the feedback text "
                                                     "(default: the longest free-text column).")]
Sheet = Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")]
EngineOption = Annotated[str, typer.Option(help="auto (LLM when a provider is configured), "
                                                "baseline or llm.")]
TaxonomyOption = Annotated[Path | None, typer.Option(help="Edited taxonomy JSON (see `aipm "
                                                          "feedback taxonomy`).")]


def _settings() -> Settings:
    from shared.config import load_settings

    return load_settings()


def _options(**values: Any) -> Any:
    from products.feedback_analyzer.core.service import AnalyzeOptions
    from shared.errors import BadInput

    if values.get("engine") not in ("auto", "baseline", "llm"):
        raise BadInput(f"--engine must be auto, baseline or llm; got '{values.get('engine')}'.")
    return AnalyzeOptions(**values)


@app.command()
def analyze(
    file: FileArg,
    text_column: TextColumn = None,
    sheet: Sheet = None,
    engine: EngineOption = "auto",
    out: Annotated[Path | None, typer.Option(help="Output CSV (default: FILE.analyzed.csv).")]
    = None,
    taxonomy: TaxonomyOption = None,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted LLM run without "
                                              "redoing finished rows.")] = False,
    max_cost: Annotated[float | None, typer.Option(help="Stop before the LLM run would cost "
                                                        "more than this many USD.")] = None,
    rows_per_request: Annotated[int, typer.Option(min=1, max=100, help="Rows per LLM "
                                                                       "request.")] = 20,
    batch_api: Annotated[bool, typer.Option(help="Send through the provider's batch endpoint "
                                                 "(half price); then `aipm feedback collect "
                                                 "JOB`.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Column to split the summary, charts "
                                               "and backlog by (default: a product, plan, "
                                               "channel or version column when found).")]
    = None,
    report: Annotated[Path | None, typer.Option(help="Also write the PM report (themes, "
                                                     "summary, RICE backlog) as Markdown.")]
    = None,
    workers: Annotated[int, typer.Option(min=0, max=64, help="Processes labelling rows with "
                                                             "the keyless engine (0: one per "
                                                             "core, at most 4).")] = 0,
    json_output: JsonFlag = False,
) -> None:
    """Label every row (sentiment, score, aspects, reason) into a CSV that keeps every column."""
    from products.feedback_analyzer.core.parallel import auto_workers
    from products.feedback_analyzer.core.service import analyze_file

    try:
        options = _options(text_column=text_column, sheet=sheet, engine=engine, out=out,
                           taxonomy=taxonomy, resume=resume, max_cost=max_cost,
                           rows_per_request=rows_per_request, batch_api=batch_api, by=by,
                           workers=workers or auto_workers())
        if batch_api:
            _submit_batch(file, options, json_output)
            return
        control = WorkControl(unit="rows")
        with terminal_progress(control, "Analysing", enabled=not json_output,
                               notice="Stopping after the current chunk of rows (Ctrl-C "
                                      "again to abort)…"):
            result = analyze_file(_settings(), file, options, control=control)
        if report is not None:
            _write_report(result, report)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        payload = result.summary.model_dump(mode="json")
        emit_json(payload | {"cancelled": True} if result.summary.cancelled else payload)
        return
    _render_run(result)


def _write_report(result: Any, path: Path) -> None:
    """Themes, summary and backlog (split by the --by column when there is one) as Markdown."""
    from products.feedback_analyzer.core.report import render_markdown
    from products.feedback_analyzer.core.service import build_report

    path.write_text(render_markdown(build_report(_settings(), result)), encoding="utf-8")


def _submit_batch(file: Path, options: Any, json_output: bool) -> None:
    from products.feedback_analyzer.core.batch_run import submit_batch_run

    run = submit_batch_run(_settings(), file, options)
    if json_output:
        emit_json({"batch_job": run.job.id, "status": run.job.status,
                   "requests": run.job.request_count})
        return
    typer.echo(f"Submitted batch {run.job.id} ({run.job.request_count} requests). Collect it "
               f"with: aipm feedback collect {run.job.id}")


@app.command()
def collect(job: Annotated[str, typer.Argument(help="The batch job id `analyze --batch-api` "
                                                    "printed.")],
            json_output: JsonFlag = False) -> None:
    """Finish a --batch-api run: poll the job and, once complete, write the output CSV."""
    from products.feedback_analyzer.core.batch_run import collect_batch_run

    try:
        control = WorkControl(unit="rows")
        with terminal_progress(control, "Collecting", enabled=not json_output,
                               cancellable=False):
            state, result = collect_batch_run(_settings(), job, control.advance)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if result is None:
        if json_output:
            emit_json({"batch_job": state.id, "status": state.status, "counts": state.counts})
        else:
            typer.echo(f"Batch {state.id} is still {state.status}; run collect again later.")
        return
    if json_output:
        emit_json(result.summary.model_dump(mode="json"))
    else:
        _render_run(result)


def _render_run(result: Any) -> None:
    summary = result.summary
    typer.echo(f"{summary.rows} rows ({result.info.describe()}): {summary.ok} ok, "
               f"{summary.failed} failed, {summary.skipped} skipped; engine {summary.engine}.")
    typer.echo("Sentiment: " + ", ".join(f"{k} {v}" for k, v in summary.counts.items()))
    typer.echo("Aspects: " + (", ".join(f"{k} {v}" for k, v in summary.aspects.items())
                              or "none found"))
    if result.counts.by_group:
        typer.echo(f"By {result.counts.group_column}: " + "; ".join(
            f"{g} {sum(c.values())} rows, {c['negative']} negative"
            for g, c in result.counts.by_group.items()))
    for problem in result.info.problems:
        typer.echo(f"Note: {problem}")
    typer.echo(f"Wrote {summary.output} in {summary.seconds:.1f} s.")
    if summary.cancelled:
        typer.echo(f"Cancelled after {summary.rows:,} rows: the CSV keeps every row labelled "
                   "so far. Run again to do the whole file (an LLM run: add --resume to skip "
                   "the rows already paid for).", err=True)


@app.command()
def estimate(file: FileArg, text_column: TextColumn = None, sheet: Sheet = None,
             json_output: JsonFlag = False) -> None:
    """Rows, tokens, cost and time for the configured model, before anything is sent."""
    from products.feedback_analyzer.core.estimate import estimate_file

    try:
        result = estimate_file(_settings(), file, _options(text_column=text_column, sheet=sheet,
                                                           engine="auto"))
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json(result.model_dump(mode="json"))
        return
    typer.echo(f"{result.rows} rows, {result.unique_texts} distinct texts -> {result.requests} "
               f"requests of {result.rows_per_request} rows; ~{result.input_tokens} input and "
               f"~{result.output_tokens} output tokens.")
    typer.echo(f"Model {result.model or 'none (baseline: free)'}: ~${result.cost_usd:.4f} "
               f"(batch API ~${result.batch_cost_usd:.4f}), ~{result.seconds:.0f} s; "
               f"{result.price_note}.")


@app.command()
def taxonomy(file: FileArg, text_column: TextColumn = None, sheet: Sheet = None) -> None:
    """Print the aspect taxonomy proposed from FILE as JSON: save it, edit it, pass --taxonomy."""
    from products.feedback_analyzer.core.reader import open_table
    from products.feedback_analyzer.core.service import taxonomy_for
    from shared.tables import TableLimits

    try:
        settings = _settings()
        table = open_table(file, text_column=text_column, sheet=sheet,
                           limits=TableLimits.from_settings(settings))
        proposal = taxonomy_for(settings, table, None)
    except AIPMError as err:
        fail(err)
    typer.echo(json.dumps(proposal, indent=2, ensure_ascii=False))


def run_eval(
    json_output: JsonFlag = False,
    report: Annotated[Path | None, typer.Option(help="Where to write the Markdown report "
                                                     "(default: products/feedback_analyzer/"
                                                     "evals/report.md).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Skip the LLM even when one is "
                                                              "configured.")] = False,
    dataset: Annotated[list[Path] | None, typer.Option(
        help="A labelled CSV/XLSX (repeat for several): the keyless engine and plain VADER "
             "side by side instead of the golden set.")] = None,
    text_column: Annotated[str, typer.Option(help="--dataset: the text column.")] = "text",
    label_column: Annotated[str, typer.Option(help="--dataset: the label column "
                                                   "(positive/negative/neutral, 1-5 stars, "
                                                   "-1/0/1 or 0/1).")] = "label",
    split: Annotated[str, typer.Option(help="--dataset: tune, heldout, all, or both (tune "
                                            "and heldout).")] = "both",
) -> None:
    """Golden set through raw VADER, the baseline and (with a provider) the LLM; writes a report.
    With --dataset: external labelled files, kit vs plain VADER (evals/datasets.md).

    Mounted by the platform CLI as `aipm eval feedback`.
    """
    if dataset:
        _eval_datasets(dataset, text_column, label_column, split, report, json_output)
        return
    from products.feedback_analyzer.core.eval_report import write_report
    from products.feedback_analyzer.core.evaluation import REPORT_PATH, llm_labeller
    from products.feedback_analyzer.core.evaluation import run_eval as evaluate

    try:
        settings = _settings()
        labeller, model = (None, None) if baseline else llm_labeller(settings)
        result = evaluate(settings, labeller, model)
        path = write_report(result, report or REPORT_PATH)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({**result.model_dump(mode="json"), "report_path": str(path)})
        return
    for score in result.scores:
        typer.echo(f"{score.engine:17s} {score.split:8s} accuracy {score.sentiment.accuracy:.3f}"
                   f"  macro-F1 {score.sentiment.macro_f1:.3f}")
    typer.echo(f"Wrote {path}")


def _eval_datasets(files: list[Path], text_column: str, label_column: str, split: str,
                   report: Path | None, json_output: bool) -> None:
    """`aipm eval feedback --dataset ...`: every file, one report, progress on stderr."""
    from products.feedback_analyzer.core.dataset_eval import evaluate_dataset, load_dataset
    from products.feedback_analyzer.core.dataset_report import (
        terminal_lines,
        write_dataset_report,
    )
    from products.feedback_analyzer.core.evaluation import PRODUCT_DIR
    from shared.errors import BadInput

    splits = {"both": ("tune", "heldout"), "tune": ("tune",), "heldout": ("heldout",),
              "all": ("all",)}
    try:
        if split not in splits:
            raise BadInput(f"--split must be tune, heldout, all or both; got '{split}'.")
        results, sets = [], []
        for file in files:
            labelled = load_dataset(file, text_column, label_column)
            with _eval_progress(not json_output, labelled.name, len(labelled.rows)) as progress:
                results.append(evaluate_dataset(labelled, splits[split], progress))
            sets.append(labelled)
        path = write_dataset_report(results, report or PRODUCT_DIR / "evals" / "datasets.md")
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({"datasets": [r.model_dump(mode="json") for r in results],
                   "report_path": str(path)})
        return
    for result, labelled in zip(results, sets, strict=True):
        for line in terminal_lines(result, labelled):
            typer.echo(line)
    typer.echo(f"Wrote {path}")


@contextmanager
def _eval_progress(enabled: bool, name: str,
                   rows: int) -> Iterator[Callable[[str, int], None] | None]:
    """One bar per engine for a labelled set (stderr, off for --json)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(f"{name} {{task.description}}"), BarColumn(), MofNCompleteColumn(),
                  transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(engine: str, done: int) -> None:
            if engine not in tasks:
                tasks[engine] = bar.add_task(engine, total=rows)
            bar.update(tasks[engine], completed=done)

        yield update


__all__ = ["app", "run_eval"]
