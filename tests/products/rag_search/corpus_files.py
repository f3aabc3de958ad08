"""Small help-centre corpora for the RAG tests, written into tmp_path (text written for the kit).

One good file per supported format, so ingest, retrieval and the CLI see Markdown headings,
HTML headings, DOCX headings and PDF pages; plus the bad files an ingest must skip and report.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as WordDocument

from tests.shared.test_documents import encrypt_pdf, make_pdf

REFUNDS_MD = """# Refunds

## Annual plans
Annual plans can be refunded within 30 days of purchase. Open Billing, choose Invoices, then
press Request refund.

## Monthly plans
Monthly plans are not refunded, but you can cancel any time before the next renewal date.
"""

ERRORS_TXT = """Troubleshooting calendar sync.

Error ERR-4012 means the calendar token expired. Reconnect the calendar from Settings to clear it.

Error ERR-5100 means the workspace is over its storage quota. Archive old boards to free space.
"""

TEAM_HTML = """<html><head><title>Inviting teammates</title></head><body>
<h1>Inviting teammates</h1>
<p>Admins invite teammates from Settings, then Members. Each invite link expires after seven
days.</p>
<h2>Roles</h2>
<p>Viewers can read boards but cannot edit cards. Editors can move cards between columns.</p>
</body></html>
"""

PDF_PAGES = [
    "Security overview. All workspace data is encrypted at rest with AES-256 keys.",
    "Single sign-on is available on the Enterprise plan through SAML identity providers.",
]

GOOD_FILES = ("billing/refunds.md", "errors.txt", "handbook.pdf", "manual.docx", "team.html")
BAD_FILES = ("broken.pdf", "empty.txt", "fake.txt", "notes.xyz", "secret.pdf")


def make_docx() -> bytes:
    word = WordDocument()
    word.core_properties.title = "Data export manual"
    word.add_heading("Exporting data", level=1)
    word.add_paragraph("Exports are generated as CSV files and emailed to the account owner.")
    word.add_heading("Scheduled exports", level=2)
    word.add_paragraph("Scheduled exports run every Sunday night in the workspace time zone.")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data)
    else:
        path.write_bytes(data)
    return path


def write_good_corpus(folder: Path) -> Path:
    """One file per format (MD in a subfolder), all readable."""
    write(folder, "billing/refunds.md", REFUNDS_MD)
    write(folder, "errors.txt", ERRORS_TXT)
    write(folder, "team.html", TEAM_HTML)
    write(folder, "manual.docx", make_docx())
    write(folder, "handbook.pdf", make_pdf(PDF_PAGES, title="Security handbook"))
    return folder


def write_bad_files(folder: Path) -> Path:
    """Files an ingest must skip with a reason, never crash on."""
    write(folder, "broken.pdf", b"%PDF-1.4 garbage")
    write(folder, "empty.txt", b"")
    write(folder, "fake.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 4)
    write(folder, "notes.xyz", "Plain words in a format the kit does not read.")
    write(folder, "secret.pdf", encrypt_pdf(make_pdf(["Payroll figures."]), user_password="pw"))
    return folder
