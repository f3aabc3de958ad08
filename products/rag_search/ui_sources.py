"""The RAG chat's sources: passages with the quote highlighted, opened from a pill or an [S#].

Inline markers are same-page links (`[S1](#aipm-src-0-1)`): clicking one changes only the URL's
`#fragment`, so the browser neither reloads nor starts a new Streamlit session, and the
conversation survives. Each cited passage of an answer is drawn once, in a container whose key
gives it the CSS class `st-key-aipm-src-<turn>-<n>` and holding an empty element with that id;
a style rule hides those containers unless they hold the link's `:target`, so a click opens
that one passage (and the browser scrolls to it). The pills under the answer open the same
passage through Streamlit, for readers who prefer them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from products.rag_search.core import Citation, SearchResult
from products.rag_search.core.citations import MARKER, locate_quote

HIGHLIGHT = ":orange-background[{text}]"
ANCHOR_PREFIX = "aipm-src"
_LINE_LEAD = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#{1,6}|>)\s+")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`", re.DOTALL)
# Opened by a click on an inline marker (the URL's #fragment), hidden otherwise.
SOURCE_STYLE = f"""<style>
div[class*="st-key-{ANCHOR_PREFIX}-"]:not(:has(:target)) {{ display: none; }}
div[class*="st-key-{ANCHOR_PREFIX}-"]:has(:target) {{
  border-left: 3px solid rgba(255, 164, 33, 0.9); padding-left: 0.75rem; scroll-margin-top: 4rem;
}}
</style>"""


def anchor_id(turn: int, label: str) -> str:
    """`aipm-src-0-1` for [S1] of the first answer: unique on the page, safe as an id and a key."""
    return f"{ANCHOR_PREFIX}-{turn}-{label.upper().removeprefix('S')}"


def linked_markers(text: str, turn: int, labels: Sequence[str]) -> str:
    """The answer with each [S#] it cites made a link to that passage; code is left as written
    (a marker inside a code block is code), and a marker naming no citation stays plain text."""
    known = {label.upper() for label in labels}
    pieces, last = [], 0
    for code in _CODE.finditer(text):
        pieces += [_link_prose(text[last:code.start()], turn, known), code.group()]
        last = code.end()
    return "".join([*pieces, _link_prose(text[last:], turn, known)])


def _link_prose(prose: str, turn: int, known: set[str]) -> str:
    def link(match: re.Match[str]) -> str:
        label = match.group(1).upper()
        if label not in known:
            return match.group()
        return f"[\\[{label}\\]](#{anchor_id(turn, label)})"

    return MARKER.sub(link, prose)


def use_source_style() -> None:
    """The rule that opens a passage when its marker is clicked (once per run is enough)."""
    st.html(SOURCE_STYLE)


def linked_passages(citations: Sequence[Citation], chunks: dict[str, SearchResult],
                    turn: int) -> None:
    """Each cited passage, as the target of its inline marker (hidden until clicked); a label
    cited twice gets one passage, since a container key may appear only once on a page."""
    first_of: dict[str, Citation] = {}
    for citation in citations:
        first_of.setdefault(citation.label, citation)
    for citation in first_of.values():
        name = anchor_id(turn, citation.label)
        with st.container(key=name):
            st.html(f'<span id="{name}"></span>')
            st.markdown(f"**[{citation.label}]** {citation.source}")
            show_passage(citation, chunks.get(citation.chunk_id))


def show_passage(citation: Citation, chunk: SearchResult | None) -> None:
    """Where the passage is from, whether its quote checked out, then the passage itself."""
    with st.container(border=True):
        where = " · ".join(part for part in (citation.source, citation.heading,
                                             f"p.{citation.page}" if citation.page else "")
                           if part)
        st.caption(where)
        if not citation.verified:
            st.warning("The model gave no quote for this source, so nothing is highlighted."
                       if not citation.quote else "This quote is not in the cited passage: the "
                       "model misquoted or invented it. Do not rely on it.")
        st.markdown(highlighted(chunk.text if chunk else citation.quote, citation.quote
                                if citation.verified else ""))


def highlighted(text: str, quote: str) -> str:
    """The passage as markdown with the quoted words highlighted, line by line (a highlight
    cannot span a paragraph break)."""
    span = locate_quote(quote, text) if quote else None
    if span is None:
        return text
    start, end = span
    marked = "\n".join(_highlight_line(line) for line in text[start:end].split("\n"))
    return text[:start] + marked + text[end:]


def _highlight_line(line: str) -> str:
    """A list marker or heading hashes stay outside the highlight, so the line keeps its shape."""
    lead = _LINE_LEAD.match(line)
    head, body = (line[: lead.end()], line[lead.end():]) if lead else ("", line)
    return head + HIGHLIGHT.format(text=_escape_brackets(body)) if body.strip() else line


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


__all__ = ["anchor_id", "highlighted", "linked_markers", "linked_passages", "show_passage",
           "use_source_style"]
