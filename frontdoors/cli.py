"""The `aipm` command: platform commands plus one sub-command group per available product.

`aipm --help` must stay fast, so this module imports only typer and the light registry at
the top; streamlit, uvicorn, fastapi, chromadb and the LLM SDKs are imported inside the
command that needs them. Exit codes: 0 success, 1 a kit error or a failed doctor check,
2 a usage error (click's convention).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from frontdoors.pm_cli import register_pm_commands
from products import (
    PRODUCTS,
    ProductSpec,
    available_products,
    kit_version,
    load_object,
)
from shared.cli_support import emit_json, fail, require_free_port, run_child
from shared.errors import AIPMError, BadInput

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Commands that write traces, stores, uploads or reports into the data dir (or start a server
# or the hub, which do): checked once when they start.
DATA_DIR_COMMANDS = frozenset({"hub", "serve", "stress", "rag", "feedback", "resume", "eval"})
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


class KitGroup(TyperGroup):
    """Turns any `AIPMError` from any command (products' too) into one line on stderr + exit 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            _check_data_dir_for(ctx)
            return super().invoke(ctx)
        except AIPMError as err:
            fail(err)
        except OSError as err:  # a full or read-only disk is one line too, from any command
            from shared.files import is_data_dir_problem, write_error

            if not is_data_dir_problem(err):
                raise
            fail(write_error(err, _data_dir()))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """A product that is not built yet says so, instead of click's "No such command"."""
        unbuilt = {spec.cli_name: spec for spec in PRODUCTS if not spec.available}
        if args and args[0] in unbuilt and args[0] not in self.commands:
            spec = unbuilt[args[0]]
            fail(BadInput(f"`{ctx.command_path} {spec.cli_name}` belongs to {spec.title}, which "
                          "is not built in this checkout yet. `aipm doctor` lists what is "
                          "available."))
        return super().resolve_command(ctx, args)


def _check_data_dir_for(ctx: Any) -> None:
    """Before a command that writes to the data dir starts: one line now if it cannot
    (read-only, full), rather than a failure part-way through an ingest, a job or a server.
    `--help`, `doctor` (which reports the data dir itself), `version`, `prd` and the like
    need no data dir and are left alone."""
    args = [*ctx._protected_args, *ctx.args]  # click 8.2+: the sub-command, then its args
    if not args or args[0] not in DATA_DIR_COMMANDS or "--help" in args:
        return
    from shared.config import load_settings
    from shared.files import check_data_dir

    check_data_dir(load_settings().data_dir)


def _data_dir() -> Path:
    """The configured data dir, for a disk error's message (even when settings do not load)."""
    from shared.config import load_settings

    try:
        return load_settings().data_dir
    except AIPMError:
        return Path(".aipm")


def doctor(json_output: JsonFlag = False) -> None:
    """Check settings, keys, data dir, vector store and a real one-token LLM call.

    Exits 0 when every check passes, 1 when any fails; --json always prints the report.
    """
    from frontdoors.doctor import run_doctor

    report = run_doctor()
    if json_output:
        emit_json(report.model_dump(mode="json"))
    else:
        from frontdoors.cli_render import render_doctor

        render_doctor(report)
    raise typer.Exit(0 if report.ok else 1)


def ops(
    json_output: JsonFlag = False,
    recent: Annotated[int, typer.Option(min=0, help="How many recent calls to list.")] = 10,
    include_stress: Annotated[bool, typer.Option("--include-stress", help="Also count the "
                                                 "rows `aipm stress` runs wrote.")] = False,
) -> None:
    """Calls, errors, tokens, cost and latency per product and model, from the trace store."""
    from shared.config import load_settings
    from shared.ops import build_ops_report

    try:
        report = build_ops_report(load_settings(), recent=recent, include_stress=include_stress)
    except AIPMError as err:
        fail(err, as_json=json_output)
    if json_output:
        emit_json(report.model_dump(mode="json"))
        return
    from frontdoors.cli_render import render_ops

    render_ops(report)


def hub(port: Annotated[int, typer.Option(help="Port for the Streamlit hub.")] = 8501) -> None:
    """Open the Streamlit hub (home, one page per product, Ops) on 127.0.0.1."""
    require_free_port("127.0.0.1", port)
    raise typer.Exit(run_child(hub_command(port)))


def hub_command(port: int) -> list[str]:
    """`streamlit run` of the hub as `aipm hub` starts it (the browser tests and the README's
    screenshots start this same command): loopback only, the upload widget capped at the
    kit's own limit, a minimal toolbar."""
    return [
        sys.executable, "-m", "streamlit", "run", str(Path(__file__).resolve().parent / "hub.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.maxUploadSize", str(widget_upload_mb()),
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
    ]


def widget_upload_mb() -> int:
    """The kit's upload limit (AIPM_MAX_UPLOAD_MB) in the whole MB Streamlit's widget takes,
    rounded up so that the widget never refuses a file the kit accepts."""
    import math

    from shared.config import load_settings

    return max(1, math.ceil(load_settings().max_upload_mb))


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the API.")] = 8000,
    insecure: Annotated[bool, typer.Option(
        "--insecure", help="Allow a non-loopback --host without AIPM_API_TOKEN.")] = False,
) -> None:
    """Run the FastAPI app (docs at /docs) with uvicorn."""
    import uvicorn

    from frontdoors.server import create_app
    from shared.config import load_settings

    settings = load_settings()
    refuse_if_exposed(host, settings, insecure=insecure)
    require_free_port(host, port)
    uvicorn.run(create_app(settings, allowed_hosts=[host]), host=host, port=port)


def refuse_if_exposed(host: str, settings: Any, *, insecure: bool = False) -> None:
    """Binding beyond loopback with no AIPM_API_TOKEN lets anyone on the network spend your
    key and plant documents: refused, unless `--insecure` says the user means it."""
    if host in LOOPBACK_HOSTS or settings.api_token is not None:
        return
    if not insecure:
        raise BadInput(f"Refusing to serve on {host} without AIPM_API_TOKEN: anyone who can "
                       "reach this machine could call the API. Set AIPM_API_TOKEN, use --host "
                       "127.0.0.1, or add --insecure if you really mean an open API.")
    typer.echo(f"Warning: the API listens on {host} with no AIPM_API_TOKEN (--insecure): anyone "
               "who can reach this machine can call it and spend your LLM key.", err=True)


def version(json_output: JsonFlag = False) -> None:
    """Print the kit's version."""
    if json_output:
        emit_json({"version": kit_version()})
    else:
        typer.echo(f"aipm {kit_version()}")


def build_app(products: Iterable[ProductSpec]) -> typer.Typer:
    """The `aipm` app with the platform commands and one group per given product."""
    app = typer.Typer(
        cls=KitGroup,
        name="aipm",
        help="AI PM Starter Kit: three AI demo products and the platform under them.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    for command in (doctor, hub, serve, ops, version):
        app.command()(command)
    products = list(products)
    for spec in products:
        app.add_typer(load_object(spec.cli_app), name=spec.cli_name, help=spec.pitch)
    app.add_typer(build_eval_app(products), name="eval")
    register_pm_commands(app)
    return app


def build_eval_app(products: Iterable[ProductSpec]) -> typer.Typer:
    """`aipm eval <product>`: each product's `run_eval` command, under its CLI name."""
    from pm.eval_stamp import stamped

    eval_app = typer.Typer(cls=KitGroup, no_args_is_help=True,
                           help="Run a product's eval set and write its report.")
    for spec in products:
        if spec.eval_command:  # the report gets the code hash `aipm prd check` compares
            eval_app.command(name=spec.cli_name, help=f"Evaluate {spec.title}.")(
                stamped(spec, load_object(spec.eval_command)))
    return eval_app


app = build_app(available_products())


def main() -> None:
    """Console-script entry point (`aipm`)."""
    app()


__all__ = ["KitGroup", "app", "build_app", "main"]
