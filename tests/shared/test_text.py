"""The one text toolkit: sentences (with structure, casual or on clause stops) and words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from shared.text import sentence_spans, split_sentences, word_spans, words

ROOT = Path(__file__).resolve().parents[2]


# --- documents (lines=True) ------------------------------------------------------------------
def test_period_then_capital_starts_a_new_sentence() -> None:
    assert split_sentences("Open the app. Next, click Save! Done? Yes.") == [
        "Open the app.", "Next, click Save!", "Done?", "Yes."]


def test_abbreviations_and_decimals_do_not_split() -> None:
    text = "Use a processor, e.g. Stripe works fine. Plans cost 3.50 dollars. Version 2.5 is out."
    assert split_sentences(text) == ["Use a processor, e.g. Stripe works fine.",
                                     "Plans cost 3.50 dollars.", "Version 2.5 is out."]


def test_blank_lines_end_paragraphs_even_without_a_period() -> None:
    assert split_sentences("First paragraph without a stop\n\n  \nSecond paragraph") == [
        "First paragraph without a stop", "Second paragraph"]


def test_list_items_and_numbered_steps_are_their_own_sentences() -> None:
    text = "To export:\n1. Open Billing\n2) Choose Invoices\n- pick a year\n* press Export"
    assert split_sentences(text) == ["To export:", "1. Open Billing", "2) Choose Invoices",
                                     "- pick a year", "* press Export"]


def test_a_line_ending_a_sentence_splits_but_a_wrapped_line_does_not() -> None:
    assert split_sentences("Refunds take five days.\nCards are charged monthly") == [
        "Refunds take five days.", "Cards are charged monthly"]
    assert split_sentences("Refunds take five\ndays to arrive.") == [
        "Refunds take five\ndays to arrive."]


def test_empty_and_whitespace_only_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []



def test_markdown_emphasis_after_a_stop_starts_a_sentence() -> None:
    assert split_sentences("Keys expire yearly. **Rotate** them first.", lines=False) == [
        "Keys expire yearly.", "**Rotate** them first."]


def test_a_note_in_brackets_stays_with_its_sentence() -> None:
    assert split_sentences("Tries before giving up. (Default 3)") == [
        "Tries before giving up. (Default 3)"]


# --- prose (lines=False), casual text, clause stops --------------------------------------------

def test_prose_mode_lets_a_sentence_wrap_across_lines() -> None:
    assert split_sentences("Led the team.\nShipped it on time.", lines=False) == [
        "Led the team.", "Shipped it on time."]
    assert split_sentences("To export:\n- pick a year", lines=False) == [
        "To export:\n- pick a year"]
    assert split_sentences("To export:\n- pick a year") == ["To export:", "- pick a year"]


def test_edited_text_needs_a_capital_but_casual_text_does_not() -> None:
    review = "great phone. battery dies by lunch! still, i like it"
    assert split_sentences(review, lines=False) == [review]
    assert split_sentences(review, lines=False, casual=True) == [
        "great phone.", "battery dies by lunch!", "still, i like it"]


def test_casual_text_still_keeps_abbreviations_and_numbers_whole() -> None:
    assert split_sentences("pay with e.g. paypal. rated 4.5 by me", lines=False,
                           casual=True) == ["pay with e.g. paypal.", "rated 4.5 by me"]


def test_semicolons_end_sentences_only_when_asked() -> None:
    text = "Own the roadmap; Partner with design. Report weekly"
    assert split_sentences(text, lines=False) == ["Own the roadmap; Partner with design.",
                                                  "Report weekly"]
    assert split_sentences(text, lines=False, ends=".!?;") == [
        "Own the roadmap;", "Partner with design.", "Report weekly"]


def test_a_closing_quote_after_the_stop_ends_the_sentence() -> None:
    assert split_sentences('He said "ship it." Then we did.', lines=False) == [
        'He said "ship it."', "Then we did."]


def test_spans_point_at_the_sentences_they_name() -> None:
    text = "  Refunds take five days.  Cards are charged monthly.\n\nAsk us. "
    spans = sentence_spans(text)
    assert [text[start:end] for start, end in spans] == split_sentences(text)
    assert [text[start:end] for start, end in spans] == [
        "Refunds take five days.", "Cards are charged monthly.", "Ask us."]


def test_table_rows_are_never_split_and_spans_cover_them() -> None:
    text = "Codes below.\nTF-1 | Bank down. We retry. | Wait\nDone."
    assert split_sentences(text) == ["Codes below.", "TF-1 | Bank down. We retry. | Wait",
                                     "Done."]
    assert split_sentences(text, lines=False) == ["Codes below.", "TF-1 | Bank down.",
                                                  "We retry. | Wait\nDone."]


# --- words -----------------------------------------------------------------------------------

def test_words_keep_one_apostrophe_suffix_and_fold_case() -> None:
    assert words("Don’t STOP Acme's v2 rock'n'roll") == ["don't", "stop", "acme's", "v2",
                                                        "rock'n", "roll"]


def test_word_spans_give_the_written_word_and_its_offsets() -> None:
    text = "Export PDFs, then CSV."
    assert word_spans(text) == [("Export", 0, 6), ("PDFs", 7, 11), ("then", 13, 17),
                                ("CSV", 18, 21)]


# --- one splitter: no product grows its own -----------------------------------------------------

# A lookbehind for ".", "!" and "?" and a space somewhere after it: a sentence splitter. (All
# eight splitters the kit once had match it; no other pattern in products/ or pm/ does.)
_STOP_LOOKBEHIND = re.compile(r"\(\?<=.{0,20}?\[(?=[^\]]*\.)(?=[^\]]*!)(?=[^\]]*\?)[^\]]*\]")
_SPACE = re.compile(r"\\s|\[ \\t\]")
_CODE = [path for folder in ("products", "pm", "frontdoors")
         for path in (ROOT / folder).rglob("*.py")]


def _is_sentence_splitter(pattern: str) -> bool:
    return bool(_STOP_LOOKBEHIND.search(pattern) and _SPACE.search(pattern))


@pytest.mark.parametrize("pattern", [r"(?<=[.!?])\s+", r"(?<=[a-z0-9%)][.!?;])\s+(?=[A-Z])",
                                     r"(?:(?<=[^\d][.!?])(?<!e\.g\.)|(?<=[.!?]\)))[ \t]+"])
def test_the_detector_knows_a_sentence_splitter_when_it_sees_one(pattern: str) -> None:
    assert _is_sentence_splitter(pattern)
    assert not _is_sentence_splitter(r"(?<=[a-z.)])(?=Company)")


@pytest.mark.parametrize("path", sorted(_CODE),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_above_the_platform_defines_its_own_sentence_splitter(path: Path) -> None:
    """A regex that splits after "." / "!" / "?" is a sentence splitter: use shared.text."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not _is_sentence_splitter(node.value), (
                f"{path.relative_to(ROOT)} splits sentences itself ({node.value[:60]!r}); "
                "use shared.text.split_sentences")
