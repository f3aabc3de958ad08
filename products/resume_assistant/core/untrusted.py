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
ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060-\u2064\u202a-\u202e\u2066-\u2069\ufeff\u00ad"
                        r"\u180e\U000e0000-\U000e007f]")
TAG_CHARS = re.compile(r"[\U000e0020-\U000e007e]+")
# Classes that hide by convention (Bootstrap, Tailwind, screen-reader-only helpers).
HIDING_CLASSES = frozenset({"hidden", "d-none", "sr-only", "visually-hidden", "invisible",
                            "hide", "screen-reader-text", "offscreen", "is-hidden"})
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
CSS_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|"
    r"font-size\s*:\s*(?:[0-3](?:\.\d+)?px|0?\.[0-2]\d*(?:em|rem)|[0-4](?:\.\d+)?pt)\b|"
    r"opacity\s*:\s*0(?![.\d]*[1-9])|color\s*:\s*(?:#f{3}\b|#f{6}\b|white\b|transparent\b|"
    r"rgba?\(\s*255\s*,\s*255\s*,\s*255|rgba\([^)]*,\s*0\s*\))|"
    r"(?:left|top|text-indent)\s*:\s*-\d{3,}|(?:height|width|max-height)\s*:\s*0(?:px)?\s*[;\"']?"
    r".*overflow\s*:\s*hidden|overflow\s*:\s*hidden.*(?:height|width)\s*:\s*0(?![.\d]*[1-9])|"
    r"clip\s*:\s*rect\(\s*0", re.IGNORECASE)
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

    def __init__(self, hidden_classes: frozenset[str] = HIDING_CLASSES) -> None:
        super().__init__(convert_charrefs=False)
        self.hidden_classes = hidden_classes
        self.kept: list[str] = []
        self.removed: list[str] = []
        self._hidden_stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden_stack:
            if tag not in VOID_TAGS:
                self._hidden_stack.append(tag)
            return
        if (_is_hidden(dict(attrs), self.hidden_classes) or tag in ("template", "noscript")) \
                and tag not in VOID_TAGS:
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


def _is_hidden(attrs: dict[str, str | None], hidden_classes: frozenset[str]) -> bool:
    """Hidden by attribute (`hidden`, `aria-hidden` unless "false"), inline style, or a
    class that hides (by convention or by the page's own <style> rules)."""
    style = attrs.get("style") or ""
    classes = set((attrs.get("class") or "").lower().split())
    aria = attrs.get("aria-hidden", "false")
    return ("hidden" in attrs or ("aria-hidden" in attrs and (aria or "").lower() != "false")
            or bool(HIDDEN_STYLE.search(style)) or bool(classes & hidden_classes))


def hiding_classes(html: str) -> frozenset[str]:
    """Conventional hiding classes plus those the page's <style> blocks make invisible."""
    found = set(HIDING_CLASSES)
    for block in STYLE_BLOCK.findall(html):
        for selectors, body in CSS_RULE.findall(block):
            if HIDDEN_STYLE.search(body):
                found.update(m.lower() for m in re.findall(r"\.([\w-]+)", selectors))
    return frozenset(found)


def strip_hidden_html(html: str) -> tuple[str, list[str]]:
    """(HTML without comments or hidden elements, the hidden texts removed)."""
    comments = [c[4:-3].strip() for c in HTML_COMMENT.findall(html)]
    stripper = _HiddenStripper(hiding_classes(html))
    stripper.feed(STYLE_BLOCK.sub(" ", HTML_COMMENT.sub(" ", html)))
    stripper.close()
    removed = [" ".join(text.split()) for text in [*comments, *stripper.removed]]
    return "".join(stripper.kept), [text for text in removed if text]


def drop_instructions(text: str) -> tuple[str, list[str]]:
    """(text without lines that address an AI, those lines) — a JD states a job, not orders."""
    comments = [" ".join(c[4:-3].split()) for c in HTML_COMMENT.findall(text)]
    smuggled = [_decode_tags(run) for run in TAG_CHARS.findall(text)]
    invisible = len(ZERO_WIDTH.findall(text)) - sum(len(run) for run in
                                                     TAG_CHARS.findall(text))
    text = ZERO_WIDTH.sub("", HTML_COMMENT.sub("\n", text))
    kept, removed = [], [c for c in comments if c]
    removed += [f"hidden text removed (Unicode tag characters): {s}" for s in smuggled if s]
    if invisible > 0:
        removed.append(f"hidden text removed: {invisible} invisible character(s)")
    for line in text.splitlines():
        (removed if INSTRUCTION.search(line) else kept).append(line)
    return "\n".join(kept), [" ".join(line.split()) for line in removed]


def hidden_notice(removed: list[str]) -> list[str]:
    """The one line a person sees when a JD carried text they could not see, or lines
    addressed to an AI: how many were removed (each is listed in the JD's `removed`)."""
    if not removed:
        return []
    return [f"hidden text removed from the job description: {len(removed)} item(s) (hidden "
            "HTML, invisible characters or lines addressed to an AI); none of it was used."]


def _decode_tags(run: str) -> str:
    """Tag characters spell ASCII invisibly ("ASCII smuggling"); show what they said."""
    return "".join(chr(ord(c) - 0xE0000) for c in run).strip()


__all__ = ["drop_instructions", "hidden_notice", "hiding_classes", "strip_hidden_html"]
