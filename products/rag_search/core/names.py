"""Names the question asks about that none of the retrieved passages mentions.

A near-miss question often swaps one name for another: "Microsoft Teams" where the page is
about Slack, "SAP Concur" where it is about QuickBooks, "Australia" where only EU VAT is
documented. Everything else in the question matches, so coverage and cosine both stay high. A
capitalised word in the middle of a sentence is usually such a name (a product, a company, a
place); when no candidate passage mentions it, the passages are probably about something else,
and the gate lowers the question's score a little (`core.relevance.NAME_FACTOR`). Only a
nudge, not a veto: "We're a German company…" names a country the VAT page never spells out.

Lower-case words are not names ("pricier", "security hole" are paraphrases the embedder may
still match), numbers are not either ("refunds after 60 days?" is answered by a page that says
30), and a name that starts a word of the passages counts as mentioned ("German" ->
"Germany").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from products.rag_search.core.text import terms, words

_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
_SENTENCE_END = (".", "?", "!", ":", "\n")


def question_names(question: str) -> list[str]:
    """Capitalised words that do not start a sentence, in order, without repeats."""
    found = []
    for match in _CAPITALISED.finditer(question):
        before = question[:match.start()].rstrip(" \t\"'(“‘")
        if before and not before.endswith(_SENTENCE_END) and terms(match.group(0)):
            found.append(match.group(0))
    return list(dict.fromkeys(found))


def unmatched_names(question: str, passages: Sequence[str]) -> list[str]:
    """The question's names that no passage mentions (as a search term or a word's start)."""
    passage_terms = {term for passage in passages for term in terms(passage)}
    passage_words = {word for passage in passages for word in words(passage)}
    return [name for name in question_names(question)
            if not _mentioned(name, passage_terms, passage_words)]


def _mentioned(name: str, passage_terms: set[str], passage_words: set[str]) -> bool:
    if set(terms(name)) <= passage_terms:
        return True
    stem = name.lower().replace("’", "'")
    return any(word.startswith(stem) for word in passage_words)


__all__ = ["question_names", "unmatched_names"]
