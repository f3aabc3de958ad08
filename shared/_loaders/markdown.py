"""Markdown: ATX headings (`#` to `######`) become heading paths; fenced code stays as text."""

from __future__ import annotations

import re

from shared._loaders.model import Document, HeadingTracker, Section, document_or_empty, stem
from shared._loaders.text import decode_text

ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def split_markdown(text: str) -> list[Section]:
    tracker = HeadingTracker()
    in_fence = False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else ATX_HEADING.match(line)
        if match:
            tracker.heading(len(match.group(1)), match.group(2).strip())
        else:
            tracker.lines.append(line)
    tracker.flush()
    return tracker.sections


def load_markdown(name: str, data: bytes) -> Document:
    text = decode_text(name, data)
    sections = split_markdown(text)
    return document_or_empty(name, "md", _title(text) or stem(name), sections)


def _title(text: str) -> str | None:
    """The first level-1 heading outside code fences, the usual title of a Markdown file."""
    in_fence = False
    for line in text.splitlines():
        in_fence = in_fence != bool(FENCE.match(line))
        match = None if in_fence else ATX_HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2).strip()
    return None


__all__ = ["load_markdown", "split_markdown"]
