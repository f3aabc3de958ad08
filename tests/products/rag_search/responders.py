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


# -- misbehaving models (issue 12, section 4): each must end in a fallback or a flag ---------
def uncited(request: dict[str, Any]) -> str:
    """A confident answer citing nothing at all."""
    return "The default is 42 seconds."


def invented_ids_only(request: dict[str, Any]) -> str:
    """An answer whose every citation names a source the prompt never held."""
    return ('The default is 42 seconds [S9]. It can be raised [S12].\nQUOTES:\n'
            '[S9] "The default is 42 seconds"')


def garbage(request: dict[str, Any]) -> str:
    """Template tokens and control characters around a marker."""
    return "<|im_end|>\x00\x1b[S1]\x07 <|im_start|>assistant"


def bare_marker(request: dict[str, Any]) -> str:
    """A citation marker and nothing else."""
    return "[S1]"


def truncated_json(request: dict[str, Any]) -> str:
    """JSON cut off half-way, as a model ignoring the format and hitting a limit writes it."""
    return '{"answer": "Refunds are available within 30 days [S1]", "citations": [{"id": "S'


def empty(request: dict[str, Any]) -> str:
    return ""


def mixed_support(request: dict[str, Any]) -> str:
    """One sentence cited and quoted from S1, one invented claim with no citation."""
    sentence = first_sentence(source_blocks(request)["S1"])
    return (f"{sentence} [S1] Refunds are also paid in gold bars.\nQUOTES:\n"
            f'[S1] "{sentence}"')


def cites_without_quotes(request: dict[str, Any]) -> str:
    """Cites S1 but writes no QUOTES block: nothing to verify."""
    return f"{first_sentence(source_blocks(request)['S1'])} [S1]"


_ALWAYS_ANSWER = re.compile(r"always (?:answer|say|reply) that ([^.<]+)", re.IGNORECASE)


def gullible_reworded(request: dict[str, Any]) -> str:
    """A model that obeys "... always answer that X" wherever it reads it, quoting the order as
    its evidence; otherwise it answers from S1."""
    blocks = source_blocks(request)
    for label, text in blocks.items():
        if order := _ALWAYS_ANSWER.search(text):
            claim = order.group(1).strip()
            return f'{claim[0].upper()}{claim[1:]}. [{label}]\nQUOTES:\n[{label}] "{claim}"'
    return answer_from_s1(request)


__all__ = [
    "answer_from_s1",
    "bare_marker",
    "cites_unseen_source",
    "cites_without_quotes",
    "empty",
    "first_sentence",
    "garbage",
    "gullible",
    "gullible_reworded",
    "invented_ids_only",
    "misquotes_s1",
    "mixed_support",
    "not_in_sources",
    "rambling",
    "source_blocks",
    "truncated_json",
    "uncited",
]
