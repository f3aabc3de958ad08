"""Output helpers every `aipm` command (and each product's CLI group) uses.

The contract: `--json` prints exactly one JSON object on stdout; an error prints one line on
stderr and exits 1 (with `--json`, stdout still gets one object: `{"error": {...}}`).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer

from shared.errors import AIPMError

ERROR_EXIT_CODE = 1


def emit_json(payload: dict[str, Any]) -> None:
    """Print one JSON object on one line of stdout; non-ASCII stays readable (Résumé)."""
    typer.echo(json.dumps(payload, ensure_ascii=False, default=str))


def fail(err: AIPMError, *, as_json: bool = False) -> NoReturn:
    """Report a kit error the CLI way and exit 1; never a traceback for a known problem."""
    if as_json:
        emit_json({"error": err.to_dict()})
    typer.echo(f"Error: {_one_line(err.message)}", err=True)
    raise typer.Exit(ERROR_EXIT_CODE)


def _one_line(message: str) -> str:
    return " ".join(message.split())


__all__ = ["ERROR_EXIT_CODE", "emit_json", "fail"]
