"""Calibrating the abstention threshold: sweep it over the golden set, keep the best F1.

"Abstain" is the positive class: a threshold t abstains on every question whose relevance is
below t. Each row says how well that matches the golden set's unanswerable questions. The
chosen threshold maximises abstention F1 (ties: higher accuracy, then the lower threshold,
which answers more). A two-fold check (odd vs even cases) says how much the choice depends on
which questions it saw; DECISIONS.md quotes both.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from products.rag_search.core.relevance import CALIBRATION_FILE, Calibration, load_calibration
from shared.evals import score_abstention

STEP = 0.05


class SweepRow(BaseModel):
    threshold: float
    precision: float
    recall: float
    f1: float
    accuracy: float


def sweep(relevances: Sequence[float], unanswerable: Sequence[bool]) -> list[SweepRow]:
    """One row per threshold from 0 to 1 in steps of STEP."""
    rows = []
    for step in range(round(1 / STEP) + 1):
        threshold = round(step * STEP, 2)
        scores = score_abstention([r < threshold for r in relevances], list(unanswerable))
        rows.append(SweepRow(threshold=threshold, precision=scores.precision,
                             recall=scores.recall, f1=scores.f1, accuracy=scores.accuracy))
    return rows


def best_threshold(rows: Sequence[SweepRow]) -> float:
    """Best F1, then best accuracy; among thresholds that tie, the middle one.

    Thresholds that score the same form a plateau between the two classes; its edge sits right
    on one question's relevance, so the middle (the lower of two middles) is the choice that
    still holds when the next question lands a little to either side.
    """
    if not rows:
        return load_calibration().threshold
    best = max((round(row.f1, 6), round(row.accuracy, 6)) for row in rows)
    plateau = sorted(row.threshold for row in rows
                     if (round(row.f1, 6), round(row.accuracy, 6)) == best)
    return plateau[(len(plateau) - 1) // 2]


def two_fold(relevances: Sequence[float], unanswerable: Sequence[bool]) -> list[dict[str, float]]:
    """Pick on one half, score on the other, both ways: the choice's held-out accuracy."""
    folds = []
    for pick in (0, 1):
        chosen = best_threshold(sweep(relevances[pick::2], unanswerable[pick::2]))
        held_rel, held_truth = relevances[1 - pick::2], unanswerable[1 - pick::2]
        held = score_abstention([r < chosen for r in held_rel], list(held_truth))
        folds.append({"threshold": chosen, "held_out_f1": held.f1,
                      "held_out_accuracy": held.accuracy})
    return folds


def write_calibration(threshold: float, method: str, path: Path = CALIBRATION_FILE) -> Path:
    """Save the threshold every front door uses from the next question on."""
    calibration = Calibration(threshold=threshold, calibrated_on=dt.date.today().isoformat(),
                              method=method)
    path.write_text(json.dumps(calibration.model_dump(), indent=2) + "\n", encoding="utf-8")
    load_calibration.cache_clear()
    return path


__all__ = ["STEP", "SweepRow", "best_threshold", "sweep", "two_fold", "write_calibration"]
