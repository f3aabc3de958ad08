"""Render the sample résumés' PDF and DOCX from reviewed plain-text sources, byte-identically.

Binary files cannot be reviewed in a diff, so the text lives in `tools/sample_sources/
<name>.<pdf|docx>.txt` and this script writes `data/resumes/<name>.<pdf|docx>`. The DOCX goes
through the product's own ATS-safe writer (`core.docx_output`), so the sample is what the
assistant itself would produce; the PDF uses fpdf2 (a dev dependency: only this tool needs
it). Dates are fixed, so a rerun changes no byte unless a source changed.

Source markup: `title: …` (metadata), `# `/`## ` headings, `- ` bullets, `**…**` bold lines,
anything else a paragraph. PDF sources must be latin-1 (fpdf2's core fonts).

Run: `.venv/bin/python -m products.resume_assistant.tools.build_sample_resumes`
"""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from products.resume_assistant.core.docx_output import markdown_to_docx

TOOLS_DIR = Path(__file__).resolve().parent
SOURCES_DIR = TOOLS_DIR / "sample_sources"
OUTPUT_DIR = TOOLS_DIR.parent / "data" / "resumes"
FIXED_DATE = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)
ZIP_EPOCH = (2026, 11, 2, 9, 0, 0)
HEADING_SIZES = {1: 16.0, 2: 12.5}

logger = logging.getLogger(__name__)


def read_source(path: Path) -> tuple[str, list[str]]:
    """(title, markup lines) of one source file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((ln.removeprefix("title:").strip() for ln in lines if ln.startswith("title:")),
                 path.stem)
    return title, [ln.strip() for ln in lines if ln.strip() and not ln.startswith("title:")]


def render_docx(title: str, lines: list[str]) -> bytes:
    """The product writer's DOCX, with fixed properties and zip dates for stable bytes."""
    from docx import Document as open_word_document

    document = open_word_document(io.BytesIO(markdown_to_docx("\n".join(lines), title=title)))
    properties = document.core_properties
    properties.author = properties.last_modified_by = "AI PM Starter Kit"
    properties.created = properties.modified = properties.last_printed = FIXED_DATE
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_dates(buffer.getvalue())


def render_pdf(title: str, lines: list[str]) -> bytes:
    """A one-column A4 PDF with a real text layer (so the loaders can read it)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("products.resume_assistant.tools.build_sample_resumes")
    pdf.add_page()
    for line in lines:
        _draw_line(pdf, line)
    return bytes(pdf.output())


def _draw_line(pdf: object, line: str) -> None:
    marks, _, rest = line.partition(" ")
    if line.startswith("#"):
        pdf.set_font("helvetica", "B", HEADING_SIZES.get(len(marks), 11.0))  # type: ignore
        pdf.multi_cell(0, 7, rest, new_x="LMARGIN", new_y="NEXT")  # type: ignore
        return
    bold = line.startswith("**")
    pdf.set_font("helvetica", "B" if bold else "", 10)  # type: ignore
    text = line.strip("*") if bold else line
    pdf.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT")  # type: ignore
    pdf.ln(1)  # type: ignore


def _fixed_zip_dates(data: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


RENDERERS = {".pdf": render_pdf, ".docx": render_docx}


def build_all(sources_dir: Path = SOURCES_DIR, output_dir: Path = OUTPUT_DIR) -> list[Path]:
    """Render every `<name>.<pdf|docx>.txt` source; returns the files written."""
    written = []
    for path in sorted(sources_dir.glob("*.txt")):
        target = output_dir / path.stem
        title, lines = read_source(path)
        target.write_bytes(RENDERERS[target.suffix](title, lines))
        written.append(target)
    return written


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in build_all():
        logger.info("wrote %s", path.name)


if __name__ == "__main__":
    main()
