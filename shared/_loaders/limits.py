"""Bounds on the work one file may cause, so a small upload cannot expand into a huge job.

The upload limit counts the bytes sent; these count what a file turns into. A DOCX is a zip
whose XML can expand a thousandfold (a 713 KB file held 200 MB of XML; a 64 KB one held 8
million empty paragraphs and took 124 s), a PDF can declare 5,000 pages, and any format can
hold more text than an ingest should chunk and embed in one go. Each file is read under a
`LoadBudget` of pages, paragraphs, characters and seconds (settings `AIPM_LOAD_MAX_*`): the
loaders count as they go (`meter()`), and going over ends in a `TooMuchContent` skip whose
message names the file, the limit and its setting, and the batch goes on.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from shared.errors import BadInput

MAX_PART_BYTES = 48 * 1024 * 1024  # one XML part of a DOCX, uncompressed (~10x a 500-page book)
MAX_TEXT_CHARS = 3_000_000  # text one file may yield: ~1,500 pages, ~3,500 chunks


class TooMuchContent(BadInput):
    """A file expands to more XML or text than one ingest handles (a bomb, or just huge)."""

    code = "too_much_content"


def read_zip_part(name: str, archive: zipfile.ZipFile, part: str,
                  max_bytes: int = MAX_PART_BYTES, read: bool = True) -> bytes:
    """One member of a zip, refused before reading when its declared size is over `max_bytes`
    (`read=False`: only the check, for a caller that streams the member itself).

    zipfile stops reading at the declared size (and checks the CRC), so a member that lies
    about its size cannot expand further than the check allowed.
    """
    info = archive.getinfo(part)
    if info.file_size > max_bytes:
        raise TooMuchContent(
            f"{name} expands to {info.file_size / 1e6:.0f} MB of XML ({part}), over the "
            f"{max_bytes / 1e6:.0f} MB one file may hold. It may be a zip bomb; if it is a real "
            "document, split it into smaller files.")
    return archive.read(part) if read else b""


def check_text_size(name: str, chars: int, max_chars: int = MAX_TEXT_CHARS) -> None:
    """TooMuchContent when a file's text is over `max_chars`: call it as text accumulates."""
    if chars > max_chars:
        raise TooMuchContent(
            f"{name} holds over {max_chars:,} characters of text, more than one file may hold "
            "here. Split it into smaller files and ingest those, or raise AIPM_LOAD_MAX_CHARS.")


class _BudgetSettings(Protocol):
    load_max_pages: int
    load_max_paragraphs: int
    load_max_chars: int
    load_max_seconds: float


@dataclass(frozen=True, slots=True)
class LoadBudget:
    """What one file may cost to read (defaults: the settings' defaults)."""

    max_pages: int = 2_000  # ~4x a long manual; a 5,000-page PDF took 69-85 s
    max_paragraphs: int = 100_000  # ~10x a 500-page book; each costs ~15 µs to parse
    max_chars: int = MAX_TEXT_CHARS
    max_seconds: float = 60.0

    @classmethod
    def from_settings(cls, settings: _BudgetSettings) -> LoadBudget:
        return cls(max_pages=settings.load_max_pages, max_paragraphs=settings.load_max_paragraphs,
                   max_chars=settings.load_max_chars, max_seconds=settings.load_max_seconds)


class Meter:
    """Counts one file's pages, paragraphs, characters and seconds against its budget."""

    TICK_EVERY = 256  # paragraphs between clock reads

    def __init__(self, name: str, budget: LoadBudget) -> None:
        self.name, self.budget = name, budget
        self.deadline = time.monotonic() + budget.max_seconds
        self.paragraphs = 0
        self.chars = 0

    def pages(self, count: int) -> None:
        """Refuse a file by its declared page count, before any page is read."""
        if count > self.budget.max_pages:
            raise TooMuchContent(
                f"{self.name} has {count:,} pages, over the {self.budget.max_pages:,}-page limit "
                "for one file. Split it into smaller files, or raise AIPM_LOAD_MAX_PAGES.")

    def paragraph(self) -> None:
        self.paragraphs += 1
        self.at_least_paragraphs(self.paragraphs)
        if self.paragraphs % self.TICK_EVERY == 0:
            self.tick()

    def at_least_paragraphs(self, count: int) -> None:
        """Refuse a file known to hold at least `count` paragraphs when that is over budget."""
        if count > self.budget.max_paragraphs:
            raise TooMuchContent(
                f"{self.name} has over {self.budget.max_paragraphs:,} paragraphs, the limit for "
                "one file. Split it into smaller files, or raise AIPM_LOAD_MAX_PARAGRAPHS.")

    def add_chars(self, count: int) -> None:
        self.chars += count
        check_text_size(self.name, self.chars, self.budget.max_chars)

    def tick(self) -> None:
        """Refuse a file that has taken longer than its budget of seconds so far."""
        if time.monotonic() > self.deadline:
            raise over_time(self.name, self.budget)


def over_time(name: str, budget: LoadBudget) -> TooMuchContent:
    """The one message for a file that took longer than its seconds budget to read."""
    return TooMuchContent(
        f"{name} took over {budget.max_seconds:g} s to read, the limit for one file. Split it "
        "into smaller files, or raise AIPM_LOAD_MAX_SECONDS.")


_current: ContextVar[Meter | None] = ContextVar("shared_loader_meter", default=None)


def meter(name: str = "This file") -> Meter:
    """The meter of the file being loaded (a default-budget one outside `metered`)."""
    return _current.get() or Meter(name, LoadBudget())


@contextmanager
def metered(name: str, budget: LoadBudget) -> Iterator[Meter]:
    """Load one file under `budget`: the loaders' `meter()` calls count against it."""
    current = Meter(name, budget)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


__all__ = ["MAX_PART_BYTES", "MAX_TEXT_CHARS", "LoadBudget", "Meter", "TooMuchContent",
           "check_text_size", "meter", "metered", "over_time", "read_zip_part"]
