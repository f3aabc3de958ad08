"""Render the help-centre PDFs and DOCX files from plain-text sources, byte-identically.

Why a generator: binary files cannot be reviewed in a diff, so the reviewed text lives in
`tools/sample_sources/<path under data/>.txt` (for example `legal/sla.pdf.txt` becomes
`data/legal/sla.pdf`) and this script renders it. Creation dates and zip timestamps are fixed,
so a rerun changes no byte unless a source changed. Sources sit outside `data/` because
everything under `data/` is ingested.

Source markup, one block per line (blank lines are ignored):

    title: Document title      metadata title (PDF info, DOCX core properties)
    # / ## / ### Heading       heading levels 1-3 (Word "Heading N" styles)
    - text                     bullet
    | a | b | c |              table row; consecutive rows form one table, the first is its header
    ---page---                 new PDF page (each page must open with a heading); ignored in DOCX
    anything else              one paragraph

PDFs use fpdf2's built-in Helvetica, which only covers latin-1: a PDF source with any other
character is rejected with its file and line, rather than rendered as "?".

Run: `.venv/bin/python -m products.rag_search.tools.build_sample_docs`
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from fpdf import FPDF

TOOLS_DIR = Path(__file__).resolve().parent
SOURCES_DIR = TOOLS_DIR / "sample_sources"
DATA_DIR = TOOLS_DIR.parent / "data"
FIXED_DATE = datetime(2026, 4, 1, 9, 0, 0, tzinfo=UTC)
ZIP_EPOCH = (2026, 4, 1, 9, 0, 0)
AUTHOR = "Tallyflow Help Centre"
PAGE_BREAK = "---page---"
PDF_HEADING_SIZES = {1: 17.0, 2: 13.0, 3: 11.5}
PDF_BODY_SIZE = 10.0
PDF_LINE_HEIGHT = 5.2

logger = logging.getLogger(__name__)


@dataclass
class Block:
    """One rendered unit: a heading, paragraph, bullet, table or page break."""

    kind: str  # "heading" | "paragraph" | "bullet" | "table" | "page"
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class SourceDocument:
    """A parsed source file: its output path under data/, title and blocks in order."""

    output: Path
    title: str
    blocks: list[Block]

    @property
    def page_count(self) -> int:
        return 1 + sum(block.kind == "page" for block in self.blocks)


def parse_source(path: Path, sources_dir: Path = SOURCES_DIR,
                 data_dir: Path = DATA_DIR) -> SourceDocument:
    """Read one `<name>.<pdf|docx>.txt` source into blocks (see the module docstring)."""
    output = data_dir / path.relative_to(sources_dir).with_suffix("")
    lines = path.read_text(encoding="utf-8").splitlines()
    if output.suffix == ".pdf":
        _require_latin1(path, lines)
    title, blocks = output.stem, []
    for line in (raw.strip() for raw in lines):
        if line.startswith("title:"):
            title = line.removeprefix("title:").strip()
        elif line:
            _append_block(blocks, line)
    return SourceDocument(output=output, title=title, blocks=blocks)


def _require_latin1(path: Path, lines: list[str]) -> None:
    for number, line in enumerate(lines, start=1):
        try:
            line.encode("latin-1")
        except UnicodeEncodeError as exc:
            bad = line[exc.start]
            raise ValueError(f"{path}:{number}: {bad!r} is not latin-1; the PDF core fonts "
                             "cannot show it. Use a plain ASCII equivalent.") from None


def _append_block(blocks: list[Block], line: str) -> None:
    if line == PAGE_BREAK:
        blocks.append(Block("page"))
    elif line.startswith("#"):
        marks, _, text = line.partition(" ")
        blocks.append(Block("heading", text.strip(), level=len(marks)))
    elif line.startswith("- "):
        blocks.append(Block("bullet", line[2:].strip()))
    elif line.startswith("|"):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if not blocks or blocks[-1].kind != "table":
            blocks.append(Block("table"))
        blocks[-1].rows.append(cells)
    else:
        blocks.append(Block("paragraph", line))


class _HelpCentrePdf(FPDF):
    """A4 pages with a small footer naming the document, as printed help-centre PDFs have."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 5, f"Tallyflow Ltd - {self.title} - page {self.page_no()}", align="C")


