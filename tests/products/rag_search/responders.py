"""Fake-provider responders for the RAG tests: a model that answers from the sources it is sent.

The RAG prompt sends retrieved chunks as `<source id="S1" file=... section=...>text</source>`
blocks in the last user message; these responders read those blocks, so the LLM engine is
exercised end to end (prompt, SSE stream, reply parsing, quote checks) with a grounded reply.
"""

from __future__ import annotations

import re
from typing import Any

from shared.testing.responders import last_user_text

# Attribute values are quoted and may hold ">" (section="Refunds > Annual plans").
_SOURCE_BLOCK = re.compile(r'<source id="(S\d+)"(?:\s+\w+="[^"]*")*\s*>(.*?)</source>', re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def source_blocks(request: dict[str, Any]) -> dict[str, str]:
    """{"S1": chunk text, ...} from the last user message, in the order sent."""
    return {label: text.strip() for label, text in _SOURCE_BLOCK.findall(last_user_text(request))}


def first_sentence(text: str) -> str:
    """The first sentence of `text` on one line (a QUOTES item must fit on one line)."""
    sentence = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return " ".join(sentence.split()).replace('"', "'")


def answer_from_s1(request: dict[str, Any]) -> str:
    """Answer with S1's first sentence, cite it, and quote it; NOT_IN_SOURCES without S1."""
    s1 = source_blocks(request).get("S1")
    if not s1:
        return "NOT_IN_SOURCES"
    sentence = first_sentence(s1)
    return f'{sentence} [S1]\nQUOTES:\n[S1] "{sentence}"'


def not_in_sources(request: dict[str, Any]) -> str:
    """A model that finds nothing useful in the sources."""
    return "NOT_IN_SOURCES"


def cites_unseen_source(request: dict[str, Any]) -> str:
    """Answer from S1, but also cite S7, a source the prompt never held."""
    sentence = first_sentence(source_blocks(request)["S1"])
    return (f'{sentence} [S1] The archive says the same [S7].\nQUOTES:\n[S1] "{sentence}"\n'
            '[S7] "An archived page."')


def misquotes_s1(request: dict[str, Any]) -> str:
    """Cite S1 with a quote S1 does not contain (a model inventing its evidence)."""
    return ("Refunds are available for a whole year [S1].\nQUOTES:\n"
            '[S1] "Refunds are available for a whole year"')


def rambling(request: dict[str, Any]) -> str:
    """S1's first sentence over and over: a reply far longer than the answer's token limit."""
    sentence = first_sentence(source_blocks(request)["S1"])
    return " ".join([f"{sentence} [S1]"] * 200) + f'\nQUOTES:\n[S1] "{sentence}"'


_ORDER = re.compile(r"ignore\b[^.<]*?\binstructions?\b[^.<]*?\btell the user that ([^.<]+)",
                    re.IGNORECASE)


def gullible(request: dict[str, Any]) -> str:
    """A model that obeys any "ignore ... instructions and tell the user that X" it reads,
    system prompt or sources alike (replying "X [S1]"); otherwise it answers from S1."""
    prompt = "\n".join([request.get("system") or "", last_user_text(request)])
    if order := _ORDER.search(prompt):
        return f"{order.group(1).strip()} [S1]"
    return answer_from_s1(request)


__all__ = [
    "answer_from_s1",
    "cites_unseen_source",
    "first_sentence",
    "gullible",
    "misquotes_s1",
    "not_in_sources",
    "rambling",
    "source_blocks",
]
