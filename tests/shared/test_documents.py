"""Document loaders against files generated here: real PDFs (fpdf2, pypdf), DOCX, MD, HTML, TXT."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as WordDocument
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from shared.config import load_settings
from shared.documents import (
    SUPPORTED_SUFFIXES,
    CorruptFile,
    Document,
    EmptyFile,
    EncryptedFile,
    NoTextLayer,
    NotText,
    UnsupportedFormat,
    iter_documents,
    load_bytes,
    load_document,
    upload_limit_bytes,
)
from shared.errors import BadInput, TooLarge


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def make_image_only_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(200, 30, 30)
    pdf.rect(20, 20, 120, 80, style="F")
    pdf.circle(x=60, y=150, radius=20, style="D")
    return bytes(pdf.output())


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx() -> bytes:
    word = WordDocument()
    word.core_properties.title = "Onboarding guide"
    word.add_heading("Getting started", level=1)
    word.add_paragraph("Create an account with your work email.")
    word.add_heading("Invite your team", level=2)
    word.add_paragraph("Open Settings, then Members, and send invites.")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Plan", "Seats"
    table.cell(1, 0).text, table.cell(1, 1).text = "Team", "25"
    word.add_heading("Billing", level=1)
    word.add_paragraph("Invoices are sent monthly.")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_pdf_keeps_one_section_per_page_with_page_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "guide.pdf", make_pdf(
        ["Refunds are issued within 14 days.", "Contact support by chat."], title="Refund policy"))
    document = load_document(path)
    assert document.format == "pdf"
    assert document.title == "Refund policy"
    assert [s.page for s in document.sections] == [1, 2]
    assert "Refunds are issued within 14 days." in document.sections[0].text
    assert "Contact support by chat." in document.sections[1].text
    assert document.source == str(path)


def test_pdf_encrypted_with_empty_user_password_still_loads(tmp_path: Path) -> None:
    data = encrypt_pdf(make_pdf(["Only printing is restricted here."]), user_password="")
    document = load_bytes("restricted.pdf", data)
    assert "printing is restricted" in document.text


@pytest.mark.parametrize(
    ("name", "data", "error", "advice"),
    [
        ("broken.pdf", make_pdf(["Some text that will be cut."])[:120], CorruptFile,
         "Re-download or re-export"),
        ("junk.pdf", b"this was never a pdf at all", CorruptFile, "Re-download or re-export"),
        ("secret.pdf", encrypt_pdf(make_pdf(["Top secret."]), user_password="hunter2"),
         EncryptedFile, "Remove the password"),
        ("scan.pdf", make_image_only_pdf(), NoTextLayer, "Run OCR on it first"),
        ("empty.txt", b"", EmptyFile, "is empty"),
        ("spaces.txt", b"   \r\n  ", EmptyFile, "is empty"),
        ("blank.md", b"  \n\n\t\n", EmptyFile, "is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", NotText, "not a text file"),
        ("controls.txt", bytes(range(1, 9)) * 20, NotText, "not a text file"),
        ("undecodable.md", b"caf\x81\x8d\x8f\x90\x9d", NotText, "not a text file"),
        ("photo.png", b"\x89PNG", UnsupportedFormat, ".pdf, .docx"),
        ("broken.docx", b"PK\x03\x04 not really a zip", CorruptFile, "save it as .docx"),
        ("empty.docx", b"", EmptyFile, "is empty (0 bytes)"),
        ("empty.pdf", b"", EmptyFile, "is empty (0 bytes)"),
        ("only-markup.html", b"<html><script>var a = 1;</script></html>", EmptyFile,
         "contains no text"),
    ],
    # Ids without the bytes: an encrypted PDF differs per process on some pypdf versions,
    # and xdist refuses workers that collected different ids (seen in make test-floors).
    ids=lambda value: "data" if isinstance(value, bytes) else None,
)
def test_bad_files_raise_bad_input_naming_the_file(
    tmp_path: Path, name: str, data: bytes, error: type[BadInput], advice: str
) -> None:
    path = write(tmp_path, name, data)
    for load in (lambda: load_document(path), lambda: load_bytes(name, data)):
        with pytest.raises(error) as caught:
            load()
        assert name in caught.value.message
        assert advice in caught.value.message
        assert isinstance(caught.value, BadInput)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"word " * 1000)
    with pytest.raises(TooLarge, match=r"big\.txt is .* over the .* limit.*AIPM_MAX_UPLOAD_MB"):
        load_document(path, max_bytes=1000)
    with pytest.raises(TooLarge, match=r"big\.txt"):
        load_bytes("big.txt", b"word " * 1000, max_bytes=1000)
    assert load_document(path, max_bytes=10_000).text.startswith("word word")


def test_upload_limit_follows_settings() -> None:
    assert upload_limit_bytes(load_settings(max_upload_mb=2)) == 2 * 1024 * 1024


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"nowhere\.pdf does not exist"):
        load_document(tmp_path / "nowhere.pdf")


def test_docx_headings_become_heading_paths_and_tables_are_read() -> None:
    document = load_bytes("guide.docx", make_docx())
    assert document.format == "docx"
    assert document.title == "Onboarding guide"
    paths = [s.heading_path for s in document.sections]
    assert paths == [["Getting started"], ["Getting started", "Invite your team"], ["Billing"]]
    assert "Plan | Seats" in document.sections[1].text
    assert "Team | 25" in document.sections[1].text
    assert document.sections[2].text == "Invoices are sent monthly."


MARKDOWN = """Intro line before any heading.

# Help centre

Welcome.

## Passwords ##

Reset it from the login page.

```bash
# not a heading, just a shell comment
aipm doctor
```

### Two-factor

