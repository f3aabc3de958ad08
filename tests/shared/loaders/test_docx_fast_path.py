"""The streaming DOCX reader gives exactly what the python-docx reading gave, much faster.

The reference below is the loader as it was before (python-docx's `iter_inner_content`,
`style.name`, `_Row.cells`), kept here as the oracle: headings, paragraphs and ' | ' table
rows must match block for block on the kit's sample files and on generated documents.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared._loaders.model import HeadingTracker, document_or_empty, first_heading, stem
from shared.documents import Document, load_bytes

SAMPLES = Path(__file__).resolve().parents[3] / "products" / "rag_search" / "data"
HEADING = re.compile(r"^Heading (\d)$")


def python_docx_reading(name: str, data: bytes) -> Document:
    """The python-docx loader (with list items marked, as the kit now keeps them): the oracle
    for the fast path."""
    document = docx.Document(io.BytesIO(data))
    tracker = HeadingTracker()
    for block in document.iter_inner_content():
        if not isinstance(block, Paragraph):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                tracker.lines.append(" | ".join(cell for cell in cells if cell))
            continue
        style = block.style.name if block.style is not None else ""
        match = HEADING.match(style or "")
        if match and block.text.strip():
            tracker.heading(int(match.group(1)), block.text.strip())
        elif style.startswith("List") and block.text.strip():
            tracker.lines.append(f"- {block.text.strip()}")  # list items stay list items
        else:
            tracker.lines.append(block.text)
    tracker.flush()
    title = (document.core_properties.title or "").strip() or first_heading(tracker.sections)
    return document_or_empty(name, "docx", title or stem(name), tracker.sections)


def saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def test_sample_docx_files_read_exactly_as_python_docx_read_them() -> None:
    samples = sorted(SAMPLES.rglob("*.docx"))
    assert samples
    for path in samples:
        data = path.read_bytes()
        assert load_bytes(path.name, data) == python_docx_reading(path.name, data), path


def rich_docx() -> bytes:
    """Headings, a hyperlink, tabs and breaks, and a table with horizontal and vertical merges."""
    document = docx.Document()
    document.core_properties.title = "Rich sample"
    document.add_heading("Setup", level=1)
    paragraph = document.add_paragraph("Tab\there, then a break")
    paragraph.add_run().add_break()
    paragraph.add_run("after the break")
    _add_hyperlink(paragraph, "the help centre")
    document.add_heading("Limits", level=2)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # spans two columns
    table.cell(1, 2).merge(table.cell(2, 2))  # spans two rows
    document.add_paragraph("Closing words.")
    return saved(document)


def _add_hyperlink(paragraph: Paragraph, text: str) -> None:
    link = OxmlElement("w:hyperlink")
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)
    paragraph._p.append(OxmlElement("w:r"))  # an empty run, as Word leaves behind
    assert paragraph._p.find(qn("w:hyperlink")) is not None


def test_tables_merges_links_and_breaks_match_python_docx() -> None:
    data = rich_docx()
    fast = load_bytes("rich.docx", data)
    assert fast == python_docx_reading("rich.docx", data)
    assert fast.title == "Rich sample"
    assert "the help centre" in fast.text
    assert fast.text.count("r1c2\nr2c2") == 2  # the vertically merged cell repeats per row


BLOCK = st.one_of(
    st.tuples(st.just("heading"), st.integers(1, 4), st.text(max_size=20)),
    st.tuples(st.just("para"), st.sampled_from(["Normal", "Title", "Quote"]),
              st.text(max_size=40)),
    st.tuples(st.just("table"), st.integers(1, 3), st.lists(st.text(max_size=8), max_size=6)),
)
XML_SAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def build(blocks: list[tuple[object, ...]]) -> bytes:
    document = docx.Document()
    for kind, option, content in blocks:
        if kind == "heading":
            document.add_heading(XML_SAFE.sub("", str(content)), level=int(option))  # type: ignore[call-overload]
        elif kind == "para":
            document.add_paragraph(XML_SAFE.sub("", str(content)), style=str(option))
        else:
            cells = [XML_SAFE.sub("", str(text)) for text in content] or [""]  # type: ignore[attr-defined]
            table = document.add_table(rows=int(option), cols=2)  # type: ignore[call-overload]
            for index, cell in enumerate(c for row in table.rows for c in row.cells):
                cell.text = cells[index % len(cells)]
    return saved(document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(BLOCK, min_size=1, max_size=8))
def test_generated_documents_match_python_docx(blocks: list[tuple[object, ...]]) -> None:
    data = build(blocks)
    try:
        expected: Document | str = python_docx_reading("gen.docx", data)
    except Exception as error:  # the oracle refuses an empty document: so must we
        expected = type(error).__name__
    try:
        got: Document | str = load_bytes("gen.docx", data)
    except Exception as error:
        got = type(error).__name__
    assert got == expected
