"""The LLM engine: many rows per structured request, bounded concurrency, identical texts sent
once, the response cache on, and a strict check that every reply row belongs where it says.

Each request carries ~20 rows under short local ids (r1..r20). A reply row with an id that was
not sent (invented), an id already answered in that reply (duplicated), or fields that fail the
checks (label outside the set, score outside -1..1, a reason not quoted from the row) is not
used; the rows it should have answered, and rows the reply missed, go into the next round, in new
requests. After the last round they are `failed` with the reason, never dropped, duplicated, or
given another row's labels. Texts are PII-redacted before they are sent.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from products.feedback_analyzer.core.baseline import skipped
from products.feedback_analyzer.core.models import SENTIMENTS, FeedbackRow, RowAnalysis
from products.feedback_analyzer.core.pipeline import text_key
from products.feedback_analyzer.core.privacy import redact_with_counts
from shared.errors import AIPMError
from shared.llm import LLMClient
from shared.llm.pricing import cost_usd

PROMPT_PATH = Path(__file__).resolve().parents[1] / "prompts" / "analyze_rows.v1.md"
ROWS_PER_REQUEST = 20
MAX_ROUNDS = 3
OUTPUT_TOKENS_PER_ROW = 45
MAX_TEXT_CHARS = 2000


class RowLabel(BaseModel):
    """One reply row as the model sends it; checked field by field after parsing."""

    id: str
    sentiment: str
    sentiment_score: float
    aspects: list[str] = []
    reason: str = ""


class RowLabels(BaseModel):
    rows: list[RowLabel]


def system_prompt(aspects: list[str]) -> str:
    return PROMPT_PATH.read_text(encoding="utf-8") + "\nAllowed aspects: " + ", ".join(aspects)


def request_text(batch: list[tuple[str, str]]) -> str:
    """The user turn: rows as JSON, ids local to this request."""
    return json.dumps([{"id": local, "text": text} for local, text in batch], ensure_ascii=False)


class LLMEngine:
    """Analyse rows with an LLM; `cost_usd`, `pii` and `results` accumulate over a run."""

    name = "llm"

    def __init__(self, llm: LLMClient, aspects: list[str], *,
                 rows_per_request: int = ROWS_PER_REQUEST, concurrency: int | None = None,
                 max_cost: float | None = None, redact: bool = True,
                 on_results: Callable[[dict[str, RowAnalysis]], None] | None = None) -> None:
        self.llm = llm
        self.aspects = aspects
        self.system = system_prompt(aspects)
        self.rows_per_request = rows_per_request
        self.concurrency = concurrency
        self.max_cost = max_cost
        self.redact = redact
        self.on_results = on_results
        self.results: dict[str, RowAnalysis] = {}
        self.pii: Counter[str] = Counter()
        self.cost_usd = 0.0
        self.budget_reached = False
        self._loop = asyncio.new_event_loop()  # one loop per run: the SDK's pool is bound to it

    def pending_texts(self, rows: Iterable[FeedbackRow]) -> dict[str, str]:
        """Text key -> redacted text of each distinct text not yet answered."""
        pending: dict[str, str] = {}
        for row in rows:
            key = text_key(row.text)
            fresh = key not in self.results and key not in pending
            if row.flag not in ("empty", "non_text") and fresh:
                pending[key] = self._outgoing(row.text)
        return pending

    def analyze_rows(self, rows: list[FeedbackRow]) -> list[RowAnalysis]:
        """One analysis per row, in order; identical texts share one (sent once)."""
        pending = self.pending_texts(rows)
        if pending:
            self._loop.run_until_complete(self._label(pending))
        return [self._result_for(row) for row in rows]

    def close(self) -> None:
        """Release the event loop (the run is over)."""
        if not self._loop.is_closed():
            self._loop.close()

    def _outgoing(self, text: str) -> str:
        if not self.redact:
            return text[:MAX_TEXT_CHARS]
        redacted, counts = redact_with_counts(text)
        self.pii.update(counts)
        return redacted[:MAX_TEXT_CHARS]

    def _result_for(self, row: FeedbackRow) -> RowAnalysis:
        if row.flag in ("empty", "non_text"):
            return skipped(row.flag)
        return self.results[text_key(row.text)]

    async def _label(self, pending: dict[str, str]) -> None:
        errors: dict[str, str] = {}
        for round_number in range(MAX_ROUNDS):
            if not pending:
                break
            batches = self._affordable(self.batches(pending))
            replies = await self.llm.arun_many(
                [request_text([(i, t) for i, t, _ in b]) for b in batches], schema=RowLabels,
                system=self.system,
                concurrency=self.concurrency, max_tokens=self.max_tokens(),
                operation="feedback.analyze",
                cache=round_number == 0)  # a retry must not replay a cached bad reply
            finished = {}
            for batch, reply in zip(batches, replies, strict=True):
                finished.update(self.accept(batch, reply, pending, errors))
            for key in finished:
                pending.pop(key)
            self.results.update(finished)
            if self.on_results and finished:
                self.on_results(finished)
            if self.budget_reached:
                break
        for key in pending:
            self.results[key] = self._unfinished(errors.get(key))

    def _unfinished(self, error: str | None) -> RowAnalysis:
        if self.budget_reached and error is None:
            return RowAnalysis(status="skipped", error="not sent: the --max-cost budget was "
                               "reached; rerun with a higher budget and --resume")
        return RowAnalysis(status="failed", error=error or "no valid answer after retries")

    def batches(self, pending: dict[str, str]) -> list[list[tuple[str, str, str]]]:
        """(local id, text, key) triples, `rows_per_request` per request."""
        items = list(pending.items())
        size = self.rows_per_request
        return [[(f"r{i + 1}", text, key) for i, (key, text) in enumerate(items[s:s + size])]
                for s in range(0, len(items), size)]

    def max_tokens(self) -> int:
        return 400 + OUTPUT_TOKENS_PER_ROW * 2 * self.rows_per_request

    def _affordable(self, batches: list[list[tuple[str, str, str]]]
                    ) -> list[list[tuple[str, str, str]]]:
        """The batches that fit in what is left of --max-cost (estimated before sending)."""
        if self.max_cost is None:
            return batches
        kept, planned = [], self.cost_usd
        for batch in batches:
            planned += self._estimated_cost(batch)
            if planned > self.max_cost:
                self.budget_reached = True
                break
            kept.append(batch)
        return kept

    def _estimated_cost(self, batch: list[tuple[str, str, str]]) -> float:
        tokens_in = (len(self.system) + len(request_text([(i, t) for i, t, _ in batch]))) // 4
        return cost_usd(self.llm.provider, self.llm.model, tokens_in,
                        OUTPUT_TOKENS_PER_ROW * len(batch))

    def accept(self, batch: list[tuple[str, str, str]], reply: Any, pending: dict[str, str],
                errors: dict[str, str]) -> dict[str, RowAnalysis]:
        """Use the reply rows that answer a sent id exactly once with valid fields."""
        if isinstance(reply, AIPMError):
            for _, _, key in batch:
                errors[key] = f"{reply.code}: {reply.message[:200]}"
            return {}
        self.cost_usd += reply.cost_usd
        by_local = {local: (text, key) for local, text, key in batch}
        counts = Counter(item.id for item in reply.parsed.rows)
        accepted: dict[str, RowAnalysis] = {}
        for item in reply.parsed.rows:
            if item.id not in by_local or counts[item.id] > 1:
                continue  # invented or duplicated: its row (if any) goes to the next round
            _, key = by_local[item.id]
            problem = self._problem(item, pending[key])
            if problem:
                errors[key] = problem
                continue
            accepted[key] = RowAnalysis(
                sentiment=item.sentiment, sentiment_score=round(item.sentiment_score, 4),  # type: ignore[arg-type]
                aspects=[a for a in self.aspects if a in item.aspects], reason=item.reason)
        for local, (_, key) in by_local.items():
            if key not in accepted and key not in errors:
                errors[key] = ("the model answered this row twice" if counts[local] > 1
                               else "the model's reply left this row out")
        return accepted

    def _problem(self, item: RowLabel, sent_text: str) -> str:
        if item.sentiment not in SENTIMENTS:
            return f"invalid sentiment '{item.sentiment[:30]}'"
        if not -1.0 <= item.sentiment_score <= 1.0:
            return f"sentiment_score {item.sentiment_score} is outside -1..1"
        if item.reason and " ".join(item.reason.lower().split()) not in " ".join(
                sent_text.lower().split()):
            return "the reason is not quoted from the row"
        return ""


__all__ = ["MAX_ROUNDS", "OUTPUT_TOKENS_PER_ROW", "ROWS_PER_REQUEST", "LLMEngine", "RowLabel",
           "RowLabels", "request_text", "system_prompt"]
