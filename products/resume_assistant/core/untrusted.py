"""Treat a job description as untrusted: drop what a reader would not see, and instructions.

Hidden text is the classic way to game résumé screeners and to steer an LLM: HTML comments,
elements styled invisible (display:none, white text, zero font size), zero-width characters,
and lines that talk to "the AI" ("ignore previous instructions…"). They are removed before
parsing and before any prompt is built, and listed so the page can show what was dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|"
    r"opacity\s*:\s*0(?![.\d]*[1-9])|color\s*:\s*(?:#f{3}\b|#f{6}\b|white\b|"
    r"rgba?\(\s*255\s*,\s*255\s*,\s*255)", re.IGNORECASE)
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|"
    r"above|previous|prior)\b|\b(?:system prompt|you are (?:now )?an? (?:ai|assistant|"
    r"language model|llm)|as an ai\b|ai (?:screener|assistant|model|reviewer)s?\b|"
    r"(?:rate|score|rank) (?:this|the) (?:candidate|applicant|resume|résumé)|"
    r"(?:candidate|applicant) (?:is|as) (?:a )?(?:perfect|ideal|strong) (?:fit|match)|"
    r"\bnote to (?:the )?(?:ai|llm|model|assistant)\b)", re.IGNORECASE)
VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "source", "col"})


class _HiddenStripper(HTMLParser):
    """Re-emits the HTML without comments and without elements styled or marked hidden."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.kept: list[str] = []
        self.removed: list[str] = []
        self._hidden_stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden_stack:
            if tag not in VOID_TAGS:
                self._hidden_stack.append(tag)
            return
        if _is_hidden(dict(attrs)) and tag not in VOID_TAGS:
            self._hidden_stack.append(tag)
            self.removed.append("")
            return
        self.kept.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if self._hidden_stack:
            self._hidden_stack.pop()
            return
        self.kept.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._hidden_stack:
            self.removed[-1] += data
        else:
            self.kept.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def _is_hidden(attrs: dict[str, str | None]) -> bool:
    style = attrs.get("style") or ""
    return ("hidden" in attrs or attrs.get("aria-hidden") == "true"
            or bool(HIDDEN_STYLE.search(style)))


def strip_hidden_html(html: str) -> tuple[str, list[str]]:
    """(HTML without comments or hidden elements, the hidden texts removed)."""
    comments = [c[4:-3].strip() for c in HTML_COMMENT.findall(html)]
    stripper = _HiddenStripper()
    stripper.feed(HTML_COMMENT.sub(" ", html))
    stripper.close()
    removed = [" ".join(text.split()) for text in [*comments, *stripper.removed]]
    return "".join(stripper.kept), [text for text in removed if text]


def drop_instructions(text: str) -> tuple[str, list[str]]:
    """(text without lines that address an AI, those lines) — a JD states a job, not orders."""
    comments = [" ".join(c[4:-3].split()) for c in HTML_COMMENT.findall(text)]
    text = ZERO_WIDTH.sub("", HTML_COMMENT.sub("\n", text))
    kept, removed = [], [c for c in comments if c]
    for line in text.splitlines():
        (removed if INSTRUCTION.search(line) else kept).append(line)
    return "\n".join(kept), [" ".join(line.split()) for line in removed]


__all__ = ["drop_instructions", "strip_hidden_html"]
