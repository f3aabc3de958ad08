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
from products.rag_search.core.text import terms
from shared.text import split_sentences

MIN_WORDS = 3
_SPACES = re.compile(r"\s+")
MARKER = re.compile(r"\[\s*(S\d+)\s*\]", re.IGNORECASE)
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


def checked_citation(result: SearchResult, quote: str | None, shown_text: str) -> Citation:
    """A citation for a chunk the model cited, `verified` only when its quote is in the text the
    model was shown (`shown_text`: the chunk with quarantined passages removed).

    No quote means nothing to verify: the citation keeps an empty quote and `verified=False`.
    Substituting the chunk's best sentence would pass an unchecked claim off as evidence.
    """
    if not quote:
        return cite(result, "", verified=False)
    return cite(result, quote, verified=quote_in(quote, shown_text))


def relabel_in_order(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Renumber markers so a reader meets [S1] first, then [S2]...; citations follow suit.

    Engines label a chunk by its retrieval rank, so an answer built from chunks 3 and 1 would
    read "[S3] ... [S1]". The chunk id, not the label, ties a citation to its passage.
    """
    order = list(dict.fromkeys(label.upper() for label in MARKER.findall(text)))
    order += [c.label for c in citations if c.label and c.label not in order]
    mapping = {old: f"S{number}" for number, old in enumerate(order, start=1)}
    if all(old == new for old, new in mapping.items()):
        return text, citations
    renamed = MARKER.sub(lambda m: f"[{mapping.get(m.group(1).upper(), m.group(1))}]", text)
    relabelled = [c.model_copy(update={"label": mapping.get(c.label, c.label)}) for c in citations]
    return renamed, sorted(relabelled, key=lambda c: order.index(_old(c, mapping)))


def _old(citation: Citation, mapping: dict[str, str]) -> str:
    return next((old for old, new in mapping.items() if new == citation.label), citation.label)


def locate_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where the quote is in the text (start, end), ignoring case, spacing and punctuation
    between words; for highlighting the quoted sentence inside its passage."""
    words = [re.escape(word).replace("'", "['\u2019]")
             for word in _comparable(quote).strip(" .\"'").split()]
    if not words:
        return None
    match = re.search(r"\W*\s+\W*".join(words), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


__all__ = [
    "MARKER",
    "best_sentence",
    "checked_citation",
    "cite",
    "label_for",
    "labelled",
    "locate_quote",
    "quote_in",
    "relabel_in_order",
]
