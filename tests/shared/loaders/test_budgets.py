"""Per-file budgets of pages, paragraphs, characters and seconds: a bomb is refused by name,
with the setting that raises the limit, and the rest of the batch goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import Settings
from shared.documents import LoadBudget, TooMuchContent, iter_documents, load_budget, load_bytes
from tests.shared.loaders.bombs import empty_paragraph_docx, many_page_pdf
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
