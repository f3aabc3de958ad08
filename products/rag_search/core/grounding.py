"""Sentence-level grounding of an LLM answer: every claim carries a citation or is removed.

A reply is read as claims: sentences (and list items) of prose, and fenced code blocks. A
sentence is kept only when it carries a marker naming a chunk the model was shown; a short
lead-in ending in a colon ("To export a project:") is no claim and is kept as is. A code
block is kept only when its code is in one of the passages the model was shown (models are
told to copy code, not write it). Everything else is dropped and counted, so the answer a
reader sees is made only of cited sentences and quoted code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from products.rag_search.core.citations import MARKER, quote_in
from shared.text import split_sentences

_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_LEADING_MARKERS = re.compile(r"^((?:\[\s*S\d+\s*\]\s*)+)", re.IGNORECASE)
_WORD = re.compile(r"\w", re.UNICODE)
LEAD_IN_WORDS = 12  # "To turn on single sign-on for the whole workspace:" is a lead-in


@dataclass
class Grounded:
    """What survives: the answer text, the labels it cites in order, and what was dropped."""

    text: str
    cited: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    dropped_sentences: int = 0
    dropped_code: int = 0
    cited_sentences: int = 0


def ground(body: str, shown: Mapping[str, str]) -> Grounded:
    """Keep the cited sentences and the quoted code of `body`; `shown` is {label: text}."""
    grounded = Grounded(text="")
    parts: list[str] = []
    position = 0
    for fence in _FENCE.finditer(body):
        parts.append(_ground_prose(body[position:fence.start()], shown, grounded))
        parts.append(_ground_code(fence.group(0), fence.group(1), shown, grounded))
        position = fence.end()
    parts.append(_ground_prose(body[position:], shown, grounded))
    grounded.text = "\n\n".join(part for part in parts if part.strip()).strip()
    return grounded


def _ground_code(block: str, code: str, shown: Mapping[str, str], grounded: Grounded) -> str:
    if code.strip() and any(quote_in(code, text) for text in shown.values()):
        return block.rstrip() if block.rstrip().endswith("```") else block.rstrip() + "\n```"
    grounded.dropped_code += 1
    return ""


def _ground_prose(prose: str, shown: Mapping[str, str], grounded: Grounded) -> str:
    lines = [_ground_line(line, shown, grounded) for line in prose.strip().splitlines()]
    return "\n".join(line for line in lines if line is not None)


def _ground_line(line: str, shown: Mapping[str, str], grounded: Grounded) -> str | None:
    """A line with its unsupported sentences removed; None when nothing of it is left."""
    if not line.strip():
        return ""
    kept = [kept for sentence in sentences_of(line)
            if (kept := _ground_sentence(sentence, shown, grounded)) is not None]
    return " ".join(kept) if kept else None


def sentences_of(line: str) -> list[str]:
    """Sentences of one line; markers written after the full stop stay with their sentence."""
    pieces = split_sentences(line, lines=False)
    merged: list[str] = []
    for piece in pieces:
        markers = _LEADING_MARKERS.match(piece)
        if markers and merged:
            merged[-1] += " " + markers.group(1).strip()
            piece = piece[markers.end():].strip()
        if piece:
            merged.append(piece)
    return merged


def _ground_sentence(sentence: str, shown: Mapping[str, str], grounded: Grounded) -> str | None:
    labels = [label.upper() for label in MARKER.findall(sentence)]
    valid = [label for label in labels if label in shown]
    grounded.unknown += [label for label in labels if label not in shown
                         and label not in grounded.unknown]
    claim = MARKER.sub("", sentence).strip()
    if not _WORD.search(claim):
        return None  # a bare "[S1]" (or "- [S3]."): no words, so no claim to keep
    if not valid:
        if _is_lead_in(claim):
            return claim
        grounded.dropped_sentences += 1
        return None
    grounded.cited_sentences += 1
    grounded.cited += [label for label in valid if label not in grounded.cited]
    return MARKER.sub(lambda m: f"[{m.group(1).upper()}]" if m.group(1).upper() in shown
                      else "", sentence).strip()


def _is_lead_in(claim: str) -> bool:
    """ "To export a project:" or "## Steps" introduce cited content; they claim nothing."""
    stripped = claim.strip("*_ ")
    short = len(stripped.split()) <= LEAD_IN_WORDS and not re.search(r"\d", stripped)
    return short and stripped.endswith(":")


__all__ = ["MARKER", "Grounded", "ground", "sentences_of"]