def render_pdf(source: SourceDocument) -> bytes:
    """The PDF bytes: one A4 page per `---page---` section, fixed dates, no auto overflow."""
    pdf = _HelpCentrePdf(format="A4")
    pdf.set_title(source.title)
    pdf.set_author(AUTHOR)
    pdf.set_creator("products.rag_search.tools.build_sample_docs")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    for block in source.blocks:
        _draw_pdf_block(pdf, block)
    if pdf.pages_count != source.page_count:
        raise ValueError(f"{source.output.name}: text overflowed to {pdf.pages_count} pages, "
                         f"expected {source.page_count}. Shorten the page or add a page break.")
    return bytes(pdf.output())


def _draw_pdf_block(pdf: FPDF, block: Block) -> None:
    if block.kind == "page":
        pdf.add_page()
    elif block.kind == "heading":
        pdf.ln(2 if pdf.get_y() > pdf.t_margin + 1 else 0)
        pdf.set_font("helvetica", "B", PDF_HEADING_SIZES.get(block.level, PDF_BODY_SIZE))
        pdf.multi_cell(0, PDF_LINE_HEIGHT + 2, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif block.kind == "table":
        _draw_pdf_table(pdf, block.rows)
    else:
        _draw_pdf_text(pdf, block)


def _draw_pdf_text(pdf: FPDF, block: Block) -> None:
    pdf.set_font("helvetica", size=PDF_BODY_SIZE)
    indent = 5 if block.kind == "bullet" else 0
    pdf.set_x(pdf.l_margin + indent)
    text = f"- {block.text}" if block.kind == "bullet" else block.text
    pdf.multi_cell(pdf.epw - indent, PDF_LINE_HEIGHT, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _draw_pdf_table(pdf: FPDF, rows: list[list[str]]) -> None:
    pdf.set_font("helvetica", size=PDF_BODY_SIZE - 1)
    with pdf.table(text_align="LEFT", line_height=PDF_LINE_HEIGHT) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(2)


def render_docx(source: SourceDocument) -> bytes:
    """The DOCX bytes: real Word heading styles and tables, fixed core properties and zip dates."""
    document = new_word_document()
    _set_core_properties(document, source.title)
    for block in source.blocks:
        _add_docx_block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_zip_dates(buffer.getvalue())


def _set_core_properties(document: WordDocument, title: str) -> None:
    properties = document.core_properties
    properties.title = title
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.created = FIXED_DATE
    properties.modified = FIXED_DATE
    properties.last_printed = FIXED_DATE
    properties.revision = 1


def _add_docx_block(document: WordDocument, block: Block) -> None:
    if block.kind == "heading":
        document.add_heading(block.text, level=block.level)
    elif block.kind == "bullet":
        document.add_paragraph(block.text, style="List Bullet")
    elif block.kind == "paragraph":
        document.add_paragraph(block.text)
    elif block.kind == "table":
        _add_docx_table(document, block.rows)


def _add_docx_table(document: WordDocument, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=max(len(cells) for cells in rows))
    table.style = "Table Grid"
    for row, cells in zip(table.rows, rows, strict=False):
        for cell, text in zip(row.cells, cells, strict=False):
            cell.text = text
    for cell in table.rows[0].cells:
        for run in (run for paragraph in cell.paragraphs for run in paragraph.runs):
            run.bold = True


def _with_fixed_zip_dates(data: bytes) -> bytes:
    """Rewrite the package with one fixed timestamp per entry (python-docx stamps `now`)."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


RENDERERS = {".pdf": render_pdf, ".docx": render_docx}


def source_files(sources_dir: Path = SOURCES_DIR) -> list[Path]:
    """Every `*.pdf.txt` and `*.docx.txt` source, sorted so output order is stable."""
    return sorted(path for path in sources_dir.rglob("*.txt")
                  if Path(path.stem).suffix in RENDERERS)


def build_all(sources_dir: Path = SOURCES_DIR, data_dir: Path = DATA_DIR) -> list[Path]:
    """Render every source into `data_dir`; returns the files written."""
    written = []
    for path in source_files(sources_dir):
        source = parse_source(path, sources_dir, data_dir)
        source.output.parent.mkdir(parents=True, exist_ok=True)
        source.output.write_bytes(RENDERERS[source.output.suffix](source))
        written.append(source.output)
    return written


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in build_all():
        logger.info("wrote %s", path.relative_to(DATA_DIR))


if __name__ == "__main__":
    main()
