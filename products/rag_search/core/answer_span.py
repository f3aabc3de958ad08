"""The short phrase inside the answering sentence, for a question that asks for one.

"When did X happen?" is answered by a date, "How many …?" by a number and what it counts,
"Who …?" by a name the question does not already hold. The sentence stays the answer (with
its citation); the span is what a reader's eye goes to, and what exact-match and token-F1
score on a QA set. A question that asks for none of these kinds gets no span: a phrase cut
by rule from an explanation would read as a guess.
"""

from __future__ import annotations

import re

from products.rag_search.core.answer_gate import question_type
from products.rag_search.core.span_reader import load_reader
from products.rag_search.core.text import terms, words

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December)")
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\b|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b|"
    rf"\b{_MONTH}\s+\d{{4}}\b|\b(?:the\s+)?(?:1[0-9]|20)\d{{2}}s\b|\b(?:1[0-9]|20)\d{{2}}\b|"
    rf"\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\s+century\b|\b{_MONTH}\s+\d{{1,2}}\b")
_QUANTITY = re.compile(
    r"(?:[$£€]\s?)?\b\d[\d,.]*(?:\s?%|\s+(?:percent|million|billion|thousand|hundred))?"
    r"(?:\s+[a-z]+){0,1}|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|several|dozens?)\b(?:\s+[a-z]+){0,1}",
    re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+|the\s+|van\s+|von\s+)?[A-Z][\w'’.-]*)*")
_CALENDAR = re.compile(rf"^(?:{_MONTH}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                       r"Sunday)\b")
_YEAR = re.compile(r"^(?:1[0-9]|20)\d{2}\b")
_YEAR_WORDS = re.compile(r"^(in|on|at|by)\s+", re.IGNORECASE)


def answer_span(question: str, sentence: str) -> str | None:
    """The date, quantity or name of the asked kind in `sentence`, or None."""
    kind = question_type(question)
    if kind == "when":
        return _first_new(_DATE.findall(sentence), question)
    if kind == "quantity":
        found = [_unit_kept(m.group(0)) for m in _QUANTITY.finditer(sentence)]
        counts = [f for f in found if not _YEAR.match(f)]  # "in 1874" is a date, not a count
        return _first_new(counts or found, question)
    if kind in ("who", "where"):
        return _first_new([m.group(0) for m in _NAME.finditer(sentence)
                           if (m.start() > 0 or kind == "who")
                           and not _CALENDAR.match(m.group(0))], question)
    return None


def short_answer(question: str, sentence: str) -> str | None:
    """The learned reader's span (core.span_reader) when its file ships, else the rule span."""
    reader = load_reader()
    if reader is None:
        return answer_span(question, sentence)
    return reader.read(question, sentence) or answer_span(question, sentence)


def _unit_kept(quantity: str) -> str:
    """"300 pounds" keeps its unit, "1874 by" drops the glue word after the number."""
    head, _, last = quantity.rpartition(" ")
    return head if head and not terms(last) else quantity


def _first_new(found: list[str], question: str) -> str | None:
    """The first candidate with a word the question does not have (the answer is new)."""
    asked = {word for word in words(question)}
    for candidate in found:
        text = _YEAR_WORDS.sub("", candidate.strip(" ,.;:"))
        if text and any(word not in asked for word in words(text)):
            return text
    return None


__all__ = ["answer_span", "short_answer"]
