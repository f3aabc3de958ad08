"""PDF with pypdf: one section per page, keeping the page number for citations; a page's
tables come out as `a | b | c` rows (pdf_tables.py)."""

from __future__ import annotations

import functools
import io
import logging
import zlib
from typing import TYPE_CHECKING

from shared._loaders.limits import meter
from shared._loaders.model import (
    CorruptFile,
    Document,
    EncryptedFile,
    NoTextLayer,
    Section,
    stem,
)
from shared._loaders.pdf_tables import page_lines, tabulated

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

# What pypdf raises on damaged files besides its own errors: it parses untrusted structure.
DAMAGED_PDF_ERRORS: tuple[type[Exception], ...] = (
    ValueError, KeyError, TypeError, IndexError, AttributeError, OSError, RecursionError,
)


def load_pdf(name: str, data: bytes) -> Document:
    """One section per page with text; image-only, encrypted and damaged files are named."""
    reader = _open(name, data)
    try:
        pages = _page_texts(name, reader)
        title = str(reader.metadata.title) if reader.metadata and reader.metadata.title else ""
    except _encryption_errors() as exc:  # AES objects met while reading: encrypted, not damaged
        raise _encrypted(name) from exc
    except _errors() as exc:
        raise _corrupt(name, exc) from exc
    sections = [Section(page=number, text=text.strip())
                for number, text in enumerate(pages, start=1) if text.strip()]
    if not sections:
        raise NoTextLayer(f"{name} is an image-only PDF: no text layer. Run OCR on it first "
                          "or export it as text.")
    return Document(source=name, title=title.strip() or stem(name), format="pdf",
                    sections=sections)


def _page_texts(name: str, reader: PdfReader) -> list[str]:
    """Each page's text, stopping as soon as the file is over its budget of text or time."""
    pages: list[str] = []
    budget = meter(name)
    for page in reader.pages:
        budget.tick()
        pages.append(_page_text(page))
        budget.add_chars(len(pages[-1]))
    return pages


def _page_text(page: PageObject) -> str:
    """pypdf's plain text, or the page rebuilt with its tables as rows when it has any."""
    plain = page.extract_text() or ""
    try:
        with_tables = tabulated(page_lines(page))
    except (ImportError, *_errors()):  # layout internals missing or confused: plain is fine
        return plain
    return with_tables if with_tables is not None else plain


def _open(name: str, data: bytes) -> PdfReader:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files warn on every object
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt_with_empty_password(name, reader)
        meter(name).pages(_declared_pages(reader))  # before pypdf walks a 5,000-page tree
        if len(reader.pages) == 0:
            raise CorruptFile(f"{name} is a PDF with no pages. Re-export it from the app that "
                              "made it.")
        meter(name).pages(len(reader.pages))  # the real count, if /Count understated it
    except _encryption_errors() as exc:
        raise _encrypted(name) from exc
    except _errors() as exc:
        raise _corrupt(name, exc) from exc
    return reader


def _declared_pages(reader: PdfReader) -> int:
    """The page tree's own /Count: read in O(1), where `len(reader.pages)` walks every page."""
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return int(count) if isinstance(count, int) else 0


def _decrypt_with_empty_password(name: str, reader: PdfReader) -> None:
    """Many "protected" PDFs only restrict printing and open with an empty password, as every
    reader tries first; AES ones need the `cryptography` package, a declared dependency."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError

    try:
        opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except DependencyError:
        opened = False  # AES without the `cryptography` package: cannot open it here
    if not opened:
        raise _encrypted(name)


def _encrypted(name: str) -> EncryptedFile:
    return EncryptedFile(f"{name} is a password-protected PDF, encrypted: give the password or "
                         "an unencrypted copy. Remove the password (open it and print or save "
                         "it as a new PDF) and try again.")


def _encryption_errors() -> tuple[type[Exception], ...]:
    """pypdf's "cannot decrypt this" errors: a missing AES backend, or no password given."""
    from pypdf.errors import DependencyError, FileNotDecryptedError

    return (DependencyError, FileNotDecryptedError)


def _errors() -> tuple[type[Exception], ...]:
    from pypdf.errors import PyPdfError

    return (PyPdfError, *DAMAGED_PDF_ERRORS)


def _corrupt(name: str, exc: Exception) -> CorruptFile:
    return CorruptFile(f"{name} is not a readable PDF (it looks damaged or truncated: {exc}). "
                       "Re-download or re-export it and try again.")


__all__ = ["load_pdf"]


@functools.cache
def warm_up_pdf() -> None:
    """Read a one-page PDF once in this process, before files are read in forked children
    (shared._loaders.isolated): pypdf, its fonts and its codecs load on first use (~60 ms),
    and a child that loads them itself pays that again for every file."""
    load_pdf("warm-up.pdf", one_page_pdf(b"BT /F1 12 Tf 72 720 Td (warm up) Tj ET"))


def one_page_pdf(drawing: bytes) -> bytes:
    """The smallest PDF whose one page runs `drawing` (PDF text operators, in Helvetica)."""
    content = zlib.compress(drawing)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%b\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
