"""Themes: clusters of similar complaints and of similar praise, each with quotes and a trend.

Complaints (negative and mixed rows) and praise (positive rows) are clustered apart, on the
kit's embedder vectors, with scikit-learn's KMeans (k chosen by silhouette among a few values).
A theme is named by a short phrase taken from its rows (`phrase_name`: the 2-4 word run that
most of its rows share and few others use, "battery drains overnight"), never a number or a
list of words; in LLM mode the model renames it. Quotes are the rows nearest the centroid. A
contrast row ("great screen but the battery died") is split at the contrast word and each
side joins the pool of its own feeling, so it counts on both themes it names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, Field

from products.feedback_analyzer.core.aspects import STOPWORDS, words_of
from products.feedback_analyzer.core.privacy import redact_with_counts
from products.feedback_analyzer.core.sentiment import label_for
from products.feedback_analyzer.core.summary import ThemeCandidate
from shared.embeddings import Embedder
from shared.text import split_sentences

MIN_ROWS_TO_CLUSTER = 6
K_CHOICES = (2, 3, 4, 5, 6, 8)
QUOTES_PER_THEME = 3
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
    alternatives: list[str] = Field(default_factory=list, exclude=True,
                                    description="next-best names (to keep names unique)")
    sentiment: str = Field("negative", description="the label of the rows' mean score")
    cohesion: float = Field(0.0, description="mean cosine of the rows to their centroid, 0..1")
    by_group: dict[str, int] = Field(default_factory=dict, description="rows per --by value")
    effort: float | None = Field(None, description="mean of the rows' effort column, if any")


def find_themes(candidates: Sequence[ThemeCandidate], embedder: Embedder) -> list[Theme]:
    """Complaint themes first (largest first), then praise themes."""
    complaints: list[ThemeCandidate] = []
    praise: list[ThemeCandidate] = []
    for candidate in candidates:
        for side in contrast_sides(candidate):
            if side.sentiment == "positive":
                praise.append(side)
            elif side.sentiment in ("negative", "mixed"):
                complaints.append(side)
    themes = [*_themes(complaints, "complaint", embedder), *_themes(praise, "praise", embedder)]
    return unique_names(themes)


def contrast_sides(candidate: ThemeCandidate) -> list[ThemeCandidate]:
    """A `mixed` row split at its contrast word into a praise side and a complaint side, each
    keeping the row's id (so the row counts on both themes); other rows as they are, and a
    mixed row whose sides do not point opposite ways stays one complaint candidate."""
    from products.feedback_analyzer.core.sentiment import CONTRAST, analyzer

    if candidate.sentiment != "mixed" or (found := CONTRAST.search(candidate.text)) is None:
        return [candidate]
    parts = [candidate.text[:found.start()], candidate.text[found.end():]]
    scores = [analyzer(True).polarity_scores(part)["compound"] for part in parts]
    if not (min(scores) < 0 < max(scores)):
        return [candidate]
    return [candidate.model_copy(update={"text": part.strip(" ,;"), "score": score,
                                         "sentiment": "positive" if score > 0 else "negative"})
            for part, score in zip(parts, scores, strict=True)]


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
        if len(set(model.labels_)) < 2:  # identical rows: one cluster, no silhouette
            continue
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
    names = phrase_names([rows[i].text for i in members], [r.text for r in rows],
                         [rows[i].text for i in nearest])
    efforts = [rows[i].effort for i in members if rows[i].effort is not None]
    groups = Counter(rows[i].group for i in members if rows[i].group is not None)
    mean_score = float(np.mean([rows[i].score for i in members]))
    stars = [rows[i].stars for i in members if rows[i].stars is not None]
    months = Counter(rows[i].month for i in members if rows[i].month)
    aspects = Counter(a for i in members for a in rows[i].aspects)
    return Theme(
        name=names[0], kind=kind, size=len(members),
        share=round(len(members) / len(rows), 4), keywords=keywords,
        aspects=[a for a, _ in aspects.most_common(3)],
        mean_score=round(mean_score, 3), sentiment=label_for(mean_score),
        cohesion=cohesion(vectors[members], centroids[k]),
        by_group=dict(groups.most_common()),
        effort=round(sum(efforts) / len(efforts), 2) if efforts else None,
        alternatives=names[1:],
        low_star_share=round(sum(s <= 2 for s in stars) / len(stars), 3) if stars else None,
        by_month=dict(sorted(months.items())), trend=trend_of(dict(sorted(months.items()))),
        quotes=[Quote(row_id=rows[i].row_id, text=short_quote(rows[i].text)) for i in nearest],
        row_ids=[rows[i].row_id for i in members])


def cohesion(members, centroid) -> float:
    """How alike a theme's rows are: the mean cosine between each row's vector and the
    centroid, clipped to 0..1 (1 = the same sentence; what the backlog's confidence reads)."""
    import numpy as np

    norms = np.linalg.norm(members, axis=1) * (np.linalg.norm(centroid) or 1.0)
    cosines = (members @ centroid) / np.where(norms == 0, 1.0, norms)
    return round(float(np.clip(cosines.mean(), 0.0, 1.0)), 3)


_PHRASE_WORD = re.compile(r"[^\W\d_][\w']*")
# E-mail addresses and links are no theme ("com about the refund"): dropped before phrasing.
_ADDRESS = re.compile(r"\S+@\S+|\S*(?:https?://|www\.)\S*")
PHRASE_LENGTHS = (2, 3, 4)
NAME_WORDS = 5


def phrase_names(cluster_texts: list[str], all_texts: list[str],
                 nearest: list[str]) -> list[str]:
    """Candidate names for a theme, best first: word runs of 2-4 words inside one clause of
    the rows, starting and ending on a content word, scored by (share of the theme's rows with
    it) x (share of its uses inside the theme), longer runs slightly preferred; a run must
    appear in two rows (one for a theme of fewer than four). When no run qualifies, the
    content of the clause nearest the centroid, at most five words. Never a number or a word
    list: always words a person wrote, in their order."""
    inside = Counter(p for t in cluster_texts for p in _phrases(t))
    overall = Counter(p for t in all_texts for p in _phrases(t))
    floor = 2 if len(cluster_texts) >= 4 else 1
    size = len(cluster_texts)
    scored = {p: (n / size) * (n / max(n, overall[p])) * (1 + 0.25 * (p.count(" ") - 1))
              for p, n in inside.items() if n >= floor}
    ranked = [p for p, _ in sorted(scored.items(), key=lambda item: (-item[1], item[0]))]
    return ranked[:4] or [_clause_name(text) for text in nearest[:1]] or ["feedback"]


def _phrases(text: str) -> set[str]:
    """The 2-4 word runs of a text that start and end on a content word, within a clause."""
    from products.feedback_analyzer.core.sentiment import CLAUSE_SPLIT

    found: set[str] = set()
    for clause in CLAUSE_SPLIT.split(_ADDRESS.sub(" ", text.lower())):
        words = _PHRASE_WORD.findall(clause or "")
        for n in PHRASE_LENGTHS:
            for i in range(len(words) - n + 1):
                run = words[i:i + n]
                if _content(run[0]) and _content(run[-1]):
                    found.add(" ".join(run))
    return found


def _content(word: str) -> bool:
    return len(word) > 2 and word not in STOPWORDS and word not in _WEAK


# Words that start or end a run without saying what it is about.
_WEAK = frozenset({"really", "honestly", "actually", "totally", "literally", "still", "even",
                   "much", "always", "never", "every", "ever", "got", "get", "one", "two",
                   "three", "another", "week", "weeks", "day", "days", "time", "times", "thing",
                   "things",
                   "lot", "bit", "way", "well", "now", "yet", "since", "within", "without",
                   "like", "would", "avoid", "buy", "again", "also", "came", "come", "went"})


def _clause_name(text: str) -> str:
    """The clause of `text` with most content words, cut to `NAME_WORDS` words."""
    from products.feedback_analyzer.core.sentiment import CLAUSE_SPLIT

    clauses = [_PHRASE_WORD.findall(c)
               for c in CLAUSE_SPLIT.split(_ADDRESS.sub(" ", text.lower())) if c]
    best = max(clauses, key=lambda words: sum(map(_content, words)), default=[])
    while best and not _content(best[0]):
        best = best[1:]
    return " ".join(best[:NAME_WORDS]) or "feedback"


def unique_names(themes: list[Theme]) -> list[Theme]:
    """Two themes never share a name: a later theme takes its next candidate phrase (or the
    first distinctive word that makes it unique), in the order the themes are listed."""
    used: set[str] = set()
    out = []
    for theme in themes:
        options = [theme.name, *theme.alternatives,
                   *(f"{theme.name} ({word})" for word in theme.keywords), theme.name]
        name = next((o for o in options if o not in used), theme.name)
        used.add(name)
        out.append(theme.model_copy(update={"name": name}))
    return out


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
    for sentence in split_sentences(text, lines=False, casual=True):
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


__all__ = [
    "Quote",
    "Theme",
    "cluster",
    "cohesion",
    "contrast_sides",
    "distinctive_words",
    "find_themes",
    "phrase_names",
    "short_quote",
    "theme_purity",
    "trend_of",
    "unique_names",
    "without_common_words",
]
