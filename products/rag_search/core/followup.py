"""Follow-up questions in a chat: "and for monthly plans?" becomes a query that stands alone.

Retrieval sees one query, so a follow-up that leans on the previous turn must carry what it
leans on, and a question that starts a new topic must carry nothing (old words pull the search
back to the old topic). So, first, does the question refer back (`looks_like_follow_up`)? A
continuation cue ("and ...", "what about ...", "also", "too"), a pronoun with no antecedent in
the question ("does it work offline?"), a demonstrative ("is that rate locked?"), an ordinal
("the second one") or a bare fragment ("Android?") says so; anything else is a new topic and
is searched as asked.

A follow-up is then rewritten against the previous turn's own standalone query (so a chain of
follow-ups keeps its topic). The LLM engine asks the model (prompts/rewrite_followup, history
fenced as data). The baseline, and the LLM engine when the rewrite fails, does it by rule:
- "the second one" is replaced by the second item the previous answer (or question) listed;
- a follow-up that swaps one word of the previous question for another ("annual plans" ->
  "monthly plans", "TF-5120" -> "TF-5121", "iOS" -> "Android") gets the previous question with
  that word swapped: beside a word both share, or in place of a word the knowledge base lists
  alongside the new one ("iOS and Android");
- otherwise the previous question's rarest words (highest IDF here) are carried in brackets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from products.rag_search.core.knowledge_base import KnowledgeBase
from products.rag_search.core.llm_reply import is_garbage
from products.rag_search.core.privacy import mask_contacts
from products.rag_search.core.prompts import escape_data, prompt_file
from products.rag_search.core.relevance import term_weights
from products.rag_search.core.text import terms, words
from shared.errors import AIPMError
from shared.text import split_sentences, word_spans

if TYPE_CHECKING:
    from shared.llm import LLMClient

HISTORY_USED = 6  # turns the rewrite sees
TURN_CHARS = 600  # of each turn
CARRIED_TERMS = 4
MAX_REWRITE_CHARS = 400
FRAGMENT_TERMS = 3  # "monthly plans?" with no question word: a fragment of the last question
SIBLING_CHUNKS = 5  # chunks read for words listed together ("iOS and Android")

_LEADING_CUE = re.compile(r"^\s*(?:and|or|but|also|plus|then|so|what about|how about|what if|"
                          r"same (?:for|with|goes for)|is (?:that|this|it) (?:also |still )?"
                          r"(?:true|the case|the same))\b[\s,]*", re.IGNORECASE)
_ANYWHERE_CUE = re.compile(r"\b(?:also|too|as well|instead|either|the same|that way|"
                           r"this way|otherwise)\b", re.IGNORECASE)
_PERSONAL = re.compile(r"\b(?:it|its|itself)\b", re.IGNORECASE)
_PLURAL_PRONOUN = re.compile(r"\b(?:they|them|themselves)\b", re.IGNORECASE)
_THERE = re.compile(r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?! (?:is|are|was|"
                    r"were|be)\b)", re.IGNORECASE)
_EXPLETIVE_IT = re.compile(r"\b(?:is it|it is|it's|was it|it was|will it be|would it be)\s+"
                           r"(?:possible|necessary|ok|okay|safe|allowed|free|worth|better|"
                           r"required|true that)\b|\b(?:does|will|would) it (?:take|cost)\b",
                           re.IGNORECASE)
_DEMONSTRATIVE = re.compile(r"(?:^|\b(?:is|are|was|were|does|do|did|can|could|will|would|"
                            r"should|for|about|with|on|in|of|to|from|by|at|use|change|get|"
                            r"set|turn)\s+)(that|this|these|those)\b(?!\s+(?:month|week|year|"
                            r"quarter|morning|afternoon|evening|time|day)\b)", re.IGNORECASE)
_ANTECEDENT = re.compile(r"\b(?:a|an|the|my|our|your|each|every)\s+[a-z0-9-]+",
                         re.IGNORECASE)
_ORDINAL = re.compile(r"\b(?:the\s+)?(first|second|third|fourth|fifth|last|former|latter)"
                      r"(?:\s+(?:one|ones|option|item|point|step))?\b(?=\s*[?.!,]|\s*$|"
                      r"\s+(?:one|ones|option|item|point|step)\b)", re.IGNORECASE)
_ORDINAL_INDEX = {"first": 0, "former": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4,
                  "last": -1, "latter": -1}
_QUESTION_START = re.compile(r"^\s*(?:who|whom|whose|what|when|where|which|why|how|is|are|"
                             r"was|were|do|does|did|can|could|will|would|should|shall|may|"
                             r"might|must|has|have|had|please|tell|show|explain|list|give)\b",
                             re.IGNORECASE)
_AUX = (r"(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|may|might|must|has|"
        r"have|had)")
_FULL_QUESTION = re.compile(rf"^\s*(?:{_AUX}\b|(?:who|what|when|where|which|why|how)\s+"
                            rf"(?:much\s+|many\s+|long\s+|often\s+|far\s+)?{_AUX}\b)",
                            re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.+)$", re.MULTILINE)
_SIBLINGS = re.compile(r"(?=\b([A-Za-z0-9][\w-]*)(?:\s*,\s*|\s+(?:and|or|nor)\s+|\s*/\s*|"
                       r"\s*\|\s*)([A-Za-z0-9][\w-]*))")
_FILLER = frozenset(terms("true case way around thing things happen happens apply applies hold "
                          "holds work works mean means say says"))


class ChatTurn(BaseModel):
    """One earlier message of a conversation, as the API and the page send it."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    term: str | None  # None for a stop word


