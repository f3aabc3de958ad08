"""`aipm resume ...` (and `python -m products.resume_assistant ...`): analyze, tailor, letter.

Thin: each command reads the files, calls `core`, and prints one JSON object (`--json`) or a
readable view (`render.py`). Heavy imports happen inside the commands, because `aipm --help`
imports this module.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shared.cli_support import emit_json, fail, show_result
from shared.errors import AIPMError, BadInput

if TYPE_CHECKING:
    from shared.config import Settings

app = typer.Typer(no_args_is_help=True,
                  help="Résumé assistant: match a résumé to a job, tailor it, write the letter.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
ResumeArg = Annotated[Path, typer.Argument(help="Résumé file: PDF, DOCX, MD or TXT.")]
JdOption = Annotated[str, typer.Option("--jd", help="Job description file (MD, TXT, HTML, "
                                                    "PDF) or its pasted text.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write the result to OUT.md or "
                                                              "OUT.docx.")]


def _settings() -> Settings:
    from shared.config import load_settings

    return load_settings()


def _upload(path: Path) -> tuple[str, bytes]:
    if not path.is_file():
        raise BadInput(f"{path} does not exist or is not a file. Check the path and try again.")
    return path.name, path.read_bytes()


def _jd(value: str) -> tuple[str, bytes]:
    """A file path, or pasted text (several words that name no file)."""
    path = _existing_file(value)
    if path is not None:
        return path.name, path.read_bytes()
    if len(value.split()) > 5:
        return "pasted.txt", value.encode("utf-8")
    raise BadInput(f"--jd: {value} is not a file. Give a JD file path or paste the JD's text.")


def _existing_file(value: str) -> Path | None:
    """The file `value` names, or None (pasted text can be too long a name for stat())."""
    try:
        path = Path(value)
        return path if "\n" not in value and path.is_file() else None
    except OSError:
        return None


@app.command()
def analyze(resume: ResumeArg, jd: JdOption, json_output: JsonFlag = False) -> None:
    """Score the match (0-100), check each requirement with evidence, list keywords."""
    from products.resume_assistant.core.service import run_analyze
    from products.resume_assistant.render import render_analysis

    try:
        result = run_analyze(_settings(), _upload(resume), _jd(jd))
    except AIPMError as err:
        fail(err, as_json=json_output)
    show_result(result, json_output, render_analysis)


@app.command()
def tailor(resume: ResumeArg, jd: JdOption, out: OutOption = None,
           json_output: JsonFlag = False) -> None:
    """Reorder and re-word the résumé toward the JD; nothing the résumé lacks is added."""
    from products.resume_assistant.core.writing import run_tailor
    from products.resume_assistant.render import render_written

    try:
        result = run_tailor(_settings(), _upload(resume), _jd(jd), out)
    except AIPMError as err:
        fail(err, as_json=json_output)
    show_result(result, json_output, lambda r: render_written(r, out))


@app.command("cover-letter")
def cover_letter(resume: ResumeArg, jd: JdOption, out: OutOption = None,
                 json_output: JsonFlag = False) -> None:
    """Write a cover letter from the résumé's facts only."""
    from products.resume_assistant.core.writing import run_cover_letter
    from products.resume_assistant.render import render_written

    try:
        result = run_cover_letter(_settings(), _upload(resume), _jd(jd), out)
    except AIPMError as err:
        fail(err, as_json=json_output)
    show_result(result, json_output, lambda r: render_written(r, out))


@app.command()
def forget(json_output: JsonFlag = False) -> None:
    """Delete every résumé, JD and output the assistant stored in the data dir."""
    from products.resume_assistant.core.privacy import forget as forget_all

    try:
        count = forget_all(_settings())
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({"deleted_files": count})
    else:
        typer.echo(f"Deleted {count} stored file(s) of the résumé assistant.")



