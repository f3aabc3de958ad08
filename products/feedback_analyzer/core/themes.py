"""Themes: clusters of similar complaints and of similar praise, each with quotes and a trend.

Complaints (negative and mixed rows) and praise (positive rows) are clustered apart, on the
kit's embedder vectors, with scikit-learn's KMeans (k chosen by silhouette among a few values).
A theme is named by its most distinctive words (class-based TF-IDF: frequent in the cluster,
rare elsewhere); in LLM mode the model renames it. Quotes are the rows nearest the centroid.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, Field

from products.feedback_analyzer.core.aspects import STOPWORDS, words_of
from products.feedback_analyzer.core.privacy import redact_with_counts
from products.feedback_analyzer.core.summary import ThemeCandidate
from shared.embeddings import Embedder

MIN_ROWS_TO_CLUSTER = 6
K_CHOICES = (2, 3, 4, 5, 6, 8)
QUOTES_PER_THEME = 3
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"[^\W\d_][\w']*")
COMMON_WORD_SHARE = 0.08


class Quote(BaseModel):
    row_id: str
    text: str


class Theme(BaseModel):
    """One cluster: what it is about, how big, where it is heading, and who said it."""

    name: str
    kind: str = Field(description="complaint or praise")
    size: int
    share: float = Field(description="of the rows in its kind")
    keywords: list[str]
    aspects: list[str]
    mean_score: float
    low_star_share: float | None = None
    by_month: dict[str, int] = Field(default_factory=dict)
    trend: str = "flat"
    quotes: list[Quote]
    row_ids: list[str] = Field(default_factory=list, description="every clustered row's id")


def find_themes(candidates: Sequence[ThemeCandidate], embedder: Embedder) -> list[Theme]:
    """Complaint themes first (largest first), then praise themes."""
    complaints = [c for c in candidates if c.sentiment in ("negative", "mixed")]
    praise = [c for c in candidates if c.sentiment == "positive"]
    return [*_themes(complaints, "complaint", embedder), *_themes(praise, "praise", embedder)]


def _themes(rows: list[ThemeCandidate], kind: str, embedder: Embedder) -> list[Theme]:
    if len(rows) < MIN_ROWS_TO_CLUSTER:
        return []
    import numpy as np

    texts = without_common_words([r.text for r in rows])
    vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
    labels, centroids = cluster(vectors)
    themes = [_theme(rows, vectors, labels, centroids, k, kind) for k in sorted(set(labels))]
    return sorted(themes, key=lambda t: -t.size)


def without_common_words(texts: list[str], share: float = COMMON_WORD_SHARE) -> list[str]:
    """Texts without the words found in more than `share` of them ("not happy at all", "very
    disappointed", "honestly"): in an averaged embedding they outweigh the topic, so clusters
    formed around how people complain rather than what about (purity 0.42 -> 0.47)."""
    counts = Counter(w for t in texts for w in set(_WORDS.findall(t.lower())))
    common = {w for w, n in counts.items() if n > share * len(texts)}
    return [" ".join(w for w in _WORDS.findall(t) if w.lower() not in common) or t for t in texts]


def cluster(vectors):
    """KMeans labels and centroids, with k picked by the best silhouette (seeded). One BLAS
    thread: on small matrices threads cost more than they give (4x slower on a busy 2-core box)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _cluster(vectors)


def _cluster(vectors):
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best = None
    for k in (k for k in K_CHOICES if k < len(vectors)):
        model = KMeans(n_clusters=k, n_init=3, random_state=0).fit(vectors)
        sample = min(len(vectors), 1500)
        score = silhouette_score(vectors, model.labels_, sample_size=sample, random_state=0)
        if best is None or score > best[0]:
            best = (score, model)
    model = best[1] if best else KMeans(n_clusters=1, n_init=1, random_state=0).fit(vectors)
    return model.labels_, model.cluster_centers_


def _theme(rows, vectors, labels, centroids, k, kind) -> Theme:
    import numpy as np

    members = [i for i, label in enumerate(labels) if label == k]
    keywords = distinctive_words([rows[i].text for i in members], [r.text for r in rows])
    distance = ((vectors[members] - centroids[k]) ** 2).sum(axis=1)
    nearest = [members[i] for i in np.argsort(distance)[:QUOTES_PER_THEME]]
    stars = [rows[i].stars for i in members if rows[i].stars is not None]
    months = Counter(rows[i].month for i in members if rows[i].month)
    aspects = Counter(a for i in members for a in rows[i].aspects)
    return Theme(
        name=" / ".join(keywords[:3]) or f"{kind} {k + 1}", kind=kind, size=len(members),
        share=round(len(members) / len(rows), 4), keywords=keywords,
        aspects=[a for a, _ in aspects.most_common(3)],
        mean_score=round(float(np.mean([rows[i].score for i in members])), 3),
        low_star_share=round(sum(s <= 2 for s in stars) / len(stars), 3) if stars else None,
        by_month=dict(sorted(months.items())), trend=trend_of(dict(sorted(months.items()))),
        quotes=[Quote(row_id=rows[i].row_id, text=short_quote(rows[i].text)) for i in nearest],
        row_ids=[rows[i].row_id for i in members])


def distinctive_words(cluster_texts: list[str], all_texts: list[str], top: int = 6) -> list[str]:
    """Words frequent in the cluster and rare outside it (class-based TF-IDF)."""
    inside = Counter(w for t in cluster_texts for w in set(words_of(t)) if w not in STOPWORDS)
    overall = Counter(w for t in all_texts for w in set(words_of(t)) if w not in STOPWORDS)
    size = len(cluster_texts)
    scored = {w: (n / size) * (n / overall[w]) for w, n in inside.items() if n >= 2}
    return [w for w, _ in sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:top]]


def trend_of(by_month: dict[str, int]) -> str:
    """rising / falling / flat: the last third of the months against the first third."""
    counts = list(by_month.values())
    if len(counts) < 3:
        return "flat"
    third = max(1, len(counts) // 3)
    early, late = sum(counts[:third]) / third, sum(counts[-third:]) / third
    if late > 1.3 * early + 0.5:
        return "rising"
    return "falling" if early > 1.3 * late + 0.5 else "flat"


def short_quote(text: str, limit: int = 220) -> str:
    """The row's text with PII masked, cut at a sentence end near `limit` characters."""
    text = " ".join(redact_with_counts(text)[0].split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE.split(text):
        if len(kept) + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or text[:limit].rsplit(" ", 1)[0] + "…"


def theme_purity(texts: list[str], gold: list[str], embedder: Embedder) -> float | None:
    """How well embedding clusters recover gold aspects: KMeans with one cluster per aspect,
    then purity = share of rows whose cluster's majority aspect is their own."""
    if len(texts) < MIN_ROWS_TO_CLUSTER:
        return None
    import numpy as np
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    vectors = np.asarray(embedder.embed_documents(without_common_words(texts)), dtype=np.float32)
    with threadpool_limits(1):
        labels = KMeans(n_clusters=len(set(gold)), n_init=5, random_state=0).fit(vectors).labels_
    majority = sum(Counter(g for g, lab in zip(gold, labels, strict=True) if lab == k)
                   .most_common(1)[0][1] for k in set(labels))
    return round(majority / len(texts), 3)


__all__ = ["Quote", "Theme", "cluster", "distinctive_words", "find_themes", "short_quote",
           "theme_purity", "trend_of", "without_common_words"]