def standalone_query(kb: KnowledgeBase, question: str, history: Sequence[ChatTurn] | None,
                     llm: LLMClient | None, *, mask_pii: bool = False) -> str:
    """The question as one searchable query: unchanged when there is no earlier turn or when
    it does not refer back (a new topic keeps none of the old words). With `mask_pii`, the
    model asked to rewrite it sees no personal contact details."""
    turns = list(history or [])
    if not any(turn.role == "user" for turn in turns) or not looks_like_follow_up(question):
        return question.strip()
    if llm is not None and (rewritten := rewrite_with_llm(
            *_private(question, turns, mask_pii), llm)):
        return rewritten
    previous, answer = previous_topic(kb, turns)
    return follow_up_query(kb, question, previous, answer)


def previous_topic(kb: KnowledgeBase, history: Sequence[ChatTurn]) -> tuple[str, str]:
    """The last user turn as it was searched (its own follow-ups resolved, oldest first,
    within the last HISTORY_USED turns), and the answer it got."""
    topic, answer = "", ""
    for turn in list(history)[-HISTORY_USED:]:
        if turn.role == "assistant":
            answer = turn.content
            continue
        topic = (follow_up_query(kb, turn.content, topic, answer)
                 if topic and looks_like_follow_up(turn.content) else turn.content.strip())
        answer = ""
    return topic, answer


def _private(question: str, history: Sequence[ChatTurn],
             mask_pii: bool) -> tuple[str, Sequence[ChatTurn]]:
    if not mask_pii:
        return question, history
    return mask_contacts(question), [turn.model_copy(update={"content": mask_contacts(
        turn.content)}) for turn in history]


def looks_like_follow_up(question: str) -> bool:
    """Does the question lean on an earlier turn? See the module docstring for the cues."""
    text = question.strip()
    if _LEADING_CUE.search(text) or _ANYWHERE_CUE.search(text) or _ORDINAL.search(text):
        return True
    if _DEMONSTRATIVE.search(text) or _THERE.search(text):
        return True
    if _dangling(_PERSONAL, text) or _dangling(_PLURAL_PRONOUN, text, plural=True):
        return True
    return not _QUESTION_START.search(text) and len(terms(text)) <= FRAGMENT_TERMS


def _dangling(pronoun: re.Pattern[str], text: str, *, plural: bool = False) -> bool:
    """A pronoun with nothing before it in the question to point at ("an invoice ... send it"
    points inside; "does it work offline?" points back), and not an "is it possible"."""
    match = pronoun.search(_EXPLETIVE_IT.sub(" ", text))
    if match is None:
        return False
    before = text[:match.start()]
    if plural:
        return not any(word.endswith("s") and not word.endswith(("ss", "us", "is"))
                       for word in words(before) if terms(word))
    return _ANTECEDENT.search(before) is None


def carry_key_terms(kb: KnowledgeBase, question: str, previous: str) -> str:
    """The question plus the previous question's rarest words it does not already have (only
    when it looks like a follow-up: a new topic carries nothing)."""
    if not looks_like_follow_up(question):
        return question.strip()
    return with_carried_terms(kb, question, previous)


def follow_up_query(kb: KnowledgeBase, question: str, previous: str, answer: str = "") -> str:
    """The baseline rewrite of a follow-up: an ordinal resolved, a swapped word swapped, or
    the previous question's key terms carried."""
    if not previous.strip():
        return question.strip()
    if (resolved := _resolve_ordinal(question, answer, previous)) is not None:
        return resolved
    if (swapped := _swap_words(kb, question, previous)) is not None:
        return swapped
    return with_carried_terms(kb, question, previous)


