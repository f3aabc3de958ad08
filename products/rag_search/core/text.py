"""Words and sentences: the one tokenizer BM25, relevance and the extractive engine share.

BM25 and the abstention signal must see the same terms, or a query could score against an
index built from different words. Terms are lower-cased word tokens, English stop words
dropped, Snowball-stemmed ("refunds" and "refunded" both become "refund"). Stemming goes
through a cache because a corpus repeats a small vocabulary millions of times.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_CAMEL_CASE = re.compile(r"\b[A-Za-z0-9]*(?:[a-z0-9][A-Z]|[A-Z]{2}[a-z])[A-Za-z0-9]*")
_CAMEL_PART = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|[0-9]|\b)|[A-Z]?[a-z]+|[0-9]+")
_SENTENCE_END = re.compile(
    r"(?:(?<=[^\d][.!?])(?<!e\.g\.)(?<!i\.e\.)|(?<=[^\d][.!?][\"')\]]))[ \t]+"  # ". Next"
    r"(?![\"']?\([^()\n]{1,60}\)[ \t]*(?:\n|$))"  # "… one. (Default 3)" ends its sentence
    r"(?=[\"'(\[]?[A-Z0-9])"
    r"|\n\s*\n"  # a blank line ends a paragraph
    r"|(?<=[.!?:])[ \t]*\n"  # a line that ends a sentence
    r"|(?<=\))[ \t]*\n(?=[A-Z])"  # "… (Default False)" then a new paragraph
    r"|\n(?=[ \t]*(?:[-*•]|\d+[.)])[ \t])"  # a list item starts
)
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
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes folded ("Don't" -> "don't"); a camel-case name
    also gives its parts ("DigestAuth" -> "digestauth", "digest", "auth"), so a question in
    words finds the class, exception or product that names it in code."""
    found = _WORD.findall(text.lower().replace("’", "'"))
    for name in _CAMEL_CASE.findall(text):
        found += [part.lower() for part in _CAMEL_PART.findall(name)]
    return found


def terms(text: str) -> list[str]:
    """Search terms: words minus stop words, stemmed. The unit of BM25 and of relevance."""
    return [_stem(word) for word in words(text) if word not in _STOPWORDS]


_TABLE_ROW = re.compile(r"^([^\n]* \| [^\n]*)$", re.MULTILINE)


def is_table_row(text: str) -> bool:
    """A line of a table as the loaders write it: cells joined by " | "."""
    return " | " in text and "\n" not in text.strip()


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items, and paragraphs) of a text, stripped, empties dropped.

    A rule-based splitter: a period after a word (not a number, not "e.g.") followed by a
    capital starts a new sentence, so "Acme Inc. Ltd" splits wrongly; fine for picking
    quotable sentences, which is all it does. Each table row is one unit, never split: a cell
    holding two sentences ("Consent expired. Go to Settings > Bank accounts.") would otherwise
    leave its second half as a line of its own, and the next row would pass for a header.
    """
    parts = _TABLE_ROW.split(text)  # the captured rows sit at the odd positions
    found: list[str] = []
    for position, part in enumerate(parts):
        found += [part] if position % 2 else _SENTENCE_END.split(part)
    return [part.strip() for part in found if part and part.strip()]


__all__ = ["is_table_row", "split_sentences", "terms", "words"]
