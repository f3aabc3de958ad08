"""Follow-up questions in a chat: "and for annual plans?" becomes a query that stands alone.

Retrieval sees one query, so a follow-up that leans on the previous turn ("does it work
offline?") must carry what "it" was. The LLM engine asks the model to rewrite the question
(prompts/rewrite_followup), with the history and the question fenced as data. The baseline,
and the LLM engine whenever the rewrite fails or comes back unusable, carries the previous
question's key terms instead: its rarest words in this knowledge base (highest IDF), when
the new question looks like a follow-up (a pronoun or very few content words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.llm_reply import is_garbage
from products.rag_search.core.privacy import mask_contacts
from products.rag_search.core.prompts import escape_data, prompt_file
from products.rag_search.core.relevance import term_weights
from products.rag_search.core.text import terms, words
from shared.errors import AIPMError

if TYPE_CHECKING:
    from shared.llm import LLMClient

HISTORY_USED = 6  # turns the rewrite sees
TURN_CHARS = 600  # of each turn
CARRIED_TERMS = 4
MAX_REWRITE_CHARS = 400
_REFERS_BACK = re.compile(r"\b(it|its|that|this|those|these|they|them|their|one|ones|there|"
                          r"same|also|else|instead|other|another|former|latter)\b|^\s*(and|what "
                          r"about|how about|or)\b", re.IGNORECASE)


class ChatTurn(BaseModel):
    """One earlier message of a conversation, as the API and the page send it."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


def standalone_query(kb: KnowledgeBase, question: str, history: Sequence[ChatTurn] | None,
                     llm: LLMClient | None, *, mask_pii: bool = False) -> str:
    """The question as one searchable query (unchanged when there is no earlier turn); with
    `mask_pii`, the model asked to rewrite it sees no personal contact details."""
    previous = [turn.content for turn in history or [] if turn.role == "user"]
    if not previous:
        return question.strip()
    if llm is not None and (rewritten := rewrite_with_llm(
            *_private(question, history or [], mask_pii), llm)):
        return rewritten
    return carry_key_terms(kb, question, previous[-1])


def _private(question: str, history: Sequence[ChatTurn],
             mask_pii: bool) -> tuple[str, Sequence[ChatTurn]]:
    if not mask_pii:
        return question, history
    return mask_contacts(question), [turn.model_copy(update={"content": mask_contacts(
        turn.content)}) for turn in history]


def looks_like_follow_up(question: str) -> bool:
    return bool(_REFERS_BACK.search(question)) or len(terms(question)) <= 2


def carry_key_terms(kb: KnowledgeBase, question: str, previous: str) -> str:
    """The question plus the previous question's rarest words it does not already have."""
    if not looks_like_follow_up(question):
        return question.strip()
    weights = term_weights(previous, kb.lexical())
    have = set(terms(question))
    candidates = [word for word in dict.fromkeys(words(previous))
                  if (stem := next(iter(terms(word)), None)) and stem not in have]
    ranked = sorted(candidates, key=lambda word: -weights.get(terms(word)[0], 0.0))
    carried = ranked[:CARRIED_TERMS]
    return f"{question.strip()} ({' '.join(carried)})" if carried else question.strip()


def rewrite_with_llm(question: str, history: Sequence[ChatTurn], llm: LLMClient) -> str | None:
    """The model's standalone version of the question, or None when it cannot be used."""
    prompt = prompt_file("rewrite_followup_user").format(
        history=_history_text(history), question=escape_data(question.strip()))
    try:
        reply = llm.complete(prompt, system=prompt_file("rewrite_followup").strip(),
                             max_tokens=120, operation="rag_rewrite").text
    except AIPMError:
        return None  # the carried-terms query still works; the answer call reports failures
    return _usable_rewrite(reply)


def _usable_rewrite(reply: str) -> str | None:
    lines = [line.strip().strip("\"'“”") for line in reply.strip().splitlines() if line.strip()]
    if len(lines) != 1 or is_garbage(reply) or len(lines[0]) > MAX_REWRITE_CHARS:
        return None
    text = lines[0]
    if not re.search(r"\w", text) or text.upper().startswith("NOT_IN_SOURCES"):
        return None
    return text


def _history_text(history: Sequence[ChatTurn]) -> str:
    recent = list(history)[-HISTORY_USED:]
    return "\n".join(f"{turn.role}: {escape_data(' '.join(turn.content.split())[:TURN_CHARS])}"
                     for turn in recent)


__all__ = ["ChatTurn", "carry_key_terms", "looks_like_follow_up", "rewrite_with_llm",
           "standalone_query"]
