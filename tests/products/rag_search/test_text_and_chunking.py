"""The shared tokenizer, the sentence splitter, and heading/page-aware chunking with overlap."""

from __future__ import annotations

from itertools import pairwise

import pytest

from products.rag_search.core.chunking import DraftChunk, chunk_document, chunk_text
from products.rag_search.core.structure import quotable_units
from products.rag_search.core.text import terms, words
from shared.documents import Document, Section
from shared.text import split_sentences


def numbered_sentences(count: int) -> list[str]:
    return [f"Sentence {i} explains how setting number {i} changes the workspace."
            for i in range(count)]


# --- terms and words -------------------------------------------------------------------------

def test_terms_stem_word_forms_to_one_term() -> None:
    assert terms("refunds refunded refunding Refund") == ["refund"] * 4


def test_terms_drop_stop_words_and_keep_content_words() -> None:
    assert terms("How do I reset the password for my account?") == ["reset", "password",
                                                                    "account"]
    assert terms("the and of to it is") == []


def test_terms_keep_digits_and_split_codes_on_punctuation() -> None:
    assert terms("Error ERR-4012 after v2.5") == ["error", "err", "4012", "v2", "5"]


def test_words_fold_curly_apostrophes_and_case() -> None:
    assert words("Don’t STOP") == ["don't", "stop"]


# --- chunk_text --------------------------------------------------------------------------------

