"""Hostile and unlucky files: every loader ends in a Document or a BadInput, never a crash.

Truncated, garbage, bit-flipped, wrong-extension, encrypted and bomb files for each format
(PDF, DOCX, HTML, MD, TXT). Bombs are built here in a few lines, never committed as binaries.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared._loaders.limits import MAX_PART_BYTES, MAX_TEXT_CHARS
from shared.documents import (
    SUPPORTED_SUFFIXES,
    CorruptFile,
    Document,
    EncryptedFile,
    TooMuchContent,
    load_bytes,
)
from shared.errors import BadInput
from tests.shared.test_documents import encrypt_pdf, make_docx, make_pdf

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HTML = (b"<html><head><title>Guide</title></head><body><h1>Setup</h1><p>Install it.</p>"
        b"<table><tr><td>Plan</td><td>Seats</td></tr></table></body></html>")
MARKDOWN = b"# Guide\n\n## Setup\n\nInstall it.\n\n```\n# not a heading\n```\n"
TEXT = b"Refunds take five days.\nExports run nightly.\n"
VALID = {".pdf": make_pdf(["Refunds take five days.", "Exports run nightly."]),
         ".docx": make_docx(), ".html": HTML, ".md": MARKDOWN, ".txt": TEXT}


def loads_or_skips(name: str, data: bytes) -> Document | BadInput:
    """The contract under test: a Document, or a BadInput whose message names the file."""
    try:
        return load_bytes(name, data)
    except BadInput as error:
        assert name in error.message and "\n" not in error.message
        return error


@FUZZ
@given(st.sampled_from(sorted(VALID)), st.floats(0.0, 1.0))
def test_truncated_files_load_or_skip(suffix: str, keep: float) -> None:
    data = VALID[suffix]
    loads_or_skips(f"cut{suffix}", data[: int(len(data) * keep)])


@FUZZ
@given(st.sampled_from(SUPPORTED_SUFFIXES), st.binary(max_size=4096))
def test_garbage_bytes_load_or_skip(suffix: str, data: bytes) -> None:
    loads_or_skips(f"garbage{suffix}", data)


@FUZZ
@given(st.sampled_from(sorted(VALID)), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                min_size=1, max_size=8))
def test_bit_flipped_files_load_or_skip(suffix: str, flips: list[tuple[float, int]]) -> None:
    data = bytearray(VALID[suffix])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    loads_or_skips(f"flipped{suffix}", bytes(data))


@pytest.mark.parametrize("real", sorted(VALID))
@pytest.mark.parametrize("claimed", SUPPORTED_SUFFIXES)
def test_wrong_extension_loads_or_skips(real: str, claimed: str) -> None:
    loads_or_skips(f"renamed{claimed}", VALID[real])


def docx_with_document_xml(document_xml: bytes) -> bytes:
    """The sample DOCX with its main part replaced (damaged, forged or a bomb)."""
    source = zipfile.ZipFile(io.BytesIO(VALID[".docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename,
                            document_xml if info.filename == "word/document.xml" else content)
    return out.getvalue()


def test_docx_with_damaged_xml_is_a_per_file_skip() -> None:
    """Before: lxml's XMLSyntaxError escaped the loader and stopped the whole batch."""
    original = zipfile.ZipFile(io.BytesIO(VALID[".docx"])).read("word/document.xml")
    with pytest.raises(CorruptFile, match=r"damaged\.docx is not a readable \.docx"):
        load_bytes("damaged.docx", docx_with_document_xml(original[: len(original) // 2]))


def test_docx_with_billion_laughs_entities_does_not_expand() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "haha">'
              + b"".join(b'<!ENTITY %s "&%s;&%s;&%s;&%s;&%s;&%s;&%s;&%s;&%s;&%s;">'
                         % (bytes([98 + i]), *[bytes([97 + i])] * 10) for i in range(8))
              + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
              + b'2006/main"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>')
    result = loads_or_skips("laughs.docx", docx_with_document_xml(laughs))
    assert isinstance(result, BadInput) or len(result.text) < 1000


def test_docx_zip_bomb_is_refused_before_it_expands() -> None:
    """A small DOCX whose XML expands past the cap (the probe: 713 KB -> 200 MB of XML)."""
    source = zipfile.ZipFile(io.BytesIO(VALID[".docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                       b'wordprocessingml/2006/main"><w:body>')
            block = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 30_000
            for _ in range(MAX_PART_BYTES // len(block) + 1):
                part.write(block)
            part.write(b"</w:body></w:document>")
    assert len(out.getvalue()) < MAX_PART_BYTES // 50  # it really is a bomb
    with pytest.raises(TooMuchContent, match=r"bomb\.docx expands to .* MB of XML"):
        load_bytes("bomb.docx", out.getvalue())


@pytest.mark.timeout(90)  # a hang guard, not a timing check: python-docx needed 132 s here
def test_docx_of_100k_paragraphs_loads_every_paragraph() -> None:
    body = b"".join(b"<w:p><w:r><w:t>line %d</w:t></w:r></w:p>" % i for i in range(100_000))
    xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b"<w:body>" + body + b"</w:body></w:document>")
    document = load_bytes("many.docx", docx_with_document_xml(xml))
    lines = document.text.splitlines()
    assert len(lines) == 100_000 and lines[-1] == "line 99999"


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_single_line_text_over_the_limit_is_a_clear_skip(suffix: str) -> None:
    """The probe: a 10 MB one-line text file took 49 s and 1.1 GB to ingest."""
    data = b"word " * (MAX_TEXT_CHARS // 5 + 1000)
    with pytest.raises(TooMuchContent, match=f"huge{suffix} holds over 3,000,000 characters"):
        load_bytes(f"huge{suffix}", data)


def test_text_just_under_the_limit_still_loads() -> None:
    data = b"word " * (MAX_TEXT_CHARS // 5 - 10)
    assert len(load_bytes("big.txt", data).text) <= MAX_TEXT_CHARS


def test_encrypted_pdf_and_encrypted_office_file_are_skipped_with_a_reason() -> None:
    with pytest.raises(EncryptedFile, match=r"locked\.pdf is a password-protected PDF"):
        load_bytes("locked.pdf", encrypt_pdf(VALID[".pdf"], "secret"))
    # Word saves a password-protected .docx as an OLE compound file, not a zip.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)
    with pytest.raises(CorruptFile, match="password-protected"):
        load_bytes("locked.docx", ole)


def test_deeply_nested_html_loads() -> None:
    html = b"<div>" * 50_000 + b"deep text" + b"</div>" * 50_000
    assert "deep text" in load_bytes("deep.html", html).text
