"""The baseline engine (no key): VADER with fixes for sentiment, the taxonomy for aspects."""

from __future__ import annotations

from products.feedback_analyzer.core.aspects import AspectTagger
from products.feedback_analyzer.core.models import FeedbackRow, RowAnalysis, RowResult
from products.feedback_analyzer.core.sentiment import SentimentFixes, score_sentiment


class BaselineEngine:
    """Analyse rows on this machine: deterministic, free, about 10k rows a second."""

    name = "baseline"

    def __init__(self, tagger: AspectTagger, fixes: SentimentFixes = SentimentFixes()) -> None:
        self.tagger = tagger
        self.fixes = fixes

    def analyze(self, row: FeedbackRow) -> RowAnalysis | RowResult:
        """One row's labels; rows flagged empty or non_text are skipped with the reason."""
        if row.flag in ("empty", "non_text"):
            return skipped(row.flag)
        result = score_sentiment(row.text, row.stars, self.fixes)
        return RowResult(result.label, result.score, self.tagger.tag(row.text), result.reason,
                         "ok", "")

    def analyze_rows(self, rows: list[FeedbackRow]) -> list[RowAnalysis | RowResult]:
        """A chunk, in order (the pipeline's engine interface)."""
        return [self.analyze(row) for row in rows]


def skipped(flag: str) -> RowAnalysis:
    """The analysis of a row with nothing to analyse."""
    why = "empty text" if flag == "empty" else "no words in the text (numbers or symbols only)"
    return RowAnalysis(status="skipped", error=why)


__all__ = ["BaselineEngine", "skipped"]