Use an authenticator app.

## Billing

Monthly invoices.
"""


def test_markdown_atx_headings_become_paths_and_fenced_code_is_text() -> None:
    document = load_bytes("help.md", MARKDOWN.encode())
    assert document.title == "Help centre"
    assert [s.heading_path for s in document.sections] == [
        [], ["Help centre"], ["Help centre", "Passwords"],
        ["Help centre", "Passwords", "Two-factor"], ["Help centre", "Billing"],
    ]
    assert "# not a heading, just a shell comment" in document.sections[2].text
    assert "Passwords\nReset it from the login page." in document.text


HTML = """<!doctype html><html><head><title>Pricing &amp; plans</title>
<style>body { color: red }</style><script>alert("no")</script></head>
<body><nav>Home</nav><h1>Plans</h1><p>Starter is <b>free</b>.</p>
<h2>Team</h2><ul><li>25 seats</li><li>SSO</li></ul><script>track()</script>
<h2>Enterprise</h2><p>Talk to   sales.</p></body></html>"""


def test_html_title_headings_and_visible_text_only() -> None:
    document = load_bytes("pricing.html", HTML.encode())
    assert document.title == "Pricing & plans"
    assert [s.heading_path for s in document.sections] == [
        [], ["Plans"], ["Plans", "Team"], ["Plans", "Enterprise"]]
    assert document.sections[1].text == "Starter is free."
    assert document.sections[2].text == "- 25 seats\n- SSO"  # <li> items keep a marker
    assert document.sections[3].text == "Talk to sales."
    assert "alert" not in document.text and "track" not in document.text
    assert "color" not in document.text


def test_windows_cp1252_text_loads(tmp_path: Path) -> None:
    text = "Café “quotes” – naïve résumé\r\nSecond line"
    path = write(tmp_path, "notes.txt", text.encode("cp1252"))
    document = load_document(path)
    assert document.title == "notes"
    assert document.text == "Café “quotes” – naïve résumé\nSecond line"


def test_utf8_bom_and_utf16_text_load() -> None:
    assert load_bytes("a.txt", "\ufeffhello wörld".encode()).text == "hello wörld"
    assert load_bytes("b.txt", "hello wörld".encode("utf-16")).text == "hello wörld"


def test_iter_documents_yields_errors_and_carries_on(tmp_path: Path) -> None:
    write(tmp_path / "kb", "a.md", b"# A\n\nAlpha text.")
    write(tmp_path / "kb", "sub/b.txt", b"Beta text.")
    write(tmp_path / "kb", "sub/c.pdf", b"not a pdf")
    write(tmp_path / "kb", "d.xyz", b"whatever")
    write(tmp_path / "kb", ".hidden/e.md", b"# skipped")
    results = {path.relative_to(tmp_path / "kb").as_posix(): outcome
               for path, outcome in iter_documents(tmp_path / "kb")}
    assert sorted(results) == ["a.md", "d.xyz", "sub/b.txt", "sub/c.pdf"]
    assert isinstance(results["a.md"], Document)
    assert isinstance(results["sub/b.txt"], Document)
    assert isinstance(results["sub/c.pdf"], CorruptFile)
    assert isinstance(results["d.xyz"], UnsupportedFormat)


def test_iter_documents_on_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        list(iter_documents(tmp_path / "nope"))


def test_supported_suffixes_cover_every_format() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".pdf", ".docx", ".md", ".markdown", ".html", ".htm",
                                       ".txt"}


def test_html_table_cells_stay_apart_on_one_line_per_row() -> None:
    """Minified tables ("<td>Team</td><td>EUR 12</td>") must not glue cells into "TeamEUR 12"."""
    html = (b"<h1>Plans</h1><table><tr><th>Plan</th><th>Price</th></tr>"
            b"<tr><td>Team</td><td>EUR 12</td></tr></table>")
    document = load_bytes("plans.html", html)
    assert document.sections[0].text.splitlines() == ["Plan | Price", "Team | EUR 12"]


def test_html_list_items_keep_a_marker_and_pre_blocks_keep_their_lines() -> None:
    html = (b"<h1>Pay</h1><p>Methods:</p><ul><li>Visa cards</li><li>SEPA Direct Debit</li></ul>"
            b"<pre>def pay():\n    return charge(card)\n</pre><p>Done.</p>")
    [section] = load_bytes("pay.html", html).sections
    assert section.text.splitlines() == ["Methods:", "- Visa cards", "- SEPA Direct Debit",
                                         "```", "def pay():", "    return charge(card)", "```",
                                         "Done."]


def test_docx_list_paragraphs_keep_a_marker() -> None:
    document = WordDocument()
    document.add_paragraph("Not reimbursed:")
    document.add_paragraph("Parking fines", style="List Bullet")
    document.add_paragraph("Minibar", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    [section] = load_bytes("policy.docx", buffer.getvalue()).sections
    assert section.text.splitlines() == ["Not reimbursed:", "- Parking fines", "- Minibar"]


def test_markdown_front_matter_is_metadata_not_content() -> None:
    """mkdocs/Jekyll pages open with a YAML block; quoted, "title: Logging" is no answer."""
    page = "---\ntitle: Logging and debugging\ntags: [how-to]\n---\n\nSet the level to DEBUG.\n"
    document = load_bytes("logging.md", page.encode())
    assert document.title == "Logging and debugging"
    assert "title:" not in document.text and "tags" not in document.text
    assert "Set the level to DEBUG." in document.text
    ruled = "---\n\nAn intro paragraph.\n\n---\n\n# Setup\n\nInstall it.\n"
    assert "An intro paragraph." in load_bytes("ruled.md", ruled.encode()).text
