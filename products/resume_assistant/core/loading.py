"""Files and uploads to text, through the platform loaders (PDF, DOCX, MD, TXT, HTML).

A loaded `Document` keeps headings as paths over sections; the résumé parser needs every
heading as a line (a "Experience" heading with no text of its own must not vanish), so the
text is rebuilt with each heading written once, where it starts. HTML job descriptions lose
their comments and hidden elements before the loader sees them.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from products.resume_assistant.core.resume_parser import MIN_TEXT_CHARS, NO_TEXT
from products.resume_assistant.core.untrusted import strip_hidden_html
from shared.documents import (
    Document,
    EmptyFile,
    LoadBudget,
    NoTextLayer,
    check_size,
    load_bytes,
)
from shared.errors import BadInput

RESUME_SUFFIXES = (".pdf", ".docx", ".md", ".markdown", ".txt")
JD_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")


def document_text(document: Document) -> str:
    """All of the document's text, each heading on its own line as Markdown, in order."""
    lines: list[str] = []
    previous: list[str] = []
    for section in document.sections:
        path = section.heading_path
        for depth, heading in enumerate(path):
            if depth >= len(previous) or previous[depth] != heading or previous[:depth] != \
                    path[:depth]:
                lines.append(f"{'#' * (depth + 1)} {heading}")
        previous = path
        lines.append(section.text)
    return "\n".join(lines)


def read_file(path: str | Path, max_bytes: int | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of a file the user named, with a clear error when it is missing."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path} does not exist or is not a file. Check the path and try again.")
    check_size(str(path), path.stat().st_size, max_bytes)
    return path.name, path.read_bytes()


def resume_text(name: str, data: bytes, max_bytes: int | None = None,
                budget: LoadBudget | None = None) -> str:
    """The résumé's text; an unsupported type names the types a résumé may be."""
    _check_suffix(name, RESUME_SUFFIXES, "résumé")
    try:
        text = document_text(load_bytes(name, data, max_bytes=max_bytes, budget=budget))
    except (NoTextLayer, EmptyFile) as err:
        raise BadInput(f"{name}: {NO_TEXT}") from err
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise BadInput(f"{name}: {NO_TEXT}")
    return text


def jd_text(name: str, data: bytes, max_bytes: int | None = None,
            budget: LoadBudget | None = None) -> tuple[str, list[str]]:
    """(the JD's visible text, hidden texts removed) — HTML is cleaned before loading."""
    _check_suffix(name, JD_SUFFIXES, "job description")
    removed: list[str] = []
    if PurePath(name).suffix.lower() in (".html", ".htm"):
        html, removed = strip_hidden_html(data.decode("utf-8", errors="replace"))
        data = html.encode("utf-8")
    return document_text(load_bytes(name, data, max_bytes=max_bytes, budget=budget)), removed


def _check_suffix(name: str, allowed: tuple[str, ...], what: str) -> None:
    if PurePath(name).suffix.lower() not in allowed:
        raise BadInput(f"{name}: a {what} must be one of {', '.join(allowed)}. Save or export "
                       "it as one of these, or paste the text.")


__all__ = ["JD_SUFFIXES", "RESUME_SUFFIXES", "document_text", "jd_text", "read_file",
           "resume_text"]