@pytest.mark.parametrize("max_chars", [80, 150, 400])
def test_chunks_never_exceed_max_chars_and_lose_no_word(max_chars: int) -> None:
    text = " ".join(numbered_sentences(30))
    chunks = chunk_text(text, max_chars=max_chars, overlap_chars=max_chars // 4)
    assert len(chunks) > 1
    assert all(len(chunk) <= max_chars for chunk in chunks)
    chunk_words = {word for chunk in chunks for word in chunk.split()}
    assert set(text.split()) <= chunk_words
    assert chunks[0].startswith("Sentence 0 ") and chunks[-1].endswith("number 29 changes the "
                                                                       "workspace.")


def test_consecutive_chunks_overlap_by_whole_sentences() -> None:
    sentences = numbered_sentences(12)
    chunks = chunk_text(" ".join(sentences), max_chars=200, overlap_chars=70)
    for before, after in pairwise(chunks):
        shared = [s for s in sentences if s in before and s in after]
        assert shared, f"no overlap between {before!r} and {after!r}"
        assert after.startswith(shared[0])  # the overlap is the head of the next chunk
        assert before.endswith(shared[-1])  # ... and the tail of the previous one
        assert len(" ".join(shared)) <= 70  # within the overlap budget


def test_no_overlap_when_the_budget_is_smaller_than_a_sentence() -> None:
    sentences = numbered_sentences(6)
    chunks = chunk_text(" ".join(sentences), max_chars=140, overlap_chars=10)
    assert " ".join(chunks) == " ".join(sentences)


def test_every_sentence_appears_in_order_across_chunks() -> None:
    sentences = numbered_sentences(20)
    chunks = chunk_text(" ".join(sentences), max_chars=250, overlap_chars=80)
    first_chunk_of = [next(i for i, chunk in enumerate(chunks) if s in chunk) for s in sentences]
    assert first_chunk_of == sorted(first_chunk_of)


def test_a_giant_sentence_is_split_at_word_boundaries() -> None:
    giant = " ".join(f"word{i}" for i in range(400))  # ~3,000 characters, no full stop
    chunks = chunk_text(giant, max_chars=100, overlap_chars=20)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert " ".join(chunks).split() == giant.split()  # split, never cut inside a word


def test_short_text_is_one_chunk_and_empty_text_none() -> None:
    assert chunk_text("Just one line.", max_chars=100) == ["Just one line."]
    assert chunk_text("   ", max_chars=100) == []


# --- chunk_document ----------------------------------------------------------------------------

def sectioned_document() -> Document:
    long_body = " ".join(numbered_sentences(10))
    return Document(source="guide.pdf", title="Guide", format="pdf", sections=[
        Section(heading_path=["Setup"], page=1, text=long_body),
        Section(heading_path=["Setup", "Install"], page=1, text="Install the desktop app."),
        Section(heading_path=[], page=2, text="Page two says billing runs monthly."),
    ])


def test_chunks_never_cross_a_section_and_carry_its_heading_and_page() -> None:
    document = sectioned_document()
    drafts = chunk_document(document, max_chars=200, overlap_chars=60)
    for draft in drafts:
        owners = [section for section in document.sections if draft.text in section.text]
        assert len(owners) == 1, draft.text
        assert (draft.heading_path, draft.page) == (owners[0].heading_path, owners[0].page)
    assert drafts[-2] == DraftChunk(text="Install the desktop app.", heading_path=["Setup",
                                    "Install"], page=1, index=len(drafts) - 2)
    assert drafts[-1].heading_path == [] and drafts[-1].page == 2


def test_chunk_indexes_run_from_zero_in_reading_order() -> None:
    drafts = chunk_document(sectioned_document(), max_chars=200, overlap_chars=60)
    assert [draft.index for draft in drafts] == list(range(len(drafts)))
    assert sum(draft.heading_path == ["Setup"] for draft in drafts) > 1  # the long one split


def test_a_document_without_text_has_no_chunks() -> None:
    empty = Document(source="x.md", title="x", format="md",
                     sections=[Section(heading_path=["Only a heading"], text="  ")])
    assert chunk_document(empty) == []


# --- structure: code, lists, tables, non-content ---------------------------------------------

def test_a_code_block_keeps_its_newlines_and_is_never_split() -> None:
    code = "```python\n" + "\n".join(f"client.call({i})  # step {i}" for i in range(20)) + "\n```"
    text = f"Call the client like this.\n{code}\nThen close it."
    chunks = chunk_text(text, max_chars=400, overlap_chars=0)
    assert any(code in chunk for chunk in chunks)  # whole, newlines and all, though > 400


def test_each_list_item_keeps_its_own_line_and_text() -> None:
    text = "Options:\n- timeout: seconds to wait (Default 5).\n- retries: how often (Default 100)."
    [chunk] = chunk_text(text)
    assert chunk.splitlines() == ["Options:", "- timeout: seconds to wait (Default 5).",
                                  "- retries: how often (Default 100)."]


def test_every_chunk_of_a_table_starts_with_its_header() -> None:
    rows = [f"Plan {i} | EUR {i} per user per month | up to {i} users" for i in range(40)]
    chunks = chunk_text("\n".join(["Plan | Price | Users", *rows]), max_chars=300)
    assert len(chunks) > 2
    assert all(chunk.splitlines()[0] == "Plan | Price | Users" for chunk in chunks)


def test_a_table_row_whose_cell_holds_two_sentences_stays_one_row_under_its_header() -> None:
    """The row used to split at ". Go", leaving "Go to … Reconnect." on a line of its own, so the
    next row passed for the header and the fix never sat in a row."""
    table = ("Code | Message | What to do\n"
             "TF-1042 | Needs re-authorisation | Consent expired. Go to Settings and click "
             "Reconnect.\n"
             "TF-1045 | Bank unavailable | The bank is down. We retry every hour.")
    assert split_sentences(f"Error codes. Find yours below.\n{table}\nStill stuck? Ask us.") == [
        "Error codes.", "Find yours below.", *table.splitlines(), "Still stuck?", "Ask us."]
    [chunk] = chunk_text(table)
    assert chunk.splitlines() == table.splitlines()
    assert quotable_units(chunk) == [(row, "Code | Message | What to do")
                                     for row in table.splitlines()[1:]]


def test_directives_admonition_markers_bylines_logs_and_separators_are_not_content() -> None:
    text = ("::: tallyflow.client.Client\n    options:\n      show_source: false\n"
            "!!! note \"Heads up\"\n    Keys expire after a year.\n"
            "*Posted in Tips by marta_k - 14 March 2026*\n"
            "2026-01-02 10:00:01 DEBUG connection pool started\n---\n"
            "| Plan | Price |\n|---|---|\n| Team | EUR 12 |")
    [chunk] = chunk_text(text)
    assert ":::" not in chunk and "!!!" not in chunk and "marta_k" not in chunk
    assert "DEBUG" not in chunk and "---" not in chunk
    assert "Keys expire after a year." in chunk and "Plan | Price\nTeam | EUR 12" in chunk


def test_junk_chunks_are_dropped_at_ingest() -> None:
    document = Document(source="a.md", title="A", format="md", sections=[
        Section(heading_path=["Nav"], text="Help Centre > Getting started"),
        Section(heading_path=["Rule"], text="---"),
        Section(heading_path=["Real"], text="Refunds are available within 30 days.")])
    assert [draft.text for draft in chunk_document(document)] == [
        "Refunds are available within 30 days."]


def test_page_headers_and_footers_repeated_on_most_pages_are_dropped() -> None:
    pages = [Section(page=n, text=f"Acme Ltd - Security Whitepaper - page {n}\n{body}")
             for n, body in enumerate(["Keys rotate every year.", "Backups are kept 35 days.",
                                       "Logs are kept 13 months."], start=1)]
    document = Document(source="w.pdf", title="W", format="pdf", sections=pages)
    assert [draft.text for draft in chunk_document(document)] == [
        "Keys rotate every year.", "Backups are kept 35 days.", "Logs are kept 13 months."]


def test_a_trailing_parenthetical_stays_with_its_sentence() -> None:
    """"(Default 3)" at the end of a bullet is the answer to "what is the default?": split
    off, it was a two-word fragment no engine would quote. A closing bracket after a full stop
    stays on its sentence too."""
    bullets = ("- `attempts`: total tries, including the first one. (Default 3)\n"
               "- `backoff`: the factor between waits. (Default 0.5)\n")
    assert split_sentences(bullets) == [
        "- `attempts`: total tries, including the first one. (Default 3)",
        "- `backoff`: the factor between waits. (Default 0.5)"]
    assert split_sentences("Prices exclude VAT. (See the tax page.) Plans renew yearly.") == [
        "Prices exclude VAT.", "(See the tax page.)", "Plans renew yearly."]


def test_a_camel_case_name_also_gives_its_words() -> None:
    """Technical docs name things in code ("DigestAuth", "ResponseNotRead"); a question in
    words ("digest authentication") must still meet them. The joined name stays a term."""
    assert words("Use DigestAuth, or catch HTTPError.") == [
        "use", "digestauth", "or", "catch", "httperror", "digest", "auth", "http", "error"]
    assert {"respons", "read", "responsenotread"} <= set(terms("ResponseNotRead is raised"))
    assert words("plain lower-case words") == ["plain", "lower", "case", "words"]


def test_a_paragraph_after_a_list_item_ending_in_a_parenthetical_is_not_glued_to_it() -> None:
    text = "- `retry_post`: also retry POST. (Default False)\nThe wait doubles each time."
    assert split_sentences(text) == ["- `retry_post`: also retry POST. (Default False)",
                                     "The wait doubles each time."]
