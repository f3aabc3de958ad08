"""Per-file budgets of pages, paragraphs, characters and seconds: a bomb is refused by name,
with the setting that raises the limit, and the rest of the batch goes on."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import shared.documents as documents
from shared._loaders.isolated import ISOLATE_ABOVE_BYTES, needs_isolation
from shared._loaders.pdf import warm_up_pdf
from shared.config import Settings
from shared.documents import (
    CorruptFile,
    Document,
    EncryptedFile,
    LoadBudget,
    Section,
    TooMuchContent,
    iter_documents,
    load_budget,
    load_bytes,
)
from tests.shared.loaders.bombs import drawing_operator_pdf, empty_paragraph_docx, many_page_pdf
from tests.shared.test_documents import make_docx


def test_the_64kb_docx_of_empty_paragraphs_hits_the_paragraph_budget() -> None:
    bomb = empty_paragraph_docx()
    assert len(bomb) < 80_000
    with pytest.raises(TooMuchContent) as caught:
        load_bytes("empty.docx", bomb)
    assert caught.value.message.startswith("empty.docx has over 100,000 paragraphs")
    assert "AIPM_LOAD_MAX_PARAGRAPHS" in caught.value.message


def test_the_5000_page_pdf_hits_the_page_budget_before_reading_a_page() -> None:
    with pytest.raises(TooMuchContent) as caught:
        load_bytes("pages.pdf", many_page_pdf(5_000))
    assert caught.value.message.startswith("pages.pdf has 5,000 pages, over the 2,000-page")
    assert "AIPM_LOAD_MAX_PAGES" in caught.value.message


def test_a_pdf_under_the_page_budget_still_loads() -> None:
    document = load_bytes("ok.pdf", many_page_pdf(12))
    assert len(document.sections) == 12 and "five business days" in document.sections[0].text
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_PAGES"):
        load_bytes("ok.pdf", many_page_pdf(12), budget=LoadBudget(max_pages=11))


def test_the_seconds_budget_stops_a_slow_file() -> None:
    with pytest.raises(TooMuchContent, match=r"took over 1e-09 s .*AIPM_LOAD_MAX_SECONDS"):
        load_bytes("slow.pdf", many_page_pdf(3), budget=LoadBudget(max_seconds=1e-9))
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_SECONDS"):
        load_bytes("slow.docx", empty_paragraph_docx(1_000), budget=LoadBudget(max_seconds=1e-9))


def test_the_character_budget_names_its_setting() -> None:
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_CHARS"):
        load_bytes("long.txt", b"word " * 100, budget=LoadBudget(max_chars=50))
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_CHARS"):
        load_bytes("long.pdf", many_page_pdf(4), budget=LoadBudget(max_chars=40))


def test_paragraphs_in_tables_count_too() -> None:
    assert load_bytes("t.docx", make_docx(), budget=LoadBudget(max_paragraphs=50))
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_PARAGRAPHS"):
        load_bytes("t.docx", make_docx(), budget=LoadBudget(max_paragraphs=2))


def test_the_budget_comes_from_settings() -> None:
    settings = Settings(AIPM_LOAD_MAX_PAGES=3, AIPM_LOAD_MAX_PARAGRAPHS=4, AIPM_LOAD_MAX_CHARS=5,
                        AIPM_LOAD_MAX_SECONDS=6)
    assert load_budget(settings) == LoadBudget(max_pages=3, max_paragraphs=4, max_chars=5,
                                               max_seconds=6)
    assert load_budget(Settings()) == LoadBudget()


def test_a_bomb_in_a_batch_is_skipped_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "a_bomb.docx").write_bytes(empty_paragraph_docx())
    (tmp_path / "b_pages.pdf").write_bytes(many_page_pdf(5_000))
    (tmp_path / "c_good.md").write_text("# Refunds\n\nRefunds take five days.\n")
    results = {path.name: outcome for path, outcome in iter_documents(tmp_path)}
    assert isinstance(results["a_bomb.docx"], TooMuchContent)
    assert isinstance(results["b_pages.pdf"], TooMuchContent)
    assert "five days" in results["c_good.md"].text  # type: ignore[union-attr]


def aes_pdf(user_password: str, algorithm: str) -> bytes:
    import io

    from pypdf import PdfWriter

    from tests.shared.test_documents import make_pdf

    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(["Refunds take five business days."])))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_an_aes_pdf_with_a_password_is_reported_encrypted_not_damaged(algorithm: str) -> None:
    from shared.documents import EncryptedFile

    with pytest.raises(EncryptedFile) as caught:
        load_bytes("locked.pdf", aes_pdf("hunter2", algorithm))
    assert "encrypted: give the password or an unencrypted copy" in caught.value.message


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_an_aes_pdf_without_a_user_password_opens_with_the_empty_password(algorithm: str) -> None:
    assert "five business days" in load_bytes("open.pdf", aes_pdf("", algorithm)).text


def test_an_aes_pdf_is_encrypted_even_without_the_aes_backend(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe: without `cryptography`, the empty password opens an AES-128 file (its check
    is MD5/RC4) and pypdf raises DependencyError on the first object it reads: "encrypted"."""
    from pypdf._crypt_providers import CryptAES
    from pypdf.errors import DependencyError

    from shared.documents import EncryptedFile

    def no_backend(self: CryptAES, data: bytes, **kwargs: object) -> bytes:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    data = aes_pdf("", "AES-128")
    monkeypatch.setattr(CryptAES, "decrypt", no_backend)
    with pytest.raises(EncryptedFile, match="give the password or an unencrypted copy"):
        load_bytes("open.pdf", data)


