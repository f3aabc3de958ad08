"""Search terms: the one tokenizer BM25, relevance and the extractive engine share.

BM25 and the abstention signal must see the same terms, or a query could score against an
index built from different words. Terms are lower-cased word tokens, English stop words
dropped, Snowball-stemmed ("refunds" and "refunded" both become "refund"). Stemming goes
through a cache because a corpus repeats a small vocabulary millions of times.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from shared.text import words as shared_words

_CAMEL_CASE = re.compile(r"\b[A-Za-z0-9]*(?:[a-z0-9][A-Z]|[A-Z]{2}[a-z])[A-Za-z0-9]*")
_CAMEL_PART = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|[0-9]|\b)|[A-Z]?[a-z]+|[0-9]+")
_STOPWORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves also may might must shall via
""".split()  # noqa: SIM905 - a word list reads better as prose than as 130 quoted strings
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-cased word, as `terms` makes it (cached)."""
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes folded ("Don't" -> "don't"); a camel-case name
    also gives its parts ("DigestAuth" -> "digestauth", "digest", "auth"), so a question in
    words finds the class, exception or product that names it in code."""
    found = shared_words(text)
    for name in _CAMEL_CASE.findall(text):
        found += [part.lower() for part in _CAMEL_PART.findall(name)]
    return found


def terms(text: str) -> list[str]:
    """Search terms: words minus stop words, stemmed. The unit of BM25 and of relevance."""
    return [stem(word) for word in words(text) if word not in _STOPWORDS]


def content_words(text: str) -> list[str]:
    """The words of `text` that are not stop words, unstemmed, in order, repeats dropped: what
    a word-vector match (core.soft_coverage) compares."""
    return list(dict.fromkeys(w for w in words(text) if w not in _STOPWORDS))


def is_table_row(text: str) -> bool:
    """A line of a table as the loaders write it: cells joined by " | "."""
    return " | " in text and "\n" not in text.strip()


__all__ = ["content_words", "is_table_row", "stem", "terms", "words"]
