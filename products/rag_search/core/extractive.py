"""The baseline engine (no LLM): the best sentences of the retrieved chunks, with citations.

Every sentence of the retrieved chunks (all k, as the LLM sees them) is scored by the
IDF-weighted share of the question's terms it contains (the same weights as the relevance
signal; a term it says in other words counts in part, core.soft_coverage), plus a bonus when
it holds the kind of answer the question asks for: a number for
"how long / how many / which version / what limit", a menu path for "where do I", a verdict
("not", "only") for a yes/no question. That is the classic answer-type cue of extractive QA:
"How often does it sync?" is answered by "changes are sent every 30 minutes", which shares
one word with it. Sentences from pages marked archived or superseded are used only when no
current page is among the retrieved chunks, as the LLM prompt tells the model to prefer
current pages. The best few, within a margin of the best one, are returned in reading order
with a [S<n>] marker; a sentence between two chosen ones of a chunk comes along, and so does
a numbered list around a chosen step (a bulleted list only where its items match). Nothing
is generated, so nothing can be invented: each sentence is a verbatim quote of its chunk.
Instruction-like sentences are never picked (see `core.injection`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from products.rag_search.core.citations import cite, label_for
from products.rag_search.core.injection import is_instruction_like
from products.rag_search.core.models import Citation, SearchResult
from products.rag_search.core.relevance import coverage
from products.rag_search.core.soft_coverage import SoftMatcher
from products.rag_search.core.structure import (
    is_code,
    is_list_item,
    keeps_own_line,
    quotable_units,
)

MAX_SENTENCES = 2  # the sentence that answers and at most one supporting sentence
SUPPORT_WITHIN = 0.8  # a runner-up supports the answer when it scores this close to the best
MAX_LIST_ITEMS = 8  # a chosen list item brings its list along, this many items at most
KEEP_WITHIN = 0.6  # keep sentences scoring at least 60% of the best one
MIN_WORDS = 3  # a heading fragment ("Steps:") is not an answer
TYPE_BONUS = 0.25  # see DECISIONS.md for the eval with and without it
_ARCHIVED = re.compile(r"\b(archived?|superseded|deprecated|outdated)\b", re.IGNORECASE)

_ASKS_QUANTITY = re.compile(
    r"\bhow (long|many|much|often|soon|far|big|large|old)\b|\b(limit|maximum|max|minimum|"
    r"price|cost|costs|fee|fees|version|percent|percentage|rate|size|deadline|when|what time|"
    r"which year|how frequently)\b", re.IGNORECASE)
_ASKS_PLACE = re.compile(r"\bwhere (do|can|should|would) (i|we|you)\b|\bwhere (is|are)\b|"
                         r"\b(which|what) (menu|setting|page|tab)\b", re.IGNORECASE)
_ASKS_YES_NO = re.compile(r"^\s*(can|could|is|are|does|do|did|will|would|should|may)\b",
                          re.IGNORECASE)
_ASKS_EXPLANATION = re.compile(r"^\s*(why|how (do|does|did|can|could|should|would|to|is|are)"
                               r")\b", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d")
_HAS_VERDICT = re.compile(r"\b(not|no|never|cannot|can't|only|isn't|aren't|doesn't|don't)\b",
                          re.IGNORECASE)  # "Text-message codes are not supported."
_LIST_NUMBER = re.compile(r"^\s*\d+[.)]\s")  # "2. Click Cancel" is a step, not a quantity
_HAS_PLACE = re.compile(r">|\bSettings\b")


@dataclass(frozen=True)
class Candidate:
    result: SearchResult
    position: int
    sentence: str
    score: float
    header: str | None = None  # a table row's header row, shown above it


@dataclass(frozen=True)
class Extract:
    """The answer text, its citations and the sentence that answers (the best one)."""

    text: str
    citations: list[Citation]
    best: str = ""


def extractive_answer(question: str, weights: dict[str, float],
                      results: Sequence[SearchResult]) -> tuple[str, list[Citation]]:
    """The answer text and its citations; ("", []) when no sentence shares a question term."""
    found = extract(question, weights, results)
    return found.text, found.citations


def extract(question: str, weights: dict[str, float],
            results: Sequence[SearchResult]) -> Extract:
    """The sentence that answers plus at most one supporting unit (`size`), lists and table
    rows in their shape; an empty Extract when no sentence shares a question term."""
    current = [r for r in results if not is_archived(r)]
    chosen = _choose(_candidates(weights, current or list(results),
                                 answer_type_cue(question), SoftMatcher(weights, question)))
    if not chosen:
        return Extract("", [])
    kept = size(question, chosen)
    whole = sorted(_with_whole_lists(kept, weights), key=_reading_order)
    return Extract(render(whole), _citations(sorted(kept, key=_reading_order)),
                   chosen[0].sentence)


def size(question: str, chosen: list[Candidate]) -> list[Candidate]:
    """The answer's size rule: the best unit and at most one supporting unit. A question that
    asks why or how (or states a symptom) is supported by the unit after the best one, where
    the fix is; any other by the runner-up, when it scores within SUPPORT_WITHIN of the best,
    or within KEEP_WITHIN when it holds the kind of answer asked (a verdict, a number) and the
    best does not: "Codes by text message went out …" needs "… not supported any more"."""
    best = chosen[0]
    if wants_explanation(question):
        return [best, *_follow_on(best)[:1]]
    cue = answer_type_cue(question)
    runner_up = [c for c in chosen[1:2] if c.score >= SUPPORT_WITHIN * best.score
                 or (cue(c.sentence) and not cue(best.sentence))]
    return [best, *runner_up]


def wants_explanation(question: str) -> bool:
    """"Why …", "How do I …" or a statement of a problem (no question mark), not "how many"."""
    stripped = question.strip()
    return bool(_ASKS_EXPLANATION.search(stripped)) or not stripped.endswith("?")


def _reading_order(candidate: Candidate) -> tuple[int, int]:
    return candidate.result.rank, candidate.position


UNORDERED = "none"


def _with_whole_lists(chosen: list[Candidate], weights: dict[str, float]) -> list[Candidate]:
    """A chosen list item brings the rest of its list (up to MAX_LIST_ITEMS items) along:
    step 2 of a procedure is no answer without step 1, and the answer stays a list."""
    found: dict[tuple[str, int], Candidate] = {}
    for candidate in chosen:
        found.setdefault((candidate.result.chunk_id, candidate.position), candidate)
        if not is_list_item(candidate.sentence):
            continue
        quotable = quotable_units(candidate.result.text)
        ordered = _LIST_NUMBER.match(candidate.sentence) is not None
        for position in _list_run(quotable, candidate.position):
            sentence, header = quotable[position]
            if not ordered and coverage(weights, sentence) <= 0:
                continue
            found.setdefault((candidate.result.chunk_id, position), Candidate(
                candidate.result, position, sentence, candidate.score, header))
    return list(found.values())


def _follow_on(best: Candidate) -> list[Candidate]:
    """The unit right after the best sentence, for a question that asks why or how rather than
    for a value: troubleshooting and how-to pages state the symptom in the words of the
    question ("A file opened in text mode raises TypeError") and give the fix in the next
    sentence or code block, which shares no words with the question."""
    after = _next_unit(best, quotable_units(best.result.text))
    return [after] if after is not None else []


def _next_unit(candidate: Candidate, quotable: list[tuple[str, str | None]]) -> Candidate | None:
    """The quotable unit after `candidate` in its chunk, with its score; None at the end of the
    chunk or when that unit is instruction-like."""
    position = candidate.position + 1
    if position >= len(quotable) or is_instruction_like(quotable[position][0]):
        return None
    sentence, header = quotable[position]
    return Candidate(candidate.result, position, sentence, candidate.score, header)


def _list_run(quotable: list[tuple[str, str | None]], position: int) -> range:
    """The positions of the contiguous list items around `position`, at most MAX_LIST_ITEMS."""
    start = end = position
    while start > 0 and is_list_item(quotable[start - 1][0]):
        start -= 1
    while end + 1 < len(quotable) and is_list_item(quotable[end + 1][0]):
        end += 1
    if end - start + 1 > MAX_LIST_ITEMS:
        start = max(start, position - MAX_LIST_ITEMS // 2)
        end = min(end, start + MAX_LIST_ITEMS - 1)
    return range(start, end + 1)


def render(chosen: Sequence[Candidate]) -> str:
    """Prose sentences run on; list items, code and table rows (under their header, once per
    table) keep their own lines, so a list reads as a list and a row as a small table."""
    text, headers_shown = "", set()
    for candidate in chosen:
        label = f"[{label_for(candidate.result)}]"
        # A fence closes only on a line of its own: the label goes under a code block.
        piece = (f"{candidate.sentence}\n{label}" if is_code(candidate.sentence)
                 else f"{candidate.sentence} {label}")
        if candidate.header and candidate.header not in headers_shown:
            headers_shown.add(candidate.header)
            piece = f"{candidate.header}\n{piece}"
        own_line = keeps_own_line(candidate.sentence) or candidate.header is not None
        text += ("\n" if own_line or _ends_block(text) else " ") + piece if text else piece
    return text


def _ends_block(text: str) -> bool:
    last = text.rsplit("\n", 1)[-1]
    return keeps_own_line(last)


def asks_for_a_type(question: str) -> bool:
    """Whether the question asks for a number, a place or a yes/no verdict (see the cues)."""
    return any(pattern.search(question) for pattern in (_ASKS_QUANTITY, _ASKS_PLACE,
                                                         _ASKS_YES_NO))


def answer_type_cue(question: str) -> Callable[[str], bool]:
    """A test for sentences holding the kind of answer the question asks for (or none)."""
    if _ASKS_QUANTITY.search(question):
        return lambda sentence: _HAS_NUMBER.search(_LIST_NUMBER.sub("", sentence)) is not None
    if _ASKS_PLACE.search(question):
        return lambda sentence: _HAS_PLACE.search(sentence) is not None
    if _ASKS_YES_NO.search(question):
        return lambda sentence: _HAS_VERDICT.search(sentence) is not None
    return lambda sentence: False


def is_archived(page: SearchResult | Citation) -> bool:
    """A chunk from a page marked archived or superseded (in its path, title or heading)."""
    return _ARCHIVED.search(f"{page.source} {page.title} {page.heading}") is not None


def _candidates(weights: dict[str, float], results: Sequence[SearchResult],
                cue: Callable[[str], bool], matcher: SoftMatcher) -> list[Candidate]:
    """Sentences sharing a question term, scored by soft coverage (a paraphrased question word
    counts in part, core.soft_coverage; all sentences in one batch) plus the answer-type
    bonus."""
    units: list[tuple[SearchResult, list[tuple[str, str | None]], int, str, str | None]] = []
    for result in results:
        quotable = quotable_units(result.text)
        units += [(result, quotable, position, sentence, header)
                  for position, (sentence, header) in enumerate(quotable)
                  if len(sentence.split()) >= MIN_WORDS and not is_instruction_like(sentence)]
    found = []
    texts = [f"{header or ''} {sentence}" for *_, sentence, header in units]
    for (result, quotable, position, sentence, header), (exact, soft) in zip(
            units, matcher.exact_and_soft(texts), strict=True):
        if exact <= 0:  # a paraphrase alone does not make a candidate
            continue
        bonus = TYPE_BONUS if cue(sentence) else 0.0
        score = soft + bonus - 0.01 * result.rank  # ties go to the top chunk
        found.append(_answer_to(Candidate(result, position, sentence, score, header),
                                quotable))
    return found


def _answer_to(candidate: Candidate, quotable: list[tuple[str, str | None]]) -> Candidate:
    """A question in the page ("Your client never got the invoice?") is no answer: it stands
    for the unit after it, the FAQ's answer, which keeps the question's score."""
    if not _is_question(candidate.sentence):
        return candidate
    after = _next_unit(candidate, quotable)
    return after if after is not None and not _is_question(after.sentence) else candidate


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?")


def _choose(candidates: list[Candidate]) -> list[Candidate]:
    """The best sentences, skipping repeats (overlapping chunks share sentences)."""
    chosen: list[Candidate] = []
    seen: set[str] = set()
    for candidate in sorted(candidates, key=lambda c: -c.score):
        if len(chosen) == MAX_SENTENCES:
            break
        if chosen and candidate.score < KEEP_WITHIN * chosen[0].score:
            break
        if candidate.sentence not in seen:
            seen.add(candidate.sentence)
            chosen.append(candidate)
    return chosen


def _citations(chosen: list[Candidate]) -> list[Citation]:
    """One citation per chunk used, quoting the first of its chosen sentences."""
    by_chunk: dict[str, Citation] = {}
    for candidate in chosen:
        by_chunk.setdefault(candidate.result.chunk_id, cite(candidate.result, candidate.sentence))
    return list(by_chunk.values())


__all__ = ["MAX_SENTENCES", "SUPPORT_WITHIN", "TYPE_BONUS", "Extract", "answer_type_cue",
           "extract", "extractive_answer", "is_archived", "size", "wants_explanation"]
