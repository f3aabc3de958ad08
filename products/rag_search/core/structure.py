"""What a chunker must keep (code blocks, list items, table headers) and drop (non-content).

Loaders give each section's text with its line breaks. Before it is packed into chunks:

- markup that is not content goes: mkdocs API directives (`::: package.module`), admonition
  markers (`!!! note "Title"`, whose indented body stays as text), bylines ("Posted in ... by
  ... - 14 March 2026"), markdown table separator rows (`|---|---|`) and log lines
  ("2026-01-02 10:00:01 DEBUG ...");
- the rest becomes units: a fenced code block is one unit with its newlines (never split in the
  middle unless it alone is far over a chunk), every other line splits into sentences, list
  items and table rows (`core.text.split_sentences`).

`is_junk_chunk` then says which finished chunks carry nothing worth retrieving: a separator,
a few characters, a breadcrumb ("Help Centre > Getting started").
"""

from __future__ import annotations

import re

from products.rag_search.core.text import is_table_row, words
from shared.text import split_sentences

FENCE = re.compile(r"^ {0,3}(```|~~~)")
_DIRECTIVE = re.compile(r"^\s*:::")  # mkdocstrings `::: package.module` and its options
_ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s*\w+(\s+\"[^\"]*\")?\s*$")
_BYLINE = re.compile(r"^\W*(posted|written|published|last (edited|updated))\b.*\bby\b.*\d{4}",
                     re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$|^\s*([-*_=]\s*){3,}$")
_LOG_LINE = re.compile(r"^\s*(\[?\d{4}-\d\d-\d\d[ T][\d:,.]+\]?\s+)?\[?(DEBUG|INFO|WARNING|"
                       r"WARN|ERROR|TRACE|CRITICAL)\]?[\s:]")
_BREADCRUMB = re.compile(r"^[\w' ]{1,40}( > [\w' ]{1,40})+$")
_MARKDOWN_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>\s?")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")
MIN_CHUNK_WORDS = 3
MAX_CODE_LINES = 12  # a longer code block is a dump, not an answer


def is_code(unit: str) -> bool:
    return bool(FENCE.match(unit))


def is_list_item(unit: str) -> bool:
    return bool(_LIST_ITEM.match(unit))


def keeps_own_line(unit: str) -> bool:
    """Table rows, list items and code blocks are joined by newlines, never run together."""
    return is_table_row(unit) or is_list_item(unit) or is_code(unit)


def units(text: str) -> list[str]:
    """The section's text as code blocks and sentences, markup that is not content removed."""
    found: list[str] = []
    prose: list[str] = []
    code: list[str] | None = None
    for line in text.splitlines():
        if FENCE.match(line):
            if code is None:
                found.extend(split_sentences("\n".join(prose)))
                prose, code = [], [line]
            else:
                found.append("\n".join([*code, line]))
                code = None
        elif code is not None:
            code.append(line)
        elif not _not_content(line):
            prose.append(_markdown_row(_BLOCKQUOTE.sub("", line)))
    if code is not None:  # an unclosed fence: keep what it held
        found.append("\n".join(code))
    found.extend(split_sentences("\n".join(prose)))
    return [unit if is_code(unit) else _unwrapped(unit) for unit in found]


def _unwrapped(sentence: str) -> str:
    """A sentence hard-wrapped over lines (Markdown sources, PDF text) on one line."""
    return " ".join(sentence.split()) if "\n" in sentence else sentence


def _not_content(line: str) -> bool:
    return any(pattern.match(line) for pattern in (_DIRECTIVE, _ADMONITION, _BYLINE,
                                                   _SEPARATOR, _LOG_LINE))


def _markdown_row(line: str) -> str:
    """`| a | b |` -> `a | b`, the row shape every loader writes."""
    match = _MARKDOWN_ROW.match(line)
    if not match:
        return line
    return " | ".join(cell.strip() for cell in match.group(1).split("|"))


def is_junk_chunk(text: str) -> bool:
    """A chunk with nothing to retrieve: a few words, a separator, a breadcrumb."""
    stripped = text.strip()
    return (len(words(stripped)) < MIN_CHUNK_WORDS or bool(_SEPARATOR.match(stripped))
            or bool(_BREADCRUMB.match(stripped)))


def is_log_line(sentence: str) -> bool:
    return bool(_LOG_LINE.match(sentence))


def quotable_units(text: str) -> list[tuple[str, str | None]]:
    """Each unit of a chunk that may be quoted, with its table header when it is a row.

    A table's first row is its header (chunking repeats it at the top of every chunk that
    holds rows), so it is never quoted on its own; nor are log lines or long code dumps.
    """
    found: list[tuple[str, str | None]] = []
    header: str | None = None
    for unit in units(text):
        if not is_table_row(unit):
            header = None
            if not is_log_line(unit) and not (is_code(unit) and unit.count("\n") > MAX_CODE_LINES):
                found.append((unit, None))
        elif header is None:
            header = unit
        else:
            found.append((unit, header))
    return found


__all__ = ["is_code", "is_junk_chunk", "is_list_item", "is_log_line", "keeps_own_line",
           "quotable_units", "units"]
