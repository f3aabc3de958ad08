"""HTML with the standard library's parser: title, h1-h6 heading paths, visible text only."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from shared._loaders.model import Document, HeadingTracker, document_or_empty, first_heading, stem
from shared._loaders.text import decode_text

HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe"})
BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
    "footer", "blockquote", "pre", "hr", "dd", "dt", "main", "nav", "aside", "form",
})
CELL_TAGS = frozenset({"td", "th"})  # cells of one row share a line, joined like DOCX tables
CELL_SEPARATOR = " | "
HEADINGS = {f"h{level}": level for level in range(1, 7)}
SPACES = re.compile(r"[ \t\r\f\v]+")


class VisibleTextParser(HTMLParser):
    """Collects visible text under heading paths; script/style contents are never text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tracker = HeadingTracker()
        self.title = ""
        self._hidden_depth = 0
        self._in_title = False
        self._heading_level: int | None = None
        self._heading_text: list[str] = []
        self._line: list[str] = []
        self._pre: list[str] | None = None  # text inside <pre>, newlines kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag in HEADINGS:
            self._end_line()
            self._heading_level, self._heading_text = HEADINGS[tag], []
        elif tag == "pre":
            self._end_line()
            self._pre = []
        elif tag in BLOCK_TAGS:
            self._end_line()
            if tag == "li":
                self._line.append("- ")  # list items stay list items for the chunker
        elif tag in CELL_TAGS and "".join(self._line).strip():
            self._line.append(CELL_SEPARATOR)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in HEADINGS and self._heading_level is not None:
            heading = " ".join("".join(self._heading_text).split())
            if heading:
                self.tracker.heading(self._heading_level, heading)
            self._heading_level = None
        elif tag == "pre" and self._pre is not None:
            code = "".join(self._pre).strip("\n")
            if code.strip():
                self.tracker.lines.append(f"```\n{code}\n```")  # a code block, lines kept
            self._pre = None
        elif tag in BLOCK_TAGS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._hidden_depth:
            return
        elif self._heading_level is not None:
            self._heading_text.append(data)
        elif self._pre is not None:
            self._pre.append(data)
        else:
            self._line.append(data)

    def _end_line(self) -> None:
        line = SPACES.sub(" ", "".join(self._line).replace("\n", " ")).strip()
        if line and line != "-":
            self.tracker.lines.append(line)
        self._line = []

    def finish(self) -> None:
        self.close()
        self._end_line()
        self.tracker.flush()


def load_html(name: str, data: bytes) -> Document:
    parser = VisibleTextParser()
    parser.feed(decode_text(name, data))
    parser.finish()
    title = " ".join(parser.title.split()) or first_heading(parser.tracker.sections) or stem(name)
    return document_or_empty(name, "html", title, parser.tracker.sections)



__all__ = ["load_html"]
