"""Sentences and words: the one text toolkit every product splits text with.

Three products cut text into sentences: RAG quotes and grounds them, the résumé guard checks
each one for invented facts, the feedback analyzer quotes reviews. They used to carry eight
regular expressions that disagreed at the edges ("e.g. Squid", "(Default 3)", "1. Step"), so
a sentence one product quoted was two sentences to another. Here is one rule with three named
knobs, each for a real difference between texts rather than between authors:

- `lines`: documents have structure. A blank line, a line that ends in a full stop or colon,
  a list item and a table row (cells joined by " | ", as the loaders write them) each end a
  unit; a table row is never split. Off for one line or one paragraph of prose.
- `casual`: people typing reviews start sentences in lower case ("great phone. battery
  dies"); edited text starts them with a capital, a digit or an opening quote or bracket.
- `ends`: the characters that end a sentence, ".!?" unless a text glues clauses with ";" (a
  flat job posting's one-line requirements).

A break needs a word before the stop: "1. Step", "3.5" and "v2.1" never split, and neither do
"e.g.", "i.e.", "etc." and "vs.". The rule is rule-based and fast (about 3 microseconds per
sentence); pysbd was measured against it on the kit's own cases (docs/decisions.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = r"(?<!e\.g\.)(?<!i\.e\.)(?<!etc\.)(?<!vs\.)"
_TABLE_ROW = re.compile(r"^([^\n]* \| [^\n]*)$", re.MULTILINE)
_STRUCTURE = (
    r"|\n\s*\n"  # a blank line ends a paragraph
    r"|(?<=[.!?:])[ \t]*\n"  # a line that ends a sentence
    r"|(?<=\))[ \t]*\n(?=[A-Z])"  # "… (Default False)" then a new paragraph
    r"|\n(?=[ \t]*(?:[-*•]|\d+[.)])[ \t])"  # a list item starts
)
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@lru_cache(maxsize=16)
def _sentence_break(ends: str, casual: bool, lines: bool) -> re.Pattern[str]:
    stop = "[" + re.escape(ends) + "]"
    after_word = rf"(?:(?<=[^\d\s]{stop}){_ABBREVIATIONS}|(?<=[^\d\s]{stop}[\"')\]]))"
    spacing = r"[ \t]+" if lines else r"\s+"
    not_a_note = r"(?![\"']?\([^()\n]{1,60}\)[ \t]*(?:\n|$))"  # "… one. (Default 3)" stays
    start = r"(?=[\"'(\[*_`]{0,2}[^\W_])" if casual else r"(?=[\"'(\[*_`]{0,2}[A-Z0-9])"
    return re.compile(after_word + spacing + not_a_note + start + (_STRUCTURE if lines else ""))


def split_sentences(text: str, *, lines: bool = True, casual: bool = False,
                    ends: str = ".!?") -> list[str]:
    """The sentences of `text` (and, with `lines`, its list items, paragraphs and table rows),
    stripped, empties dropped. See the module docstring for the knobs."""
    return [text[start:end] for start, end in sentence_spans(text, lines=lines, casual=casual,
                                                               ends=ends)]


def sentence_spans(text: str, *, lines: bool = True, casual: bool = False,
                   ends: str = ".!?") -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence `split_sentences` returns, so a caller can map a
    character position (a gold answer's offset, say) to its sentence."""
    pattern = _sentence_break(ends, casual, lines)
    pieces: list[tuple[int, int]] = []
    position = 0
    rows = list(_TABLE_ROW.finditer(text)) if lines else []
    for row in rows:
        pieces += _cut(text, position, row.start(), pattern)
        pieces.append((row.start(), row.end()))
        position = row.end()
    pieces += _cut(text, position, len(text), pattern)
    return [span for span in (_stripped(text, *piece) for piece in pieces) if span]


def _cut(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    pieces = []
    for found in pattern.finditer(text, start, end):
        pieces.append((start, found.start()))
        start = found.end()
    pieces.append((start, end))
    return pieces


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each word of `text` as it is written, with its offsets: letters and digits, with one
    apostrophe suffix kept ("don't", "Acme's")."""
    return [(found.group(), found.start(), found.end()) for found in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    """Lower-cased words, curly apostrophes folded ("Don’t" -> "don't")."""
    return _WORD.findall(text.lower().replace("’", "'"))  # word_spans' words, no offsets


__all__ = ["sentence_spans", "split_sentences", "word_spans", "words"]
