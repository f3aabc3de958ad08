"""Tested version ranges for the packages whose private internals the kit reaches into.

Each such reach (WordLlama's model files and inference steps, python-docx's XML, chromadb's
client session, bm25s' saved index, VADER's scorer tables) is tied to the versions it was
written and tested against. pyproject pins the same range (`>=low,<high`); the test beside
each reach fails when an installed version falls outside it, so an upgrade is a decision with
a re-check, never a silent drift.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def release(version: str) -> tuple[int, ...]:
    """`1.5.9` -> (1, 5, 9); `0.4.0.post1` -> (0, 4, 0)."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if not match:
        raise ValueError(f"not a version: {version!r}")
    return tuple(int(part) for part in match.group(0).split("."))


def in_range(version: str, low: str, high: str) -> bool:
    return release(low) <= release(version) < release(high)


def declared_range(dist: str) -> tuple[str, str]:
    """The `>=low,<high` pyproject gives `dist`."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    for line in project["dependencies"]:
        match = re.match(rf"{re.escape(dist)}\s*>=\s*([\w.]+)\s*,\s*<\s*([\w.]+)", line, re.I)
        if match:
            return match.group(1), match.group(2)
    raise AssertionError(f"pyproject does not pin {dist} to a tested range (>=low,<high)")


def assert_tested_version(dist: str, low: str, high: str) -> None:
    """The installed `dist` is inside the range its reach was tested on, and pyproject says so."""
    installed = metadata.version(dist)
    assert in_range(installed, low, high), (
        f"{dist} {installed} is outside the tested range >={low},<{high}: re-run the tests "
        "that cover its private internals, then widen the range here and in pyproject.toml")
    assert declared_range(dist) == (low, high)