def test_the_paragraph_bomb_is_refused_before_the_xml_is_parsed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The byte scan counts `<w:p` while the part decompresses: lxml never sees the bomb."""
    from shared._loaders import _docx_xml

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the body was parsed before the paragraph count refused it")

    monkeypatch.setattr(_docx_xml.etree, "iterparse", no_parse)
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_PARAGRAPHS"):
        load_bytes("empty.docx", empty_paragraph_docx())


def test_the_byte_scan_counts_tags_split_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared._loaders import _docx_xml

    monkeypatch.setattr(_docx_xml, "SCAN_CHUNK", 7)  # every tag straddles some boundary
    budget = LoadBudget(max_paragraphs=40)
    assert load_bytes("few.docx", empty_paragraph_docx(39), budget=budget)  # 40 with the first
    monkeypatch.setattr(_docx_xml.etree, "iterparse", lambda *a, **k: iter(()))
    with pytest.raises(TooMuchContent, match="AIPM_LOAD_MAX_PARAGRAPHS"):
        load_bytes("few.docx", empty_paragraph_docx(40), budget=budget)


def test_a_parser_stuck_in_one_call_is_stopped_at_the_seconds_budget(tmp_path: Path) -> None:
    """The page's text is one pypdf call of several seconds, where the meter never ticks: the
    child reading it is killed at the budget and the next file in the batch still loads."""
    (tmp_path / "a-bomb.pdf").write_bytes(drawing_operator_pdf())
    (tmp_path / "b-fine.md").write_text("# Refunds\n\nRefunds take five business days.\n")
    results = dict(iter_documents(tmp_path, budget=LoadBudget(max_seconds=1)))
    refused = results[tmp_path / "a-bomb.pdf"]
    assert isinstance(refused, TooMuchContent)
    assert refused.message == (f"{tmp_path / 'a-bomb.pdf'} took over 1 s to read, the limit "
                               "for one file. Split it into smaller files, or raise "
                               "AIPM_LOAD_MAX_SECONDS.")
    assert "five business days" in results[tmp_path / "b-fine.md"].sections[0].text


def test_a_loader_that_never_returns_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(documents.LOADERS, ".pdf", lambda name, data: time.sleep(60))
    with pytest.raises(TooMuchContent, match=r"^stuck.pdf took over 0.2 s to read"):
        load_bytes("stuck.pdf", b"%PDF-1.4", budget=LoadBudget(max_seconds=0.2))


def test_a_reader_that_crashes_is_a_damaged_file_not_a_crash_of_the_kit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(documents.LOADERS, ".docx", lambda name, data: os._exit(3))
    with pytest.raises(CorruptFile, match=r"^crash.docx made the reader crash \(exit code 3\)"):
        load_bytes("crash.docx", b"PK\x03\x04")


def test_errors_and_documents_come_back_from_the_child_unchanged(
        monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def loader(name: str, data: bytes) -> Document:
        if data == b"bad":
            raise EncryptedFile(f"{name} is encrypted (read in {os.getpid() != parent})")
        return Document(source=name, title=str(os.getpid() != parent), format="pdf",
                        sections=[Section(page=1, text="read in a child")])

    monkeypatch.setitem(documents.LOADERS, ".pdf", loader)
    assert load_bytes("ok.pdf", b"fine").title == "True"
    with pytest.raises(EncryptedFile, match=r"^bad.pdf is encrypted \(read in True\)$"):
        load_bytes("bad.pdf", b"bad")


def test_small_text_files_are_read_in_process_and_big_ones_or_containers_are_not() -> None:
    assert not needs_isolation("notes.md", ISOLATE_ABOVE_BYTES)
    assert needs_isolation("notes.md", ISOLATE_ABOVE_BYTES + 1)
    assert needs_isolation("tiny.PDF", 10) and needs_isolation("tiny.docx", 10)


def test_pdf_parsing_is_loaded_in_the_parent_so_each_child_need_not() -> None:
    """Without the warm-up every forked child imports pypdf afresh (~60 ms a file)."""
    warm_up_pdf.cache_clear()
    load_bytes("ok.pdf", many_page_pdf(1))
    assert warm_up_pdf.cache_info().currsize == 1
    assert "pypdf._text_extraction" in sys.modules
