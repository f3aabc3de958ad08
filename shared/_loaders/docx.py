"""Word .docx with python-docx: "Heading N" paragraph styles become heading paths.

Tables are read in place (one line per row, cells joined by " | "), since résumés and help
articles often keep their key facts in tables.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from shared._loaders.model import (
    CorruptFile,
    Document,
    HeadingTracker,
    document_or_empty,
    first_heading,
    stem,
)

if TYPE_CHECKING:
    from docx.table import Table

HEADING_STYLE = re.compile(r"^Heading (\d)$")


def load_docx(name: str, data: bytes) -> Document:
    document = _open(name, data)
    tracker = HeadingTracker()
    for block in document.iter_inner_content():
        _read_block(block, tracker)
    tracker.flush()
    title = (document.core_properties.title or "").strip() or first_heading(tracker.sections)
    return document_or_empty(name, "docx", title or stem(name), tracker.sections)


def _open(name: str, data: bytes) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptFile(f"{name} is not a readable .docx (it is damaged, password-protected, "
                          "or an old .doc renamed). Open it in Word and save it as .docx, "
                          "without a password.") from exc


def _read_block(block: Any, tracker: HeadingTracker) -> None:
    from docx.text.paragraph import Paragraph

    if not isinstance(block, Paragraph):
        tracker.lines.extend(_table_lines(block))
        return
    style = block.style.name if block.style is not None else ""
    match = HEADING_STYLE.match(style or "")
    if match and block.text.strip():
        tracker.heading(int(match.group(1)), block.text.strip())
    elif (style or "").startswith("List") and block.text.strip():
        tracker.lines.append(f"- {block.text.strip()}")  # list items stay list items
    else:
        tracker.lines.append(block.text)


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
        lines.append(" | ".join(cell for cell in cells if cell))
    return lines



__all__ = ["load_docx"]
