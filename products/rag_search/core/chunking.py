"""Heading- and page-aware chunking with sentence overlap.

A chunk never crosses a heading or a PDF page, so every chunk can be cited as "this section,
this page". Inside a section, whole sentences are packed up to `max_chars`; the next chunk
starts with the last sentence(s) of the previous one (up to `overlap_chars`), so a fact that
straddles a boundary is still whole in one chunk. ~900 characters is ~150-200 words: small
enough to quote precisely, big enough to hold a step-by-step answer (see DECISIONS.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from pydantic import BaseModel

from products.rag_search.core.text import is_table_row, split_sentences
from shared.documents import Document, Section

MAX_CHARS = 900
OVERLAP_CHARS = 180


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
    for section in document.sections:
        for text in chunk_text(section.text, max_chars=max_chars, overlap_chars=overlap_chars):
            drafts.append(_draft(section, text, len(drafts)))
    return drafts


def _draft(section: Section, text: str, index: int) -> DraftChunk:
    return DraftChunk(text=text, heading_path=list(section.heading_path), page=section.page,
                      index=index)


def chunk_text(text: str, *, max_chars: int = MAX_CHARS,
               overlap_chars: int = OVERLAP_CHARS) -> list[str]:
    """Pack sentences into chunks of at most `max_chars` (a longer sentence is split by words)."""
    sentences = [piece for sentence in split_sentences(text)
                 for piece in _fit(sentence, max_chars)]
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        if current and _length([*current, sentence]) > max_chars:
            chunks.append(_join(current))
            current = _overlap(current, overlap_chars, max_chars - len(sentence) - 1)
        current.append(sentence)
    if current:
        chunks.append(_join(current))
    return chunks


def _join(sentences: list[str]) -> str:
    """Sentences joined by spaces, but table rows keep their own lines (rows stay rows)."""
    text = sentences[0]
    for before, sentence in itertools.pairwise(sentences):
        separator = "\n" if is_table_row(before) or is_table_row(sentence) else " "
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
    """A sentence longer than a chunk (a table row, a URL list) is cut at word boundaries."""
    if len(sentence) <= max_chars:
        yield sentence
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


def _length(parts: list[str]) -> int:
    return sum(len(part) for part in parts) + max(0, len(parts) - 1)


__all__ = ["MAX_CHARS", "OVERLAP_CHARS", "DraftChunk", "chunk_document", "chunk_text"]
