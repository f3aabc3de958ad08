"""Markdown (as the assistant writes it) to a one-column, ATS-safe Word document.

Applicant tracking systems read DOCX best when it is plain: real heading styles, real list
paragraphs, no tables, text boxes, columns, headers/footers or images. This writer only
knows headings (#, ##, ###), bullets (- ), bold lines (**…**) and paragraphs, on purpose.
"""

from __future__ import annotations

import io

from docx import Document as new_word_document
from docx.shared import Pt


def markdown_to_docx(markdown: str, *, title: str = "") -> bytes:
    """The DOCX bytes for `markdown`, one block per non-empty line, Calibri 11 throughout."""
    document = new_word_document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = title
    for line in (raw.strip() for raw in markdown.splitlines()):
        if line:
            _add_line(document, line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_line(document: object, line: str) -> None:
    if line.startswith("#"):
        marks, _, text = line.partition(" ")
        document.add_heading(text.strip(), level=min(len(marks), 3))  # type: ignore[attr-defined]
    elif line.startswith(("- ", "* ")):
        document.add_paragraph(line[2:].strip(), style="List Bullet")  # type: ignore[attr-defined]
    elif line.startswith("**") and line.endswith("**"):
        document.add_paragraph().add_run(line.strip("*")).bold = True  # type: ignore[attr-defined]
    else:
        document.add_paragraph(line)  # type: ignore[attr-defined]


__all__ = ["markdown_to_docx"]
