"""Reading the LLM engine's reply: answer text, [S<n>] markers, the QUOTES block, abstention.

The reply format (prompts/answer_system) is plain text rather than JSON so that one format
serves both the streamed page and the one-shot API: the answer streams as it is written and
the quotes follow. Parsing is forgiving about spacing and case, strict about ids.

Strict about support too: a reply is never shown just because it arrived. Garbage (template
tokens, control characters), JSON, an empty reply, a bare "[S1]" or a reply in which no
sentence cites a shown passage is `unusable`, and the answer falls back to the extractive
engine with a note (core.answer). Of a usable reply, only cited sentences survive
(core.grounding), and a citation is `verified` only when its quote is in the passage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from products.rag_search.core.citations import checked_citation, labelled
from products.rag_search.core.grounding import Grounded, ground
from products.rag_search.core.models import Citation, SearchResult

NOT_IN_SOURCES = "NOT_IN_SOURCES"
_QUOTES_LINE = re.compile(r"^\s*\**QUOTES\**\s*:?\s*\**\s*$", re.IGNORECASE | re.MULTILINE)
_QUOTE_ITEM = re.compile(r"\[\s*(S\d+)\s*\]\s*[:\-]?\s*[\"“](.+?)[\"”]\s*$", re.IGNORECASE)
# Chat-template tokens and control characters: a reply holding them is broken, not an answer.
_GARBAGE = re.compile(r"<\|[\w.-]*\|>|</?s>|\[/?INST\]|<</?SYS>>|\ufffd"
                      r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARTIAL_TOKEN = re.compile(r"<\|?[\w.|/-]*$|\[/?I?N?S?T?$")
_JSON_START = re.compile(r"^\s*(?:```\s*json\b|\{|\[\s*[{\"])", re.IGNORECASE)

UNUSABLE = {
    "garbage": "The model's reply held control characters or chat-template tokens.",
    "json": "The model replied in JSON (or cut-off JSON) instead of a cited answer.",
    "empty": "The model's reply was empty.",
    "bare_marker": "The model replied with a citation marker and no answer.",
    "no_citation": "No sentence of the model's reply cited a passage it was shown.",
}


class ParsedReply(BaseModel):
    """A reply as the answer shows it. `unusable` names why nothing of it can be shown (see
    UNUSABLE); the answer then falls back to the extractive engine."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    unusable: str | None = None
    warnings: list[str] = Field(default_factory=list)


def is_garbage(text: str) -> bool:
    """Chat-template tokens or control characters: a broken reply, not words to show."""
    return _GARBAGE.search(text) is not None


def parse_reply(reply: str, results: Sequence[SearchResult],
                shown: Mapping[str, str] | None = None) -> ParsedReply:
    """Split the reply, keep only cited sentences, verify each quote against `shown`.

    `shown` is {label: the text the model saw}; quarantined passages are not in it, so a quote
    of an injected sentence is never `verified`. It defaults to the chunks' own text.
    """
    if is_garbage(reply):
        return ParsedReply(answer="", unusable="garbage")
    body, quotes = split_reply(reply)
    if says_not_in_sources(body):
        return ParsedReply(answer="", abstained=True)
    known = labelled(results)
    texts = dict(shown) if shown is not None else {label: r.text for label, r in known.items()}
    if problem := _format_problem(body):
        return ParsedReply(answer="", unusable=problem)
    grounded = ground(body, texts)
    if not grounded.cited_sentences:
        return ParsedReply(answer="", unusable=_no_claim_reason(grounded),
                           warnings=_dropped_warnings(grounded))
    citations = [checked_citation(known[label], quotes.get(label), texts[label])
                 for label in grounded.cited]
    return ParsedReply(answer=grounded.text, citations=citations,
                       warnings=[*_dropped_warnings(grounded), *_quote_warnings(citations)])


def _format_problem(body: str) -> str | None:
    if not body.strip():
        return "empty"
    if _JSON_START.match(body):
        return "json"
    return None


def _no_claim_reason(grounded: Grounded) -> str:
    nothing_said = not grounded.dropped_sentences and not grounded.dropped_code
    return "bare_marker" if nothing_said and not grounded.text else "no_citation"


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


def _dropped_warnings(grounded: Grounded) -> list[str]:
    warnings = [f"The model cited {', '.join(grounded.unknown)}, which it was not shown; "
                "dropped."] if grounded.unknown else []
    if grounded.dropped_sentences:
        warnings.append(f"{grounded.dropped_sentences} sentence(s) of the model's reply cited no "
                        "source it was shown and were removed.")
    if grounded.dropped_code:
        warnings.append(f"{grounded.dropped_code} code block(s) not found in the sources were "
                        "removed.")
    return warnings


def _quote_warnings(citations: list[Citation]) -> list[str]:
    return [f"The quote for {c.label} ({c.source}) is not in that source; treat it as "
            "unverified." if c.quote else f"The model gave no quote for {c.label} ({c.source}); "
            "the passage is linked but not verified." for c in citations if not c.verified]


def visible_prefix(reply_so_far: str) -> str:
    """The part of a reply being streamed that a reader should see: the answer, not the
    QUOTES block, and not a half-written "QUOT" that may turn into its heading."""
    body = _QUOTES_LINE.split(reply_so_far, maxsplit=1)[0]
    if garbage := _GARBAGE.search(body):
        body = body[: garbage.start()]  # nothing after a broken token is shown
    else:
        body = _PARTIAL_TOKEN.sub("", body)  # "<|im_" may still become a template token
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


__all__ = ["NOT_IN_SOURCES", "UNUSABLE", "ParsedReply", "is_garbage", "parse_reply", "split_reply",
           "visible_prefix"]
