"""Single-label classification metrics (e.g. sentiment: positive / neutral / negative).

Labels are whatever strings the product uses. The label set is the `labels` you pass (in
that order) plus any other label seen in gold or predicted (sorted), so a surprise label
is never silently dropped. Per-class precision/recall/F1 follow `prf_from_counts`; zero
division is 0.0 (a class never predicted has precision 0.0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel

from shared.evals._common import (
    PrecisionRecallF1,
    mean,
    prf_from_counts,
    require_same_length,
    safe_ratio,
)


class ClassScores(PrecisionRecallF1):
    """Precision/recall/F1 of one class, and how many gold items it has (support)."""

    support: int


class ClassificationReport(BaseModel):
    """Accuracy, per-class and macro scores, and the confusion matrix as nested dicts.

    `confusion[gold][predicted]` counts items with that gold label given that prediction;
    every label appears in both levels (zeros included) so tables render the same shape.
    Macro scores are unweighted means over `labels`: each class counts the same however
    rare it is, which is the point for skewed sentiment data.
    """

    labels: list[str]
    total: int
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_class: dict[str, ClassScores]
    confusion: dict[str, dict[str, int]]


def resolve_labels(labels: Sequence[str] | None, seen: set[str]) -> list[str]:
    """The given labels in order, then any unexpected seen label, sorted."""
    given = list(dict.fromkeys(labels or []))
    return given + sorted(seen - set(given))


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
                     ) -> dict[str, dict[str, int]]:
    """`{gold_label: {predicted_label: count}}` with every label in both levels."""
    counts = Counter(zip(gold, predicted, strict=True))
    return {g: {p: counts[(g, p)] for p in labels} for g in labels}


def _class_scores(label: str, confusion: dict[str, dict[str, int]]) -> ClassScores:
    true_pos = confusion[label][label]
    predicted_as = sum(row[label] for row in confusion.values())
    support = sum(confusion[label].values())
    scores = prf_from_counts(true_pos, predicted_as - true_pos, support - true_pos)
    return ClassScores(**scores.model_dump(), support=support)


def classification_report(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> ClassificationReport:
    """Score single-label predictions against gold labels (paired by position).

    accuracy = correct / total; macro_X = mean of per-class X over all labels.
    """
    require_same_length("gold", gold, "predicted", predicted)
    all_labels = resolve_labels(labels, set(gold) | set(predicted))
    confusion = confusion_matrix(gold, predicted, all_labels)
    per_class = {label: _class_scores(label, confusion) for label in all_labels}
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return ClassificationReport(
        labels=all_labels,
        total=len(gold),
        accuracy=safe_ratio(correct, len(gold)),
        macro_precision=mean([s.precision for s in per_class.values()]),
        macro_recall=mean([s.recall for s in per_class.values()]),
        macro_f1=mean([s.f1 for s in per_class.values()]),
        per_class=per_class,
        confusion=confusion,
    )