def with_carried_terms(kb: KnowledgeBase, question: str, previous: str) -> str:
    """The question plus up to CARRIED_TERMS of the previous question's rarest words."""
    weights = term_weights(previous, kb.lexical())
    have = set(terms(question))
    candidates = [word for word in dict.fromkeys(words(previous))
                  if (stem := next(iter(terms(word)), None)) and stem not in have]
    ranked = sorted(candidates, key=lambda word: -weights.get(terms(word)[0], 0.0))
    carried = ranked[:CARRIED_TERMS]
    return f"{question.strip()} ({' '.join(carried)})" if carried else question.strip()


# -- "the second one" ----------------------------------------------------------------------
def _resolve_ordinal(question: str, answer: str, previous: str) -> str | None:
    match = _ORDINAL.search(question)
    if match is None:
        return None
    index = _ORDINAL_INDEX[match.group(1).lower()]
    for source in (answer, previous):
        items = listed_items(source)
        if len(items) >= 2 and -len(items) <= index < len(items):
            item = items[index].rstrip(" .;:")
            return f"{question[:match.start()]}{item}{question[match.end():]}".strip()
    return None


def listed_items(text: str) -> list[str]:
    """The items a text lists: its list lines, else the longest "A, B and C" in a sentence
    (the first item is the words after the sentence's last stop word before the list)."""
    lines = [_plain(item) for item in _LIST_ITEM.findall(text)]
    if len(lines) >= 2:
        return lines
    best: list[str] = []
    for sentence in split_sentences(_plain(text), casual=True):
        parts = [part.strip(" .?!;:") for part in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)"
                                                          r"\s+", sentence)]
        parts = [part for part in parts if part]
        if len(parts) > len(best):
            best = [_tail(parts[0]), *parts[1:]]
    return best if len(best) >= 2 else []


def _tail(segment: str) -> str:
    """"Invoices can be exported as PDF" -> "PDF": the words after the last stop word."""
    found = word_spans(segment)
    stops = [token for token in found if not terms(token[0])]
    return segment[stops[-1][2]:].strip() if stops and stops[-1] is not found[-1] else segment


def _plain(text: str) -> str:
    return re.sub(r"\[S\d+\]|[*_`]", "", text).strip()


# -- "annual plans" -> "and for monthly plans?" ---------------------------------------------
def _tokens(text: str) -> list[_Token]:
    return [_Token(word, start, end, next(iter(terms(word)), None))
            for word, start, end in word_spans(text)]


def _runs(tokens: Sequence[_Token]) -> list[list[_Token]]:
    """Maximal runs of content words (a stop word ends a run): "the Business plan" -> one."""
    runs: list[list[_Token]] = [[]]
    for token in tokens:
        if token.term is None:
            runs.append([])
        else:
            runs[-1].append(token)
    return [run for run in runs if run]


def _swap_words(kb: KnowledgeBase, question: str, previous: str) -> str | None:
    """The previous question with the follow-up's new words put where the words they replace
    stood; None when nothing in the follow-up replaces anything."""
    rest_of_question = _LEADING_CUE.sub("", question.strip())
    if _FULL_QUESTION.search(rest_of_question) and len(terms(rest_of_question)) >= 2:
        return None  # "and how do I delete it?" asks its own question: carry, do not swap
    asked = _tokens(rest_of_question)
    before = _tokens(previous)
    old_terms = {token.term for token in before if token.term}
    edits: dict[tuple[int, int], str] = {}
    placed: set[str] = set()
    for run in _runs(asked):
        _swap_beside_shared(run, before, old_terms, edits, placed)
    unplaced = [token for token in asked if token.term and token.term not in old_terms
                and token.term not in placed and token.term not in _FILLER]
    if unplaced:
        _swap_siblings(kb, unplaced, before, previous, question, edits, placed)
    if not edits:
        return None
    rest = [token.text for token in asked if token.term and token.term not in old_terms
            and token.term not in placed and token.term not in _FILLER]
    swapped = _apply(previous, edits)
    return f"{swapped} ({' '.join(rest)})" if rest else swapped


