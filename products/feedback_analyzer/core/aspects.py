"""Aspects: what a piece of feedback is about (price, delivery, support, bugs...).

A taxonomy is a dict `aspect -> seed words`. The kit proposes one from the data: its default
seeds, plus each frequent word of the file whose embedding (the kit's offline embedder, the
same the RAG product uses) lies close to an aspect's seeds, so "courier" joins delivery and
"laggy" joins performance without anyone listing them. The user can save the proposal as JSON,
edit it and pass it back. Tagging a row is then a set lookup per word, which keeps the baseline
fast; the embedder runs once per vocabulary, not once per row.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from shared.embeddings import Embedder
from shared.errors import BadInput

DEFAULT_SEEDS: dict[str, list[str]] = {
    "price": ["price", "expensive", "cheap", "cost", "overpriced", "value", "pricey",
              "affordable", "money"],
    "delivery": ["delivery", "shipping", "arrived", "courier", "parcel", "package", "dispatch",
                 "shipped", "delivered"],
    "support": ["support", "service", "agent", "helpdesk", "helpful", "response", "replied",
                "ticket", "staff"],
    "bugs": ["bug", "crash", "crashes", "crashed", "freeze", "freezes", "error", "glitch",
             "broken", "buggy"],
    "performance": ["slow", "fast", "speed", "lag", "laggy", "battery", "loading", "sluggish",
                    "quick"],
    "usability": ["easy", "intuitive", "confusing", "interface", "design", "navigate", "layout",
                  "clunky", "simple"],
    "features": ["feature", "features", "option", "missing", "integration", "export", "sync",
                 "widget", "mode"],
    "billing": ["refund", "charged", "billing", "invoice", "payment", "cancel", "subscription",
                "renewal", "charge"],
    "quality": ["quality", "durable", "material", "flimsy", "sturdy", "cheaply", "broke",
                "leaks", "build"],
    "account": ["login", "password", "account", "sign", "verification", "locked", "log",
                "email", "profile"],
}
NEIGHBOUR_THRESHOLD = 0.45  # cosine, calibrated on the tuned golden rows for wordllama
NEIGHBOUR_MARGIN = 0.08  # the nearest aspect must beat the runner-up by this much
MIN_WORD_COUNT = 2
MAX_VOCABULARY = 3000
_WORD = re.compile(r"[a-z][a-z']{2,}")
STOPWORDS = frozenset([
    "the", "and", "for", "that", "this", "with", "was", "were", "are", "but", "not", "have",
    "has", "had", "you", "your", "its", "it's", "they", "them", "their", "there", "then",
    "than", "too", "very", "just", "from", "what", "when", "will", "would", "could", "should",
    "about", "after", "again", "also", "been", "before", "being", "both", "did", "does",
    "doing", "down", "each", "few", "more", "most", "other", "our", "out", "over", "own",
    "same", "some", "such", "only", "into", "off", "once", "here", "how", "all", "any", "can",
    "don't", "didn't", "doesn't", "isn't", "wasn't", "i've", "i'm", "we've", "it'll", "which",
    "who", "why", "where", "while", "because", "until", "these", "those", "through", "under",
    "further", "really", "still", "even", "much", "many", "every", "got", "get", "gets", "one",
    "two", "three",
])

Taxonomy = dict[str, list[str]]


def words_of(text: str) -> list[str]:
    """Lower-case words of three letters or more (the unit aspects are matched on)."""
    return _WORD.findall(text.lower())


class AspectTagger:
    """Word -> aspects lookup built from a taxonomy; `tag(text)` is a set intersection."""

    def __init__(self, taxonomy: Mapping[str, Iterable[str]]) -> None:
        self.taxonomy = {aspect: sorted(set(words)) for aspect, words in taxonomy.items()}
        self._lookup: dict[str, list[str]] = {}
        for aspect, words in self.taxonomy.items():
            for word in words:
                self._lookup.setdefault(word.lower(), []).append(aspect)

    def tag(self, text: str) -> list[str]:
        """The row's aspects in taxonomy order (none for an off-topic row)."""
        lookup = self._lookup
        hits = lookup.keys() & words_of(text)  # one set intersection in C
        if not hits:
            return []
        found = {aspect for word in hits for aspect in lookup[word]}
        return [aspect for aspect in self.taxonomy if aspect in found]


def vocabulary(texts: Iterable[str], limit: int = MAX_VOCABULARY) -> list[str]:
    """The file's frequent content words, most frequent first."""
    counts = Counter(w for text in texts for w in set(words_of(text)) if w not in STOPWORDS)
    return [w for w, n in counts.most_common(limit) if n >= MIN_WORD_COUNT]


def propose_taxonomy(texts: Iterable[str], embedder: Embedder,
                     seeds: Mapping[str, list[str]] = DEFAULT_SEEDS,
                     threshold: float = NEIGHBOUR_THRESHOLD) -> Taxonomy:
    """Seeds plus the data's words that are semantic neighbours of exactly one aspect."""
    import numpy as np

    words = [w for w in vocabulary(texts) if not any(w in s for s in seeds.values())]
    taxonomy = {aspect: list(seed_words) for aspect, seed_words in seeds.items()}
    if not words:
        return taxonomy
    aspects = list(seeds)
    word_vectors = np.asarray(embedder.embed_documents(words), dtype=np.float32)
    best = np.stack([_nearest_seed(word_vectors, embedder, seeds[a]) for a in aspects], axis=1)
    order = np.argsort(-best, axis=1)
    for i, word in enumerate(words):
        first, second = best[i, order[i, 0]], best[i, order[i, 1]]
        if first >= threshold and first - second >= NEIGHBOUR_MARGIN:
            taxonomy[aspects[order[i, 0]]].append(word)
    return taxonomy


def _nearest_seed(word_vectors, embedder: Embedder, seeds: list[str]):
    """Each word's cosine to its closest seed (vectors are unit length)."""
    import numpy as np

    seed_vectors = np.asarray(embedder.embed_documents(seeds), dtype=np.float32)
    return (word_vectors @ seed_vectors.T).max(axis=1)


def load_taxonomy(path: str | Path) -> Taxonomy:
    """A taxonomy JSON file the user edited: {"aspect": ["word", ...], ...}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise BadInput(f"Cannot read the taxonomy {path} ({err}). It must be a JSON object "
                       'like {"delivery": ["late", "courier"]}.') from err
    if not isinstance(data, dict) or not all(
            isinstance(v, list) and all(isinstance(w, str) for w in v) for v in data.values()):
        raise BadInput(f"The taxonomy {path} must map each aspect to a list of words, like "
                       '{"delivery": ["late", "courier"]}.')
    return {str(k): [w.lower() for w in v] for k, v in data.items()}


__all__ = ["DEFAULT_SEEDS", "AspectTagger", "Taxonomy", "load_taxonomy", "propose_taxonomy",
           "vocabulary", "words_of"]
