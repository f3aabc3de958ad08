"""Output helpers every `aipm` command (and each product's CLI group) uses.

The contract: `--json` prints exactly one JSON object on stdout; an error prints one line on
stderr and exits 1 (with `--json`, stdout still gets one object: `{"error": {...}}`).
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from typing import Any, NoReturn

import typer

from shared.errors import AIPMError, BadInput

ERROR_EXIT_CODE = 1


def emit_json(payload: dict[str, Any]) -> None:
    """Print one JSON object on one line of stdout; non-ASCII stays readable (Résumé)."""
    typer.echo(json.dumps(payload, ensure_ascii=False, default=str))


def show_result(result: Any, json_output: bool, render: Callable[[Any], None]) -> None:
    """A product command's result: one JSON object with `--json`, else its human rendering."""
    if json_output:
        emit_json(result.model_dump(mode="json"))
    else:
        render(result)


def fail(err: AIPMError, *, as_json: bool = False) -> NoReturn:
    """Report a kit error the CLI way and exit 1; never a traceback for a known problem."""
    if as_json:
        emit_json({"error": err.to_dict()})
    typer.echo(f"Error: {_one_line(err.message)}", err=True)
    raise typer.Exit(ERROR_EXIT_CODE)


def require_free_port(host: str, port: int) -> None:
    """Refuse a busy port in one line, before uvicorn or streamlit log their own multi-line exit.

    SO_REUSEADDR matches what both servers set, so a port in TIME_WAIT is not refused here.
    """
    import socket

    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as err:
        raise BadInput(f"Cannot listen on {host}:{port}: {err.strerror}. Pass --host with an "
                       "address of this machine, such as 127.0.0.1.") from err
    try:
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as err:
        raise BadInput(f"Cannot listen on {host}:{port} ({err.strerror or err}). Stop what is "
                       "using that port, or pick another one: `--port 8600` on the command, "
                       "or `make demo PORT=8600` / `make serve PORT=8600`.") from err


FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT)
CHILD_EXIT_GRACE_S = 10.0


def run_child(command: list[str]) -> int:
    """Run a server as a child until it exits; a SIGTERM or SIGINT sent to us is passed on and
    waited for, so killing `aipm hub` stops Streamlit and frees its port before `aipm` exits.

    Without this, `kill <aipm pid>` left Streamlit running as an orphan on the port.
    """
    child = subprocess.Popen(command)

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop(child)


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Make sure the child is gone (an exception in `wait` must not orphan it)."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=CHILD_EXIT_GRACE_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _one_line(message: str) -> str:
    return " ".join(message.split())


__all__ = ["ERROR_EXIT_CODE", "emit_json", "fail", "require_free_port", "run_child"]