def _swap_beside_shared(run: Sequence[_Token], before: Sequence[_Token], old_terms: set[str],
                        edits: dict[tuple[int, int], str], placed: set[str]) -> None:
    """In "monthly plans", "plans" is shared with "annual plans": "monthly" replaces "annual"."""
    shared = [index for index, token in enumerate(run) if token.term in old_terms]
    if not shared or len(shared) == len(run):
        return
    new_left = [token for token in run[:shared[0]] if token.term not in old_terms]
    new_right = [token for token in run[shared[-1] + 1:] if token.term not in old_terms]
    first = _position(before, run[shared[0]].term)
    last = _position(before, run[shared[-1]].term)
    for side, new in ((-1, new_left), (1, new_right)):
        if not new:
            continue
        old = _neighbours(before, first if side < 0 else last, side, len(new),
                          {token.term for token in run})
        if len(old) == len(new):  # one word for one word: "annual" -> "monthly"
            edits[(old[0].start, old[-1].end)] = " ".join(token.text for token in new)
            placed.update(token.term for token in new if token.term)


def _position(tokens: Sequence[_Token], term: str | None) -> int:
    return next(index for index, token in enumerate(tokens) if token.term == term)


def _neighbours(tokens: Sequence[_Token], position: int, side: int, count: int,
                keep: set[str | None]) -> list[_Token]:
    """Up to `count` content words next to `tokens[position]` on one side, stopping at a stop
    word or at a word the follow-up also has."""
    found: list[_Token] = []
    index = position + side
    while 0 <= index < len(tokens) and len(found) < count:
        token = tokens[index]
        if token.term is None or token.term in keep:
            break
        found.append(token)
        index += side
    return sorted(found, key=lambda token: token.start)


def _swap_siblings(kb: KnowledgeBase, unplaced: Sequence[_Token], before: Sequence[_Token],
                   previous: str, question: str, edits: dict[tuple[int, int], str],
                   placed: set[str]) -> None:
    """"and Android?" after "Which iOS version...": the knowledge base lists iOS and Android
    together, so Android takes iOS's place (the rarest such word, one per new word)."""
    pairs = _sibling_pairs(kb, f"{previous} {question}")
    weights = term_weights(previous, kb.lexical())
    taken = {span for span in edits}
    for new in unplaced:
        options = [token for token in before if token.term and (new.term, token.term) in pairs
                   and (token.start, token.end) not in taken]
        if not options:
            continue
        old = max(options, key=lambda token: weights.get(token.term or "", 0.0))
        edits[(old.start, old.end)] = new.text
        taken.add((old.start, old.end))
        placed.add(new.term or "")


def _sibling_pairs(kb: KnowledgeBase, query: str) -> set[tuple[str, str]]:
    """Term pairs written as a list ("iOS and Android", "Stripe or PayPal", "a / b", table
    cells) in the chunks that best match the two turns together."""
    hits = kb.lexical().search(query, SIBLING_CHUNKS)
    pairs: set[tuple[str, str]] = set()
    for chunk in kb.chunks([hit.chunk_id for hit in hits]):
        text = _plain(chunk.text)
        leads = [_lead_word(line) for line in text.splitlines()]
        found = _SIBLINGS.findall(text) + list(pairwise(leads))
        for first, second in found:
            one, two = (next(iter(terms(word or "")), None) for word in (first, second))
            if one and two and one != two:
                pairs |= {(one, two), (two, one)}
    return pairs


def _lead_word(line: str) -> str | None:
    """The first word of a list item or table row ("- iOS: ..." -> "iOS"); None otherwise,
    so only neighbouring items of one list pair up."""
    item = _LIST_ITEM.match(line) or re.match(r"^\s*\|\s*(.+)$", line)
    found = word_spans(item.group(1)) if item else []
    return found[0][0] if found else None


def _apply(text: str, edits: dict[tuple[int, int], str]) -> str:
    for (start, end), replacement in sorted(edits.items(), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text.strip()


# -- the LLM rewrite -----------------------------------------------------------------------
def rewrite_with_llm(question: str, history: Sequence[ChatTurn], llm: LLMClient) -> str | None:
    """The model's standalone version of the question, or None when it cannot be used."""
    prompt = prompt_file("rewrite_followup_user").format(
        history=_history_text(history), question=escape_data(question.strip()))
    try:
        reply = llm.complete(prompt, system=prompt_file("rewrite_followup").strip(),
                             max_tokens=120, operation="rag_rewrite").text
    except AIPMError:
        return None  # the baseline rewrite still works; the answer call reports failures
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


__all__ = ["ChatTurn", "carry_key_terms", "follow_up_query", "listed_items",
           "looks_like_follow_up", "previous_topic", "rewrite_with_llm", "standalone_query",
           "with_carried_terms"]
