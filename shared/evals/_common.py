"""Arithmetic every metric shares, so each edge case is decided once.

Zero division is 0.0 everywhere (precision with no predictions, recall with nothing
relevant): an eval table must always hold numbers, and "no credit" is the honest reading
when there was nothing to score. Aggregates that would be skewed by such cases skip them
and say how many they skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class PrecisionRecallF1(BaseModel):
    """The three numbers most eval tables are made of."""

    precision: float
    recall: float
    f1: float


def safe_ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator`, or 0.0 when the denominator is 0 (see module docstring)."""
    return numerator / denominator if denominator else 0.0


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean 2PR / (P + R); 0.0 when both are 0."""
    return safe_ratio(2 * precision * recall, precision + recall)


def prf_from_counts(true_pos: int, false_pos: int, false_neg: int) -> PrecisionRecallF1:
    """P = TP / (TP + FP), R = TP / (TP + FN), F1 = 2PR / (P + R)."""
    precision = safe_ratio(true_pos, true_pos + false_pos)
    recall = safe_ratio(true_pos, true_pos + false_neg)
    return PrecisionRecallF1(precision=precision, recall=recall, f1=f1_score(precision, recall))


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0.0 for no values."""
    return safe_ratio(sum(values), len(values))


def unique_in_order(items: Iterable[T]) -> list[T]:
    """Drop repeats, keep first occurrences: duplicates are counted once."""
    return list(dict.fromkeys(items))


def require_same_length(name_a: str, a: Sequence[object], name_b: str, b: Sequence[object]) -> None:
    """Paired lists (gold vs predicted) must line up; a mismatch is a bug in the caller."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} has {len(a)} items but {name_b} has {len(b)}; "
                         "they must be paired one to one.")
