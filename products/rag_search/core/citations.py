"""Citations: labels the engines use ([S1] is the first retrieved chunk) and quote checks.

Every citation an engine returns is checked here against the chunks it was shown: a label
that names no retrieved chunk is dropped, and a quote that is not in its chunk is kept but
marked `verified=False`, so the page and the API can flag it instead of passing it off as
evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from products.rag_search.core.models import Citation, SearchResult
from products.rag_search.core.structure import quotable_units
from products.rag_search.core.text import split_sentences, terms

MIN_WORDS = 3
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-"})


def label_for(result: SearchResult) -> str:
    return f"S{result.rank}"


def labelled(results: Sequence[SearchResult]) -> dict[str, SearchResult]:
    return {label_for(result): result for result in results}


def quote_in(quote: str, text: str) -> bool:
    """Is the quote in the text, ignoring case, spacing, curly quotes and dashes?"""
    needle = _comparable(quote).strip(" .\"'")
    return bool(needle) and needle in _comparable(text)


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACES.sub(" ", text)


def best_sentence(text: str, question_terms: set[str]) -> str:
    """The sentence of `text` sharing the most terms with the question (the first on ties);
    never a table's header row, a log line or a fragment of a word or two."""
    sentences = [unit for unit, _ in quotable_units(text) if len(unit.split()) >= MIN_WORDS]
    return max(sentences or split_sentences(text) or [text],
               key=lambda sentence: len(question_terms & set(terms(sentence))))


def cite(result: SearchResult, quote: str, *, verified: bool = True) -> Citation:
    page = result.page
    return Citation(
        label=label_for(result), source=result.source, chunk_id=result.chunk_id, quote=quote,
        title=result.title, heading=result.heading, page=page, verified=verified,
    )


def checked_citation(result: SearchResult, quote: str | None, question: str) -> Citation:
    """A citation for a chunk the engine cited; no quote given -> its best-matching sentence."""
    if not quote:
        return cite(result, best_sentence(result.text, set(terms(question))))
    return cite(result, quote, verified=quote_in(quote, result.text))


__all__ = ["best_sentence", "checked_citation", "cite", "label_for", "labelled", "quote_in"]
