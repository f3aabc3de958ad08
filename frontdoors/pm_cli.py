"""The PM commands of `aipm`: `prd new|check|sync`, `fork`, `stress` and `portfolio`.

Thin adapters over `pm`: parse options, call one function, print a table or one
JSON object. Heavy imports stay inside the commands so `aipm --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from shared.cli_support import emit_json, fail
from shared.errors import AIPMError

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
ProductArg = Annotated[str, typer.Argument(help="A built product, by name or CLI name (rag).")]

INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C (what was done is kept)
prd_app = typer.Typer(no_args_is_help=True, help="PRD templates: new, check, sync.")


@prd_app.command("new")
def prd_new(
    name: Annotated[str, typer.Argument(help="The new product's name (the PRD title).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write PRD.md into.")],
    product: Annotated[str | None, typer.Option(help="Prefill from this built product's "
                                                     "facts (eval report, metrics).")] = None,
) -> None:
    """Write a new PRD from prd_templates/PRD.md, prefilled when --product is given."""
    from pm.prd_new import new_prd

    path = new_prd(name, out, product)
    typer.echo(f"Wrote {path}. Fill in every {{{{…}}}}, then run `aipm prd check {path}`.")


@prd_app.command("check")
def prd_check(
    paths: Annotated[list[Path], typer.Argument(help="PRD files to check.")],
    json_output: JsonFlag = False,
) -> None:
    """List missing sections, placeholders, metrics without target or method, stale numbers."""
    from pm.prd_check import check_prds

    result = check_prds(paths)
    if json_output:
        emit_json(result.model_dump(mode="json"))
    else:
        for problem in result.problems:
            typer.echo(f"{problem.file}: [{problem.section}] {problem.problem}")
        typer.echo(f"{len(paths)} PRD(s) checked: " + (
            "no gaps." if result.ok else f"{len(result.problems)} gap(s)."))
    raise typer.Exit(0 if result.ok else 1)


@prd_app.command("sync")
def prd_sync(
    product: ProductArg,
    init: Annotated[bool, typer.Option("--init", help="Write a starter evals/metrics.toml "
                                                      "(every summary number, no targets) "
                                                      "first when there is none.")] = False,
) -> None:
    """Regenerate the metrics block in a product's PRD.md from its latest eval report."""
    from pm.prd_sync import sync_prd

    path, changed = sync_prd(product, init=init)
    typer.echo(f"{path}: metrics block {'updated' if changed else 'already up to date'}.")


def register_pm_commands(app: typer.Typer) -> None:
    """Add the PM commands to the `aipm` app (one call from frontdoors/cli.py)."""
    app.add_typer(prd_app, name="prd")
    app.command()(stress)
    app.command()(fork)
    app.command()(portfolio)




def stress(
    product: ProductArg,
    json_output: JsonFlag = False,
    report: Annotated[Path | None, typer.Option(help="Where to write the Markdown report "
                                                     "(default: <data dir>/reports/<product>/"
                                                     "stress.md).")] = None,
    update_repo: Annotated[bool, typer.Option("--update-repo", help="Write the committed "
                                              "products/<name>/evals/stress.md instead of "
                                              "the data dir.")] = False,
) -> None:
    """Run a product's adversarial pack with its current engine and write its stress report.

    Its trace rows are tagged `source=stress` (the Ops page hides them by default). Ctrl-C
    stops after the current case: the finished cases are printed and written to a report
    marked partial (never the committed one), exit code 130."""
    from pm.stress_report import run_stress_pack
    from shared.config import load_settings
    from shared.progress import WorkControl, terminal_progress

    control = WorkControl(unit="cases")
    try:
        with terminal_progress(control, "Stress cases", enabled=not json_output,
                               notice="Stopping after the current case (Ctrl-C again to "
                                      "abort)…"):
            run = run_stress_pack(product, load_settings(), report=report,
                                  update_repo=update_repo, control=control)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json(run.model_dump(mode="json") | ({"cancelled": True} if run.cancelled else {}))
    else:
        _render_stress(run)
    if run.cancelled:
        typer.echo(f"Cancelled after {run.total} of {run.planned} cases: the report holds those "
                   f"only, marked partial ({run.report_path}). Run again for the whole pack.",
                   err=True)
        raise typer.Exit(INTERRUPTED)


def _render_stress(run: Any) -> None:
    for outcome in run.outcomes:
        mark = "pass" if outcome.passed else "FAIL"
        typer.echo(f"{mark:4}  {outcome.failure_mode:34} {outcome.case}\n      {outcome.observed}")
    typer.echo(f"{run.passed}/{run.total} held ({run.engine} engine). Report: {run.report_path}")


def fork(
    product: ProductArg,
    dest: Annotated[Path, typer.Argument(help="A new folder for the standalone repository.")],
    json_output: JsonFlag = False,
) -> None:
    """Copy one product, the platform parts it imports and its tests into a new git repo."""
    from pm.fork import fork_product

    try:
        result = fork_product(product, dest)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json(result.model_dump(mode="json"))
        return
    typer.echo(f"Forked {result.product} into {result.dest}: {result.files} files, "
               f"{len(result.dependencies)} dependencies, first commit {result.commit[:7]}.\n"
               f"Next: cd {result.dest} && make test")


def portfolio(
    product: ProductArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the .md and .html files.")],
    json_output: JsonFlag = False,
) -> None:
    """A one-page case study (Markdown + offline HTML with SVG charts) from real numbers."""
    from pm.portfolio import write_case_study
    from shared.config import load_settings

    try:
        markdown, page = write_case_study(product, out, load_settings())
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json({"markdown": str(markdown), "html": str(page)})
        return
    typer.echo(f"Wrote {markdown} and {page} (open the .html in any browser, offline).")


__all__ = ["fork", "portfolio", "prd_app", "register_pm_commands", "stress"]
