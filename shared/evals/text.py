"""Text normalisation for matching answers against key facts and claims against sources.

LLM answers and hand-written gold facts differ in ways that do not change meaning: case,
spacing, punctuation, curly vs straight quotes, en/em dashes, "1,000" vs "1000", "2.50" vs
"2.5". Both sides go through `normalize_text`, then match on whole tokens, so "10" does not
match inside "100".

Limits (by design, documented so nobody over-trusts a score): no stemming ("refund" does
not match "refunds"), no synonyms, hyphenated words split ("e-mail" -> "e mail", which does
not match "email"), a minus sign is dropped with other punctuation, and a space used as a
thousands separator ("1 000") is left as two numbers.
"""

from __future__ import annotations

import re
import unicodedata

_LOOKALIKES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-",
})
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d]|\.\d)")  # not inside "1.20.3"
_NON_WORD = re.compile(r"(?!(?<=\d)\.(?=\d))[^\w]|_")
_SPACES = re.compile(r"\s+")

_STOPWORD_TEXT = (
    "a an the and or of to in on at for with by from as is are was were be been being "
    "it its this that these those i me my we our you your he she his her they their them "
    "has have had do does did will would can could should may might"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())  # "not"/"no" stay content words: negation


def normalize_text(text: str) -> str:
    """Casefolded, punctuation-free, single-spaced text with numbers in one canonical form.

    Steps: NFKC (full-width forms, non-breaking spaces), casefold, curly quotes and dashes
    to ASCII, apostrophes removed ("don't" -> "dont"), thousands commas removed, trailing
    decimal zeros removed ("2.50" -> "2.5", "3.0" -> "3"), every other non-letter/digit to
    a space (a "." between digits is kept), whitespace collapsed.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    text = text.replace("'", "")
    text = _THOUSANDS_COMMA.sub("", text)
    text = _DECIMAL.sub(_canonical_decimal, text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _canonical_decimal(match: re.Match[str]) -> str:
    fraction = match.group(2).rstrip("0")
    return f"{match.group(1)}.{fraction}" if fraction else match.group(1)


def tokens(text: str) -> list[str]:
    """The normalised text split into words (numbers are words too)."""
    normalized = normalize_text(text)
    return normalized.split(" ") if normalized else []


def content_tokens(text: str) -> list[str]:
    """Distinct normalised tokens minus a small English stopword list, in order."""
    return list(dict.fromkeys(token for token in tokens(text) if token not in STOPWORDS))


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whether `needle` appears in `haystack` as whole tokens after normalisation.

    An empty needle (all punctuation) never matches: there is nothing to find.
    """
    needle_norm = normalize_text(needle)
    return bool(needle_norm) and f" {needle_norm} " in f" {normalize_text(haystack)} "
