"""Reading the LLM engine's reply: answer text, [S<n>] markers, the QUOTES block, abstention.

The reply format (prompts/answer_system) is plain text rather than JSON so that one format
serves both the streamed page and the one-shot API: the answer streams as it is written and
the quotes follow. Parsing is forgiving about spacing and case, strict about ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from products.rag_search.core.citations import checked_citation, labelled
from products.rag_search.core.models import Citation, SearchResult

NOT_IN_SOURCES = "NOT_IN_SOURCES"
_MARKER = re.compile(r"\[\s*(S\d+)\s*\]", re.IGNORECASE)
_QUOTES_LINE = re.compile(r"^\s*\**QUOTES\**\s*:?\s*\**\s*$", re.IGNORECASE | re.MULTILINE)
_QUOTE_ITEM = re.compile(r"\[\s*(S\d+)\s*\]\s*[:\-]?\s*[\"“](.+?)[\"”]\s*$", re.IGNORECASE)


class ParsedReply(BaseModel):
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    warnings: list[str] = Field(default_factory=list)


def parse_reply(reply: str, question: str, results: Sequence[SearchResult]) -> ParsedReply:
    """Split the reply, keep markers that name a retrieved chunk, check each quote."""
    body, quotes = split_reply(reply)
    if says_not_in_sources(body) or not body:
        return ParsedReply(answer="", abstained=True)
    known = labelled(results)
    cited = _cited_labels(body)
    unknown = [label for label in cited if label not in known]
    answer = _MARKER.sub(lambda m: _marker(m.group(1).upper(), unknown), body).strip()
    citations = [checked_citation(known[label], quotes.get(label), question)
                 for label in cited if label in known]
    return ParsedReply(answer=answer, citations=citations,
                       warnings=_warnings(unknown, citations))


def says_not_in_sources(body: str) -> bool:
    """The reply opens with the abstain token ("NOT_IN_SOURCES", "Not in sources."): an answer
    that merely mentions the phrase later on ("... is not in sources I was given") is an answer.
    """
    opening = body.strip().strip("*_ ").upper().replace(" ", "_")
    return opening.startswith(NOT_IN_SOURCES)


def split_reply(reply: str) -> tuple[str, dict[str, str]]:
    """(answer body, {label: quote}) from a reply with an optional QUOTES block."""
    parts = _QUOTES_LINE.split(reply, maxsplit=1)
    quotes: dict[str, str] = {}
    for line in (parts[1].splitlines() if len(parts) > 1 else []):
        if match := _QUOTE_ITEM.search(line.strip()):
            quotes.setdefault(match.group(1).upper(), match.group(2).strip())
    return parts[0].strip(), quotes


def _marker(label: str, unknown: list[str]) -> str:
    return "" if label in unknown else f"[{label}]"


def _cited_labels(body: str) -> list[str]:
    return list(dict.fromkeys(match.upper() for match in _MARKER.findall(body)))


def _warnings(unknown: list[str], citations: list[Citation]) -> list[str]:
    warnings = [f"The model cited {', '.join(unknown)}, which it was not shown; dropped."] \
        if unknown else []
    warnings += [f"The quote for {c.label} ({c.source}) is not in that source; treat it as "
                 "unverified." for c in citations if not c.verified]
    if not citations:
        warnings.append("The model cited no source for this answer; treat it as unverified.")
    return warnings


def visible_prefix(reply_so_far: str) -> str:
    """The part of a reply being streamed that a reader should see: the answer, not the
    QUOTES block, and not a half-written "QUOT" that may turn into its heading."""
    body = _QUOTES_LINE.split(reply_so_far, maxsplit=1)[0]
    last_line = body.rsplit("\n", 1)[-1]
    if _may_become_heading(last_line):
        body = body[: len(body) - len(last_line)]
    if NOT_IN_SOURCES.startswith(body.strip().upper().replace(" ", "_")[: len(NOT_IN_SOURCES)]):
        return ""  # "Not in sources" abstains too (parse_reply), so it must not stream either
    return body.rstrip()


def _may_become_heading(line: str) -> bool:
    """True for a line ("QUO", "**QUOTES", a bare "**") that may still become the heading."""
    compact = re.sub(r"[\s*]", "", line).upper()
    return bool(line.strip()) and "QUOTES:".startswith(compact)


__all__ = ["NOT_IN_SOURCES", "ParsedReply", "parse_reply", "split_reply", "visible_prefix"]
