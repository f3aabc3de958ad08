"""Counts a PM reads first, gathered while rows stream past (memory stays flat at 1M rows).

By sentiment and by aspect (with the sentiment split of each aspect), by month when dates
exist, and where the sentiment disagrees with the stars (4-5 stars but negative, 1-2 stars but
positive). A bounded, seeded reservoir of analysed rows feeds the theme clustering.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from products.feedback_analyzer.core.columns import parse_number
from products.feedback_analyzer.core.models import SENTIMENTS, AnalyzedRow, leaning_of

if TYPE_CHECKING:
    from products.feedback_analyzer.core.models import Labelled

MAX_THEME_ROWS = 4000
MAX_EXAMPLE_IDS = 10
POLES = ("positive", "neutral", "negative")


class ThemeCandidate(BaseModel):
    """What clustering and the report need from a row (no input columns)."""

    row_id: str
    text: str
    sentiment: str
    score: float
    stars: float | None = None
    month: str | None = None
    aspects: list[str] = Field(default_factory=list)
    group: str | None = Field(None, description="the row's value in the --by column")
    effort: float | None = Field(None, description="the row's value in an effort column")


class Disagreement(BaseModel):
    """Rows whose words and stars point opposite ways: worth a read (sarcasm, wrong field)."""

    high_stars_negative: int = 0
    low_stars_positive: int = 0
    rows_with_stars: int = 0
    example_ids: list[str] = Field(default_factory=list)


class Counts(BaseModel):
    """Everything countable about a run."""

    analyzed: int = 0
    sentiment: dict[str, int] = Field(default_factory=dict)
    sentiment_share: dict[str, float] = Field(default_factory=dict)
    aspects: dict[str, int] = Field(default_factory=dict)
    aspect_sentiment: dict[str, dict[str, int]] = Field(default_factory=dict)
    by_month: dict[str, dict[str, int]] = Field(default_factory=dict)
    disagreement: Disagreement = Field(default_factory=Disagreement)
    flags: dict[str, int] = Field(default_factory=dict)
    group_column: str | None = None
    stars_leaning: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="rows per star rating (1-5) and leaning")
    by_group: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="sentiment counts per value of the --by column")


class SummaryBuilder:
    """Feed it every analysed row once; `counts()` and `candidates` at the end."""

    def __init__(self, seed: int = 7, columns: list[str] | None = None,
                 group_column: str | None = None, effort_column: str | None = None) -> None:
        columns = columns or []
        self._group_column = group_column
        self._group_at = columns.index(group_column) if group_column in columns else None
        self._effort_at = columns.index(effort_column) if effort_column in columns else None
        self._groups: dict[str, Counter[str]] = defaultdict(Counter)
        self._stars_leaning: dict[str, Counter[str]] = defaultdict(Counter)
        self._sentiment: Counter[str] = Counter()
        self._aspects: Counter[str] = Counter()
        self._aspect_sentiment: dict[str, Counter[str]] = defaultdict(Counter)
        self._months: dict[str, Counter[str]] = defaultdict(Counter)
        self._flags: Counter[str] = Counter()
        self._disagree = Disagreement()  # its counters below are plain ints until counts()
        self._with_stars = self._high_negative = self._low_positive = 0
        self._random = random.Random(seed)
        self._seen = 0
        self._kept: list[AnalyzedRow | Labelled] = []  # the reservoir, as the rows came

    def add(self, item: AnalyzedRow | Labelled) -> None:
        row, analysis = item.row, item.analysis
        if row.flag:
            self._flags[row.flag.split(" ")[0]] += 1
        if analysis.status != "ok" or analysis.sentiment is None:
            return
        self._sentiment[analysis.sentiment] += 1
        for aspect in analysis.aspects:
            self._aspects[aspect] += 1
            self._aspect_sentiment[aspect][analysis.sentiment] += 1
        if row.date:
            self._months[row.date[:7]][analysis.sentiment] += 1
        if self._group_at is not None:
            self._groups[self._cell(row.values, self._group_at) or "(blank)"][
                analysis.sentiment] += 1
        self._check_stars(item)
        if not row.flag.startswith("duplicate"):
            self._sample(item)

    def _check_stars(self, item: AnalyzedRow | Labelled) -> None:
        stars, label = item.row.stars, item.analysis.sentiment
        if stars is None:
            return
        self._with_stars += 1  # an int, not a pydantic field: no __setattr__ per row
        self._stars_leaning[str(round(stars))][leaning_of(item.analysis) or "neutral"] += 1
        high_negative = stars >= 4 and label == "negative"
        low_positive = stars <= 2 and label == "positive"
        self._high_negative += high_negative
        self._low_positive += low_positive
        if (high_negative or low_positive) and len(self._disagree.example_ids) < MAX_EXAMPLE_IDS:
            self._disagree.example_ids.append(item.row.row_id)

    def _sample(self, item: AnalyzedRow | Labelled) -> None:
        """Reservoir sampling: every row has the same chance to be kept, memory is bounded.
        The row itself is kept; `candidates` builds the models once, at the end (a row can be
        replaced many times on the way: ~16k insertions for 4,000 slots at 50k rows)."""
        self._seen += 1
        slot = len(self._kept)
        if slot >= MAX_THEME_ROWS:
            slot = self._random.randrange(self._seen)
            if slot >= MAX_THEME_ROWS:
                return
        if slot == len(self._kept):
            self._kept.append(item)
        else:
            self._kept[slot] = item

    @staticmethod
    def _cell(values: list[str], at: int) -> str:
        return values[at].strip() if at < len(values) else ""

    def _effort(self, values: list[str]) -> float | None:
        """The row's effort cell as a positive number, else None (blank or not a number)."""
        if self._effort_at is None:
            return None
        number = parse_number(self._cell(values, self._effort_at) or "x")
        return number if number is not None and number > 0 else None

    @property
    def candidates(self) -> list[ThemeCandidate]:
        """The reservoir's rows as theme candidates, in reservoir order."""
        group_at = self._group_at
        return [ThemeCandidate.model_construct(  # our own, typed values: no validation
            row_id=item.row.row_id, text=item.row.text[:1000],
            sentiment=item.analysis.sentiment or "neutral",
            score=item.analysis.sentiment_score or 0.0, stars=item.row.stars,
            month=item.row.date[:7] if item.row.date else None, aspects=item.analysis.aspects,
            group=(self._cell(item.row.values, group_at) or "(blank)"
                   if group_at is not None else None),
            effort=self._effort(item.row.values))
            for item in self._kept]

    def counts(self) -> Counts:
        total = sum(self._sentiment.values())
        return Counts(
            analyzed=total,
            sentiment={s: self._sentiment[s] for s in SENTIMENTS},
            sentiment_share={s: round(self._sentiment[s] / total, 4) if total else 0.0
                             for s in SENTIMENTS},
            aspects=dict(self._aspects.most_common()),
            aspect_sentiment={a: {s: c[s] for s in SENTIMENTS}
                              for a, c in sorted(self._aspect_sentiment.items())},
            by_month={m: {s: c[s] for s in SENTIMENTS} for m, c in sorted(self._months.items())},
            disagreement=self._disagreement(), flags=dict(self._flags),
            group_column=self._group_column,
            stars_leaning={s: {p: c[p] for p in POLES} for s, c in
                           sorted(self._stars_leaning.items())},
            by_group={g: {s: c[s] for s in SENTIMENTS} for g, c in sorted(self._groups.items())})

    def _disagreement(self) -> Disagreement:
        return self._disagree.model_copy(update={
            "rows_with_stars": self._with_stars, "high_stars_negative": self._high_negative,
            "low_stars_positive": self._low_positive})


__all__ = ["MAX_THEME_ROWS", "Counts", "Disagreement", "SummaryBuilder", "ThemeCandidate"]
