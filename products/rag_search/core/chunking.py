"""Heading- and page-aware chunking with sentence overlap.

A chunk never crosses a heading or a PDF page, so every chunk can be cited as "this section,
this page". Inside a section, whole sentences are packed up to `max_chars`; the next chunk
starts with the last sentence(s) of the previous one (up to `overlap_chars`), so a fact that
straddles a boundary is still whole in one chunk. ~900 characters is ~150-200 words: small
enough to quote precisely, big enough to hold a step-by-step answer (see DECISIONS.md).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator

from pydantic import BaseModel

from products.rag_search.core.structure import is_code, is_junk_chunk, keeps_own_line, units
from products.rag_search.core.text import is_table_row
from shared.documents import Document, Section

MAX_CHARS = 900
OVERLAP_CHARS = 180
CODE_SLACK = 2  # a code block up to this many chunks long stays whole, in one chunk
MIN_SECTIONS_FOR_RUNNING = 3
_DIGITS = re.compile(r"\d+")


class DraftChunk(BaseModel):
    """A chunk before it gets its file-level metadata and content-hash id."""

    text: str
    heading_path: list[str]
    page: int | None
    index: int


def chunk_document(document: Document, *, max_chars: int = MAX_CHARS,
                   overlap_chars: int = OVERLAP_CHARS) -> list[DraftChunk]:
    """The document's chunks in reading order, numbered from 0."""
    drafts: list[DraftChunk] = []
    running = running_lines(document)
    for section in document.sections:
        body = "\n".join(line for line in section.text.splitlines()
                         if _DIGITS.sub("#", line.strip()) not in running)
        for text in chunk_text(body, max_chars=max_chars, overlap_chars=overlap_chars):
            if not is_junk_chunk(text):  # separators, stray words, breadcrumbs
                drafts.append(_draft(section, text, len(drafts)))
    return drafts


def running_lines(document: Document) -> set[str]:
    """A PDF's page headers and footers: lines of 3+ words (digits aside) on at least half of
    its 3+ pages, such as "Tallyflow Ltd - Security Whitepaper - page 2". Layout, not content."""
    if document.format != "pdf" or len(document.sections) < MIN_SECTIONS_FOR_RUNNING:
        return set()
    counts: Counter[str] = Counter()
    for section in document.sections:
        counts.update({_DIGITS.sub("#", line.strip()) for line in section.text.splitlines()
                       if len(line.split()) >= 3})
    return {line for line, seen in counts.items() if seen * 2 >= len(document.sections)}


def _draft(section: Section, text: str, index: int) -> DraftChunk:
    return DraftChunk(text=text, heading_path=list(section.heading_path), page=section.page,
                      index=index)


def chunk_text(text: str, *, max_chars: int = MAX_CHARS,
               overlap_chars: int = OVERLAP_CHARS) -> list[str]:
    """Pack sentences into chunks of at most `max_chars` (a longer sentence is split by words).

    A code block is never split unless it alone is over CODE_SLACK chunks long; a chunk that
    starts inside a table starts with the table's header row, so every row keeps its columns.
    """
    pieces = [piece for unit in units(text) for piece in _fit(unit, max_chars)]
    headers = _table_headers(pieces)
    chunks: list[str] = []
    current: list[str] = []
    for position, piece in enumerate(pieces):
        if current and _length([*current, piece]) > max_chars:
            chunks.append(_join(current))
            current = _overlap(current, overlap_chars, max_chars - len(piece) - 1)
            header = headers.get(position)
            if header is not None and header not in current:
                current = [header, *(row for row in current if is_table_row(row))]
        current.append(piece)
    if current:
        chunks.append(_join(current))
    return chunks


def _table_headers(pieces: list[str]) -> dict[int, str]:
    """For each table row after the first of its table, that table's header row."""
    headers: dict[int, str] = {}
    header: str | None = None
    for position, piece in enumerate(pieces):
        if not is_table_row(piece):
            header = None
        elif header is None:
            header = piece
        else:
            headers[position] = header
    return headers


def _join(sentences: list[str]) -> str:
    """Sentences joined by spaces; table rows, list items and code keep their own lines."""
    text = sentences[0]
    for before, sentence in itertools.pairwise(sentences):
        separator = "\n" if keeps_own_line(before) or keeps_own_line(sentence) else " "
        text += separator + sentence
    return text


def _overlap(sentences: list[str], overlap_chars: int, room: int) -> list[str]:
    """The trailing sentences that fit in both the overlap budget and the room left."""
    kept: list[str] = []
    for sentence in reversed(sentences):
        if _length([sentence, *kept]) > min(overlap_chars, room):
            break
        kept.insert(0, sentence)
    return kept


def _fit(sentence: str, max_chars: int) -> Iterator[str]:
    """A sentence longer than a chunk (a table row, a URL list) is cut at word boundaries;
    a code block is kept whole up to CODE_SLACK chunks, else cut between lines."""
    if len(sentence) <= max_chars or (is_code(sentence) and
                                      len(sentence) <= CODE_SLACK * max_chars):
        yield sentence
        return
    if is_code(sentence):
        yield from _code_lines(sentence, max_chars)
        return
    piece: list[str] = []
    words = [part for word in sentence.split()
             for part in (word[i : i + max_chars] for i in range(0, len(word), max_chars))]
    for word in words:  # a word longer than a chunk (a URL, a blob) is cut, never dropped
        if piece and _length([*piece, word]) > max_chars:
            yield " ".join(piece)
            piece = []
        piece.append(word)
    if piece:
        yield " ".join(piece)


def _code_lines(code: str, max_chars: int) -> Iterator[str]:
    """A very long code block in pieces of whole lines, each still a fenced block."""
    lines = code.splitlines()
    fence, body = lines[0], lines[1:-1] if len(lines) > 1 and is_code(lines[-1]) else lines[1:]
    piece: list[str] = []
    for line in body:
        if piece and _length([fence, *piece, line, fence]) > max_chars:
            yield "\n".join([fence, *piece, fence.strip()[:3]])
            piece = []
        piece.append(line[:max_chars])
    if piece:
        yield "\n".join([fence, *piece, fence.strip()[:3]])


def _length(parts: list[str]) -> int:
    return sum(len(part) for part in parts) + max(0, len(parts) - 1)


__all__ = ["MAX_CHARS", "OVERLAP_CHARS", "DraftChunk", "chunk_document", "chunk_text",
           "running_lines"]