def run_eval(
    json_output: JsonFlag = False,
    report: Annotated[Path | None, typer.Option(help="Where to write the Markdown report "
                                                     "(default: products/resume_assistant/"
                                                     "evals/report.md).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Use the baseline engine even "
                                                              "when an LLM is configured.")]
    = False,
    calibrate: Annotated[bool, typer.Option(help="Save the similarity threshold that scores "
                                                 "best on the tune split.")] = False,
    pairs: Annotated[Path | None, typer.Option("--pairs", help="JSONL of labelled pairs "
                                               "(resume, job, fit): score AUC, Spearman, "
                                               "top-1 and the TF-IDF anchor instead of the "
                                               "golden set.")] = None,
    split: Annotated[str, typer.Option(help="With --pairs: tune, heldout or all (split by "
                                            "category).")] = "all",
    guard: Annotated[bool, typer.Option("--guard", help="Run the guard's lying-model and "
                                                        "hidden-text eval instead.")] = False,
) -> None:
    """Run the golden set: requirement and keyword P/R, score order, fabrication rate.

    Mounted by the platform CLI as `aipm eval resume`.
    """
    from products.resume_assistant.core.eval_report import write_report
    from products.resume_assistant.core.evaluation import REPORT_PATH, eval_steps, evaluate
    from shared.progress import WorkControl, terminal_progress

    if pairs is not None:
        _pairs_eval(pairs, split, report, json_output)
        return
    if guard:
        _guard_eval(report, json_output)
        return
    control = WorkControl(unit="steps", total=eval_steps())
    try:
        with terminal_progress(control, "Scoring the golden set", enabled=not json_output,
                               cancellable=False):
            result = evaluate(_settings(), use_llm=not baseline, calibrate=calibrate,
                              progress=control.advance)
        path = write_report(result, report or REPORT_PATH)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({**result.model_dump(mode="json"), "report_path": str(path)})
    else:
        typer.echo(path.read_text(encoding="utf-8"))


def _pairs_eval(pairs: Path, split: str, report: Path | None, json_output: bool) -> None:
    """`--pairs`: every résumé ranked against its postings once, with a progress bar."""
    from products.resume_assistant.core.evaluation import PRODUCT_DIR
    from products.resume_assistant.core.pairs_eval import (
        evaluate_pairs,
        in_split,
        load_pairs,
        report_markdown,
        split_categories,
    )
    from products.resume_assistant.core.service import embedder_for
    from shared.documents import upload_limit_bytes

    settings = _settings()
    try:
        everything = load_pairs(pairs)
        total = len(in_split(everything, split, split_categories(everything)))
        with typer.progressbar(length=total, label="Scoring pairs", file=sys.stderr) as bar:
            seen = [0]

            def step(done: int) -> None:
                bar.update(done - seen[0])
                seen[0] = done

            result = evaluate_pairs(pairs, embedder_for(settings), split=split,
                                    max_bytes=upload_limit_bytes(settings), progress=step)
    except AIPMError as err:
        fail(err, as_json=json_output)
    path = report or PRODUCT_DIR / "evals" / f"pairs_{split}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_markdown(result), encoding="utf-8")
    if json_output:
        emit_json({"split": result.split, "metrics": result.metrics.model_dump(),
                   "categories": result.categories, "report_path": str(path)})
    else:
        typer.echo(path.read_text(encoding="utf-8"))


def _guard_eval(report: Path | None, json_output: bool) -> None:
    from products.resume_assistant.core.evaluation import PRODUCT_DIR
    from products.resume_assistant.core.guard_eval import evaluate_guard, guard_report

    result = evaluate_guard()
    path = report or PRODUCT_DIR / "evals" / "guard_report.md"
    path.write_text(guard_report(result), encoding="utf-8")
    if json_output:
        emit_json({**result.model_dump(), "report_path": str(path)})
    else:
        typer.echo(path.read_text(encoding="utf-8"))


@app.command("rank")
def rank_postings(
    resume: ResumeArg,
    postings: Annotated[list[Path], typer.Argument(help="Posting files, folders of them, or "
                                                        "a CSV with a 'description' column.")],
    json_output: JsonFlag = False,
) -> None:
    """Rank postings for one résumé: score, explanation, top met and missing requirements."""
    from products.resume_assistant.core.service import run_rank
    from products.resume_assistant.render import render_ranking
    from shared.progress import WorkControl, terminal_progress

    try:
        from products.resume_assistant.core.ranking import postings_from_paths

        given = postings_from_paths(postings)
        control = WorkControl(unit="postings")
        with terminal_progress(control, "Ranking", enabled=not json_output,
                               notice="Stopping after the current posting (Ctrl-C again to "
                                      "abort)…"):
            result = run_rank(_settings(), _upload(resume), given, control=control)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output and result.cancelled:
        emit_json(result.model_dump(mode="json") | {"cancelled": True})
        return
    show_result(result, json_output, render_ranking)


__all__ = ["app", "rank_postings", "run_eval"]
