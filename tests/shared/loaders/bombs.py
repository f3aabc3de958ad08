"""Small files that expand into a lot of work, built in memory in a few lines (never committed).

`empty_paragraph_docx()` is the probe's 64 KB DOCX of 8 million empty paragraphs (124 s and
~1 GB to load before the paragraph budget); `many_page_pdf()` is a 5,000-page PDF whose pages
share one content stream, so it is small to build and was slow to read (69-85 s);
`drawing_operator_pdf()` is 9 KB and one page whose content stream inflates to 1.5 MB of
text operators, which pypdf reads in one call of ~9 s (27 s for three times as many).
"""

from __future__ import annotations

import io
import zipfile

from shared._loaders.pdf import one_page_pdf

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')


def empty_paragraph_docx(paragraphs: int = 8_000_000) -> bytes:
    body = "<w:p/>" * paragraphs
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'
                f"<w:p><w:r><w:t>Opening words</w:t></w:r></w:p>{body}</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def many_page_pdf(pages: int = 5_000, text: str = "Refunds take five business days.") -> bytes:
    """A valid PDF (with xref table) of `pages` pages that all draw the same line of text."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    first_page = 5
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>")
    objects += [page] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def drawing_operator_pdf(operators: int = 100_000) -> bytes:
    return one_page_pdf(b"BT /F1 12 Tf 10 10 Td " + b"(ab) Tj 1 0 Td " * operators + b"ET")
