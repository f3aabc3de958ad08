"""Markdown: ATX headings (`#` to `######`) become heading paths; fenced code stays as text.

YAML front matter (the `---` block of key: value lines that mkdocs, Jekyll and Hugo pages open
with) is metadata, not content: it is dropped, and its `title:` names a page without a `#`
heading. Left in, "title: Logging and debugging" was quoted as an answer.
"""

from __future__ import annotations

import re

from shared._loaders.model import Document, HeadingTracker, Section, document_or_empty, stem
from shared._loaders.text import decode_text

ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?P<body>(?:.*\r?\n)*?)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*:(?:[ \t]|$)")
FRONT_TITLE = re.compile(r"^title:[ \t]*['\"]?(?P<title>.*?)['\"]?[ \t]*$", re.MULTILINE)


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
    text, metadata = split_front_matter(decode_text(name, data))
    sections = split_markdown(text)
    return document_or_empty(name, "md", _title(text) or _front_title(metadata) or stem(name),
                             sections)


def split_front_matter(text: str) -> tuple[str, str]:
    """(the text without its front matter, the front matter's lines). A page that merely
    opens with a `---` rule keeps it: the block counts only when it starts with a `key:`
    line."""
    match = FRONT_MATTER.match(text)
    body = match.group("body") if match else ""
    first = next((line for line in body.splitlines() if line.strip()), "")
    if match is None or not YAML_KEY.match(first):
        return text, ""
    return text[match.end():], body


def _front_title(metadata: str) -> str | None:
    match = FRONT_TITLE.search(metadata)
    return match.group("title").strip() or None if match else None


def _title(text: str) -> str | None:
    """The first level-1 heading outside code fences, the usual title of a Markdown file."""
    in_fence = False
    for line in text.splitlines():
        in_fence = in_fence != bool(FENCE.match(line))
        match = None if in_fence else ATX_HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2).strip()
    return None


__all__ = ["load_markdown", "split_front_matter", "split_markdown"]
