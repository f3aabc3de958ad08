"""The product's data shapes: one input row, its analysis, and what a run reports.

Rows keep every input value (`values`) so the output file can hold every input column; the
analysis fields are the issue's contract (sentiment, score, aspects, reason, status, error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from shared.tables import BadTable  # the kit's table reader's error, named here too

PRODUCT = "feedback_analyzer"
Sentiment = Literal["positive", "neutral", "negative", "mixed"]
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative", "mixed")
Status = Literal["ok", "failed", "skipped"]
Engine = Literal["baseline", "llm"]
ANALYSIS_FIELDS = ("sentiment", "sentiment_score", "aspects", "reason", "status", "error",
                   "flag", "leaning")  # leaning last: earlier columns keep their positions




@dataclass(slots=True)
class FeedbackRow:
    """One input row: where it came from, its text, and the optional stars and date.

    A slotted dataclass, not a pydantic model: the reader builds one per input row (a million
    for a 1M-row file), and trusted values need no validation. `line` is where the row starts
    in the file (1 = header); `values` holds every input cell in order; `flag` is empty,
    non_text, ragged or "duplicate of <id>".
    """

    row_id: str
    line: int
    text: str
    values: list[str] = field(default_factory=list)
    stars: float | None = None
    date: str | None = None
    flag: str = ""


class RowAnalysis(BaseModel):
    """The per-row result; a failed or skipped row says why in `error`."""

    sentiment: Sentiment | None = None
    sentiment_score: float | None = None
    aspects: list[str] = Field(default_factory=list)
    reason: str = ""
    status: Status = "ok"
    error: str = ""
    leaning: str | None = None


class RowResult(NamedTuple):
    """The baseline's per-row result on the hot path: `RowAnalysis`'s fields as a tuple.
    Building a pydantic model per row (even with `model_construct`) cost ~8% of a baseline
    run; everything downstream (CSV, counts, evals) only reads these attributes."""

    sentiment: str | None
    sentiment_score: float | None
    aspects: list[str]
    reason: str
    status: str
    error: str
    leaning: str | None = None


def leaning_of(analysis: RowAnalysis | RowResult) -> str | None:
    """The pole a row leans to (positive/negative, neutral when it leans nowhere), what polar
    metrics and charts count: the engine's own `leaning` when it gave one, else the label for a
    polar label and the score's sign for `mixed`/`neutral` (an LLM row). None: not analysed."""
    if analysis.leaning:
        return analysis.leaning
    if analysis.sentiment in ("positive", "negative"):
        return analysis.sentiment
    if analysis.sentiment is None:
        return None
    score = analysis.sentiment_score or 0.0
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


class Labelled(NamedTuple):
    """A row and its analysis on the hot path: the fields of `AnalyzedRow` without building a
    pydantic model per row (a third of the pipeline's own overhead at 10k rows)."""

    row: FeedbackRow
    analysis: RowAnalysis | RowResult


class AnalyzedRow(BaseModel):
    """A row and its analysis together: what the summary, the table and the CSV read."""

    row: FeedbackRow
    analysis: RowAnalysis


class TableInfo(BaseModel):
    """What the reader found: columns, their roles, encoding, delimiter, ragged lines."""

    columns: list[str]
    text_column: str
    id_column: str | None = None
    date_column: str | None = None
    stars_column: str | None = None
    stars_scale: float = 5.0
    group_column: str | None = Field(None, description="product/plan/channel/version to split by")
    effort_column: str | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    problems: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        """One line a person reads before a run: which column is what."""
        roles = [f"text={self.text_column}", f"id={self.id_column or 'row number'}",
                 f"date={self.date_column or '-'}", f"stars={self.stars_column or '-'}",
                 f"by={self.group_column or '-'}"]
        return ", ".join(roles)


class RunSummary(BaseModel):
    """What `aipm feedback analyze --json` prints (the issue's keys, in order)."""

    rows: int
    ok: int
    failed: int
    skipped: int
    engine: Engine
    model: str | None
    counts: dict[str, int]
    aspects: dict[str, int]
    pii_redacted: dict[str, int]
    seconds: float
    cost_usd: float
    output: str | None
    # Out of the dump: the --json keys are the issue's; the CLI adds it only when true.
    cancelled: bool = Field(False, exclude=True,
                            description="stopped by the user; the `rows` done were kept")


class Estimate(BaseModel):
    """What a run would send and cost, before anything is sent."""

    rows: int
    unique_texts: int
    requests: int
    rows_per_request: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    batch_cost_usd: float
    seconds: float
    model: str | None
    engine: Engine
    price_note: str = ""


__all__ = [
    "ANALYSIS_FIELDS",
    "PRODUCT",
    "SENTIMENTS",
    "AnalyzedRow",
    "BadTable",
    "Engine",
    "Estimate",
    "FeedbackRow",
    "RowAnalysis",
    "RowResult",
    "RunSummary",
    "Sentiment",
    "Status",
    "TableInfo",
    "leaning_of",
]
