"""Prompt-injection defence: document text is data, and instruction-like sentences are removed.

Two layers. The LLM prompt fences every source in `<source>` tags and the system prompt says
their content is data (see prompts/). That alone is not enough against a determined document,
so sentences that read as orders to an AI ("ignore all previous instructions", "you are now",
"reveal your system prompt") are replaced before any engine sees them, and the answer carries a
warning naming the file. A help centre never needs to address the model, so the false-positive
cost is one dropped sentence; DECISIONS.md records the trade-off.
"""

from __future__ import annotations

import re

from products.rag_search.core.text import split_sentences

REMOVED = "[instruction-like text removed]"
_ORDERS = r"(instructions?|prompts?|rules|guidelines|directions|context)"
_PATTERNS = [  # "ignore ... instructions" only when they are the reader's own, not a product's
    r"\b(ignore|disregard|forget|override)\b.{0,20}?\b(all|any|previous|prior|above|earlier|"
    r"preceding|original|your|system)\b.{0,20}?\b" + _ORDERS + r"\b",
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b" + _ORDERS
    + r"\s+(above|so far|you (were|have been) given)\b",
    r"\byou are (now|no longer)\b",
    r"\b(pretend|act) (to be|as)\b.{0,30}\b(ai|assistant|model|bot|chatgpt|system)\b",
    r"\b(reveal|print|show|repeat|output)\b.{0,20}\b(system|developer|hidden) (prompt|message|"
    r"instructions?)\b",
    r"\byour (system|hidden|original) (prompt|instructions)\b",
    r"\bnew instructions?\s*:",
    r"\b(as an?|dear) (ai|language model|llm|assistant|chatbot)\b",
    r"\b(ai|assistant|model|chatbot|llm)s?,? (must|should) (now )?(say|tell|answer|reply|"
    r"respond|claim)\b",
    r"\btell (the|every|all) users? that\b",
]
_INSTRUCTION = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS), re.IGNORECASE)
_FENCE = re.compile(r"<(/?)(source)\b", re.IGNORECASE)


def is_instruction_like(sentence: str) -> bool:
    """True for a sentence that addresses an AI rather than the reader."""
    return _INSTRUCTION.search(sentence) is not None


def neutralise(text: str) -> tuple[str, int]:
    """The text with instruction-like sentences replaced, and how many were replaced."""
    sentences = split_sentences(text)
    flagged = sum(1 for sentence in sentences if is_instruction_like(sentence))
    if not flagged:
        return text, 0
    kept = [REMOVED if is_instruction_like(sentence) else sentence for sentence in sentences]
    return " ".join(kept), flagged


def escape_fences(text: str) -> str:
    """A document cannot close or open a `<source>` fence of its own (`<source` -> `&lt;source`)."""
    return _FENCE.sub(lambda match: f"&lt;{match.group(1)}{match.group(2)}", text)


__all__ = ["REMOVED", "escape_fences", "is_instruction_like", "neutralise"]
