"""Word .docx: "Heading N" paragraph styles become heading paths.

Tables are read in place (one line per row, cells joined by " | "), since résumés and help
articles often keep their key facts in tables. The XML is read by `_docx_xml` (streaming,
size-capped, no entity expansion) rather than python-docx, whose per-paragraph style lookup
made a 47 KB file of 100k paragraphs take 132 s.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from shared._loaders._docx_xml import WordParagraph, WordTable, read_word_body
from shared._loaders.model import (
    CorruptFile,
    Document,
    HeadingTracker,
    document_or_empty,
    first_heading,
    stem,
)

HEADING_STYLE = re.compile(r"^Heading (\d)$")
# What a damaged or forged package raises while it is read.
DAMAGED_DOCX_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, etree.XMLSyntaxError, KeyError, ValueError,
    EOFError, OSError, NotImplementedError,  # NotImplementedError: an unknown zip compression
)


def load_docx(name: str, data: bytes) -> Document:
    try:
        body = read_word_body(name, data)
    except DAMAGED_DOCX_ERRORS as exc:
        raise CorruptFile(f"{name} is not a readable .docx (it is damaged, password-protected, "
                          "or an old .doc renamed). Open it in Word and save it as .docx, "
                          "without a password.") from exc
    tracker = HeadingTracker()
    for block in body.blocks:
        _read_block(block, tracker)
    tracker.flush()
    title = body.title.strip() or first_heading(tracker.sections)
    return document_or_empty(name, "docx", title or stem(name), tracker.sections)


def _read_block(block: WordParagraph | WordTable, tracker: HeadingTracker) -> None:
    if isinstance(block, WordTable):
        tracker.lines.extend(_table_lines(block))
        return
    match = HEADING_STYLE.match(block.style)
    if match and block.text.strip():
        tracker.heading(int(match.group(1)), block.text.strip())
    elif block.style.startswith("List") and block.text.strip():
        tracker.lines.append(f"- {block.text.strip()}")  # list items stay list items
    else:
        tracker.lines.append(block.text)


def _table_lines(table: WordTable) -> list[str]:
    lines = []
    for row in table.rows:
        cells = list(dict.fromkeys(cell.strip() for cell in row))  # merged cells repeat
        lines.append(" | ".join(cell for cell in cells if cell))
    return lines


__all__ = ["load_docx"]
