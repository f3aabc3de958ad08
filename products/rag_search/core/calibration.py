"""Calibrating the relevance gate: sweep weight and threshold over the golden set, keep the best F1.

"Abstain" is the positive class: a threshold t abstains on every question whose gate score is
below t. Each row says how well that matches the golden set's unanswerable questions, and
which share of the answerable ones still get an answer. The gate score mixes lexical coverage
and cosine with a weight (`core.relevance`); every weight in WEIGHTS is swept, and among the
settings that answer at least MIN_ANSWERED of the answerable questions the pair with the best
abstention F1 wins (ties: higher accuracy, then the middle of the plateau). F1 on "abstain"
ignores the answerable questions answered, so unconstrained it buys near-miss abstentions
with wrong abstentions; on a second corpus the F1-best gate answered 40% of answerable
questions (DECISIONS.md, "The gate must answer three in four"). Only the golden set's `tune`
cases are used; the `heldout` cases score the choice. A two-fold check (odd vs even tune
cases) says how much the choice depends on which questions it saw; DECISIONS.md quotes both.

The LLM engine reads at a second, lower threshold (`reader_threshold`): the highest one that
still lets READER_SHARE of the tune answerable questions through. The model, not the gate,
turns down the near misses that get past it (NOT_IN_SOURCES); the gate only keeps it from
reading passages that are plainly about something else.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from products.rag_search.core.relevance import (
    CALIBRATION_FILE,
    Calibration,
    Signals,
    load_calibration,
    relevance,
)
from shared.evals import score_abstention

STEP = 0.05
WEIGHTS = tuple(step / 10 for step in range(11))  # lexical share of the gate score
READER_SHARE = 0.95  # of answerable tune questions whose passages must reach an LLM
MIN_ANSWERED = 0.75  # of answerable tune questions the extractive gate must let through


class SweepRow(BaseModel):
    threshold: float
    precision: float
    recall: float
    f1: float
    accuracy: float
    answered: float = 1.0  # share of the answerable questions at or above the threshold


def sweep(relevances: Sequence[float], unanswerable: Sequence[bool]) -> list[SweepRow]:
    """One row per threshold from 0 to 1 in steps of STEP."""
    rows = []
    for step in range(round(1 / STEP) + 1):
        threshold = round(step * STEP, 2)
        rows.append(_row(relevances, unanswerable, threshold))
    return rows


def _row(relevances: Sequence[float], unanswerable: Sequence[bool],
         threshold: float) -> SweepRow:
    scores = score_abstention([r < threshold for r in relevances], list(unanswerable))
    answerable = [r for r, no in zip(relevances, unanswerable, strict=True) if not no]
    answered = sum(r >= threshold for r in answerable) / len(answerable) if answerable else 1.0
    return SweepRow(threshold=threshold, precision=scores.precision, recall=scores.recall,
                    f1=scores.f1, accuracy=scores.accuracy, answered=round(answered, 4))


def best_threshold(rows: Sequence[SweepRow], min_answered: float = MIN_ANSWERED) -> float:
    """Best F1, then best accuracy, among the thresholds that answer at least `min_answered`
    of the answerable questions (all thresholds if none does); among ties, the middle one.

    Thresholds that score the same form a plateau between the two classes; its edge sits right
    on one question's relevance, so the middle (the lower of two middles) is the choice that
    still holds when the next question lands a little to either side.
    """
    if not rows:
        return load_calibration().threshold
    rows = [row for row in rows if row.answered >= min_answered] or list(rows)
    best = max((round(row.f1, 6), round(row.accuracy, 6)) for row in rows)
    plateau = sorted(row.threshold for row in rows
                     if (round(row.f1, 6), round(row.accuracy, 6)) == best)
    return plateau[(len(plateau) - 1) // 2]


def best_gate(found: Sequence[Sequence[Signals]], unanswerable: Sequence[bool],
              min_answered: float = MIN_ANSWERED) -> tuple[float, float]:
    """The (lexical weight, threshold) pair with the best F1, then accuracy, over WEIGHTS,
    among those answering at least `min_answered` of the answerable questions (any pair if
    none does)."""
    best: tuple[tuple[bool, float, float], float, float] | None = None
    for weight in WEIGHTS:
        rows = sweep([relevance(signals, weight) for signals in found], unanswerable)
        threshold = best_threshold(rows, min_answered)
        row = next(row for row in rows if row.threshold == threshold)
        key = (row.answered >= min_answered, round(row.f1, 6), round(row.accuracy, 6))
        if best is None or key > best[0]:
            best = (key, weight, threshold)
    assert best is not None  # WEIGHTS is not empty
    return best[1], best[2]


def score_gate(found: Sequence[Sequence[Signals]], unanswerable: Sequence[bool],
               weight: float, threshold: float) -> SweepRow:
    """Abstention scores of one gate setting on some cases (the held-out check)."""
    return _row([relevance(signals, weight) for signals in found], unanswerable, threshold)


def two_fold(found: Sequence[Sequence[Signals]],
             unanswerable: Sequence[bool]) -> list[dict[str, float]]:
    """Pick on one half, score on the other, both ways: the choice's held-out accuracy."""
    folds = []
    for pick in (0, 1):
        weight, threshold = best_gate(found[pick::2], unanswerable[pick::2])
        held = score_gate(found[1 - pick::2], unanswerable[1 - pick::2], weight, threshold)
        folds.append({"lexical_weight": weight, "threshold": threshold,
                      "held_out_f1": held.f1, "held_out_accuracy": held.accuracy,
                      "held_out_answered": held.answered})
    return folds


def reader_threshold(relevances: Sequence[float], answerable: Sequence[bool], *,
                     ceiling: float, share: float = READER_SHARE) -> float:
    """The highest threshold (on the STEP grid, at most `ceiling`, the extractive threshold)
    at which at least `share` of the answerable questions still have a passage accepted."""
    scores = [score for score, ok in zip(relevances, answerable, strict=True) if ok]
    best = 0.0
    for step in range(round(ceiling / STEP) + 1):
        threshold = round(step * STEP, 2)
        if threshold <= ceiling and sum(s >= threshold for s in scores) >= share * len(scores):
            best = threshold
    return best


def write_calibration(threshold: float, method: str, *, lexical_weight: float = 1.0,
                      embedder: str = "", reader: float | None = None,
                      path: Path = CALIBRATION_FILE) -> Path:
    """Save the gate setting every front door uses from the next question on."""
    calibration = Calibration(threshold=threshold, lexical_weight=lexical_weight,
                              embedder=embedder, calibrated_on=dt.date.today().isoformat(),
                              method=method, reader_threshold=reader)
    path.write_text(json.dumps(calibration.model_dump(), indent=2) + "\n", encoding="utf-8")
    load_calibration.cache_clear()
    return path


__all__ = ["MIN_ANSWERED", "READER_SHARE", "STEP", "WEIGHTS", "SweepRow", "best_gate",
           "best_threshold", "reader_threshold", "score_gate", "sweep", "two_fold",
           "write_calibration"]
