"""The baseline engine (no key): VADER with fixes for sentiment, the taxonomy for aspects."""

from __future__ import annotations

from products.feedback_analyzer.core.aspects import AspectTagger
from products.feedback_analyzer.core.leaning import load_layer
from products.feedback_analyzer.core.models import FeedbackRow, RowAnalysis, RowResult
from products.feedback_analyzer.core.sentiment import (
    SentimentFixes,
    SentimentResult,
    layered_result,
    score_sentiment,
)


class BaselineEngine:
    """Analyse rows on this machine: deterministic, free, about 10k rows a second."""

    name = "baseline"

    def __init__(self, tagger: AspectTagger, fixes: SentimentFixes = SentimentFixes()) -> None:
        self.tagger = tagger
        self.fixes = fixes

    def analyze(self, row: FeedbackRow) -> RowAnalysis | RowResult:
        """One row's labels; rows flagged empty or non_text are skipped with the reason."""
        return self.analyze_rows([row])[0]

    def _result(self, row: FeedbackRow, result: SentimentResult) -> RowResult:
        return RowResult(result.label, result.score, self.tagger.tag(row.text), result.reason,
                         "ok", "", result.leaning)

    def analyze_rows(self, rows: list[FeedbackRow]) -> list[RowAnalysis | RowResult]:
        """A chunk, in order (the pipeline's engine interface). Rows with no feeling word are
        read by the layer's sentence model in one batch (`leaning.LeaningLayer`)."""
        results: list[RowAnalysis | SentimentResult] = []
        pending: list[int] = []
        for i, row in enumerate(rows):
            if row.flag in ("empty", "non_text"):
                results.append(skipped(row.flag))
                continue
            result = score_sentiment(row.text, row.stars, self.fixes)
            if result.pending:
                pending.append(i)
            results.append(result)
        layer = load_layer() if pending else None
        if layer is not None:
            texts = [rows[i].text for i in pending]
            for i, reading in zip(pending, layer.sentence_readings(texts), strict=True):
                first = results[i]
                assert isinstance(first, SentimentResult)
                probability, neutral = reading if reading is not None else (None, 0.0)
                results[i] = layered_result(rows[i].text, first.score, probability,
                                            first.label == "mixed", layer,
                                            self.fixes.review_lexicon, evidence=False,
                                            neutral=neutral)
        return [self._result(row, r) if isinstance(r, SentimentResult) else r
                for row, r in zip(rows, results, strict=True)]


def skipped(flag: str) -> RowAnalysis:
    """The analysis of a row with nothing to analyse."""
    why = "empty text" if flag == "empty" else "no words in the text (numbers or symbols only)"
    return RowAnalysis(status="skipped", error=why)


__all__ = ["BaselineEngine", "skipped"]
