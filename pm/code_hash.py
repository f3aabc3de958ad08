"""The code a report measured: a hash of the product's files, stamped in every report header.

A report is a claim about one version of the code. `aipm eval`, `aipm stress` and
`aipm portfolio` write `- Code: sha256:<16 hex> (products/<name>, N files)` under the
report's `- Date:` line; `aipm prd check` recomputes the hash and calls a report stale when
the line is missing or differs, so a report can no longer outlive the code it describes
(RAG's stress.md said 12/12 for weeks after engine changes made it 10/12).

What counts as the product's code: every file in its package that can change a number
(core/, cli.py with `run_eval`, stress.py, prompts, calibration and model JSON, the sample
data, the eval sets and corpora). Not its prose (README, PRD, DECISIONS, model cards), not the
reports themselves, not the metrics spec (targets change the verdict, not the measurement),
not the thin page and API adapters (`ui*.py`, `api.py`, `__main__.py`: a page redesign
measures nothing) and not `tools/` (a retrain script changes numbers only through the data
file it writes, which is hashed where it lands). `shared/` is left out on
purpose: see docs/decisions.md (2026-12-07, "What a report's code hash covers").
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

CODE_LINE = re.compile(r"^- Code: sha256:([0-9a-f]{16})\b.*$", re.MULTILINE)
DATE_LINE = re.compile(r"^- Date: .*$", re.MULTILINE)
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
PROSE = frozenset({"README.md", "PRD.md", "DECISIONS.md", "CHANGELOG.md"})
ADAPTERS = re.compile(r"^(ui(_\w+)?|api|__main__)\.py$")


def code_files(root: Path) -> list[Path]:
    """The files whose change can change a measured number, sorted by relative path."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if not path.is_file() or SKIPPED_DIRS.intersection(relative.parts):
            continue
        if path.name.endswith(SKIPPED_SUFFIXES) or _is_output_or_prose(relative):
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _is_output_or_prose(relative: Path) -> bool:
    """Reports, the metrics spec, prose, adapters and tools: see the module docstring."""
    if relative.parts[0] == "tools":
        return True
    if len(relative.parts) == 1:
        return (relative.name in PROSE or bool(ADAPTERS.match(relative.name))
                or relative.name.upper().startswith("MODEL_CARD"))
    if relative.parts[0] == "evals" and len(relative.parts) == 2:
        return relative.suffix == ".md" or relative.name == "metrics.toml"
    return relative.name.upper().startswith("MODEL_CARD")


def code_hash(root: Path) -> str:
    """sha256 over (relative path, bytes) of every code file: 16 hex digits are plenty."""
    digest = hashlib.sha256()
    for path in code_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def code_line(root: Path) -> str:
    """The header line a report carries, naming the folder it hashed."""
    return (f"- Code: sha256:{code_hash(root)} (products/{root.name}, "
            f"{len(code_files(root))} files)")


def recorded_hash(text: str) -> str | None:
    """The hash a report's header records, or None for a report written before hashing."""
    match = CODE_LINE.search(text)
    return match.group(1) if match else None


def stamp(text: str, root: Path) -> str:
    """The report with its code line replaced, or put right under `- Date:` (or the title)."""
    line = code_line(root)
    if CODE_LINE.search(text):
        return CODE_LINE.sub(lambda _: line, text, count=1)
    if date := DATE_LINE.search(text):
        return text[:date.end()] + "\n" + line + text[date.end():]
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{line}\n{rest}"


def stamp_file(path: Path, root: Path) -> Path:
    """Stamp a written report in place (no-op for a file that does not exist)."""
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        path.write_text(stamp(text, root), encoding="utf-8")
    return path


__all__ = ["code_files", "code_hash", "code_line", "recorded_hash", "stamp", "stamp_file"]
