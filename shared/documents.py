"""Load PDF, DOCX, Markdown, HTML and text files into one `Document` shape.

A bad file is a `BadInput` subclass whose message names the file and says what to do
(damaged, password-protected, image-only, empty, binary, unsupported, too large), never a
stack trace and never silently empty text. Uploads (`load_bytes`) use the same loaders as
files on disk and write nothing anywhere: every loader reads from bytes in memory.

The loaders parse untrusted bytes with third-party parsers, whose failure modes on forged
input are open-ended; `_load` turns any exception a loader lets through into a per-file
`CorruptFile` naming the exception (and logs the traceback), so one bad file never stops a
batch. The work a file may cause is bounded by `shared._loaders.limits`, and its seconds
by a child process that is killed at the budget (`shared._loaders.isolated`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath

from shared._loaders import load_docx, load_html, load_markdown, load_pdf, load_text
from shared._loaders.isolated import can_isolate, load_isolated, needs_isolation
from shared._loaders.limits import (
    MAX_TEXT_CHARS,
    LoadBudget,
    TooMuchContent,
    check_text_size,
    metered,
)
from shared._loaders.model import (
    CorruptFile,
    Document,
    EmptyFile,
    EncryptedFile,
    NoTextLayer,
    NotText,
    Section,
    UnsupportedFormat,
)
from shared._loaders.pdf import warm_up_pdf
from shared.config import Settings
from shared.errors import BadInput, TooLarge

MB = 1024 * 1024
log = logging.getLogger(__name__)

Loader = Callable[[str, bytes], Document]
LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".txt": load_text,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(LOADERS)
# Run once in this process before a format's files are read in forked children, so that each
# child does not import the parser afresh.
WARM_UPS: dict[str, Callable[[], None]] = {".pdf": warm_up_pdf}


def load_document(path: str | Path, *, max_bytes: int | None = None,
                  budget: LoadBudget | None = None) -> Document:
    """Load one file by its extension; `source` is the path as given."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path} does not exist or is not a file. Check the path and try again.")
    loader = _loader_for(str(path))
    check_size(str(path), path.stat().st_size, max_bytes)
    return _load(loader, str(path), path.read_bytes(), budget)


def load_bytes(name: str, data: bytes, *, max_bytes: int | None = None,
               budget: LoadBudget | None = None) -> Document:
    """Load an upload from memory; `name` (the uploaded file name) picks the format."""
    loader = _loader_for(name)
    check_size(name, len(data), max_bytes)
    return _load(loader, name, data, budget)


def load_budget(settings: Settings) -> LoadBudget:
    """The per-file budget of pages, paragraphs, characters and seconds (`AIPM_LOAD_MAX_*`)."""
    return LoadBudget.from_settings(settings)


def iter_documents(
    root: str | Path, *, max_bytes: int | None = None, budget: LoadBudget | None = None
) -> Iterator[tuple[Path, Document | BadInput]]:
    """Every non-hidden file under `root` (sorted), loaded or with the error that stopped it.

    Errors are yielded, not raised, so an ingest can report bad files and carry on with the rest.
    """
    for path in _files_under(Path(root)):
        try:
            yield path, load_document(path, max_bytes=max_bytes, budget=budget)
        except BadInput as error:
            yield path, error


def _files_under(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise BadInput(f"{root} does not exist. Check the folder path and try again.")
    return sorted(
        path for path in root.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def _loader_for(name: str) -> Loader:
    loader = LOADERS.get(PurePath(name).suffix.lower())
    if loader is None:
        raise UnsupportedFormat(f"{name} has an unsupported file type. Supported: "
                                f"{', '.join(SUPPORTED_SUFFIXES)}. Convert it to one of these.")
    return loader


def _load(loader: Loader, name: str, data: bytes, budget: LoadBudget | None = None) -> Document:
    if not data:
        raise EmptyFile(f"{name} is empty (0 bytes). Check that it finished downloading or "
                        "saving, then try again.")
    budget = budget or LoadBudget()
    if can_isolate() and needs_isolation(name, len(data)):
        warm_up = WARM_UPS.get(PurePath(name).suffix.lower())
        if warm_up is not None:
            warm_up()
        document = load_isolated(loader, name, data, budget, _read)
    else:
        with metered(name, budget):
            document = _read(loader, name, data)
    check_text_size(name, sum(len(section.text) for section in document.sections),
                    budget.max_chars)
    return document


def _read(loader: Loader, name: str, data: bytes) -> Document:
    """The loader, with a parser's unforeseen failure on forged bytes turned into a per-file
    CorruptFile (the traceback goes to the log)."""
    try:
        return loader(name, data)
    except BadInput:
        raise
    except Exception as exc:
        log.warning("Could not read %s", name, exc_info=exc)
        raise CorruptFile(f"{name} could not be read ({type(exc).__name__}: {str(exc)[:120]}). "
                          "It looks damaged; re-export or re-download it and try again.") from exc


def upload_limit_bytes(settings: Settings) -> int:
    """`AIPM_MAX_UPLOAD_MB` in bytes, the `max_bytes` front doors pass to the loaders."""
    return int(settings.max_upload_mb * MB)


def check_size(name: str, size: int, max_bytes: int | None) -> None:
    """TooLarge when `size` is over `max_bytes`: call it before reading a file from disk."""
    if max_bytes is not None and size > max_bytes:
        raise TooLarge(f"{name} is {size / MB:.1f} MB, over the {max_bytes / MB:.3g} MB limit. "
                       "Split it into smaller files, or raise AIPM_MAX_UPLOAD_MB.")


__all__ = [
    "LOADERS",
    "MAX_TEXT_CHARS",
    "SUPPORTED_SUFFIXES",
    "CorruptFile",
    "Document",
    "EmptyFile",
    "EncryptedFile",
    "LoadBudget",
    "NoTextLayer",
    "NotText",
    "Section",
    "TooMuchContent",
    "UnsupportedFormat",
    "check_size",
    "iter_documents",
    "load_budget",
    "load_bytes",
    "load_document",
    "upload_limit_bytes",
]
