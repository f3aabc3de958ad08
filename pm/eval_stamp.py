"""`aipm eval PRODUCT` stamps the code hash into the report the product's eval just wrote.

Each product writes its own report (three writers, three shapes of header); the platform
command is the one place every eval run passes through, so the stamp lives here and no
product needs to know about it. A report written another way has no code line and
`aipm prd check` calls it stale, which is the truth: nothing says what code it measured.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pm.code_hash import stamp_file
from products import PRODUCTS_DIR, ProductSpec


def stamped(spec: ProductSpec, run_eval: Callable[..., Any]) -> Callable[..., Any]:
    """`run_eval` with the same options (typer reads the wrapped signature), then the stamp.

    The report is the `--report` option or the product's default `evals/report.md`; a run
    that failed raised before this point, so a failed run never stamps an old report.
    """
    root = PRODUCTS_DIR / spec.name

    @functools.wraps(run_eval)
    def run_and_stamp(*args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("report")
        default = root / "evals" / "report.md"
        before = _mtime(default)
        result = run_eval(*args, **kwargs)
        if given:
            stamp_file(Path(given), root)
        elif _mtime(default) != before:  # `--pairs`, `--guard`, ... write other files
            stamp_file(default, root)
        return result

    return run_and_stamp


def _mtime(path: Path) -> int | None:
    """When the file last changed (None: it does not exist); tells whether a run wrote it."""
    return path.stat().st_mtime_ns if path.is_file() else None


__all__ = ["stamped"]
