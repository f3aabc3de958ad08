"""Set metrics: one extracted set vs gold (skills), and multi-label sets (feedback aspects).

`set_overlap` compares two sets of short strings after `normalize_text` ("Python " and
"python" are one skill) and reports the strings as written. `multilabel_report` scores
many items at once, each with a set of labels, with micro and macro averages.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pydantic import BaseModel

from shared.evals._common import (
    PrecisionRecallF1,
    mean,
    prf_from_counts,
    require_same_length,
)
from shared.evals.classification import ClassScores, resolve_labels
from shared.evals.text import normalize_text


class SetOverlap(PrecisionRecallF1):
    """P = |matched| / |predicted|, R = |matched| / |gold|, plus which items fell where."""

    matched: list[str]
    missing: list[str]
    extra: list[str]


def _keyed(items: Sequence[str], normalise: bool) -> dict[str, str]:
    """normalised key -> first spelling seen; empty keys (pure punctuation) are dropped."""
    keyed: dict[str, str] = {}
    for item in items:
        key = normalize_text(item) if normalise else item
        if key:
            keyed.setdefault(key, item)
    return keyed


def set_overlap(gold: Sequence[str], predicted: Sequence[str], *, normalise: bool = True
                ) -> SetOverlap:
    """Precision/recall/F1 of `predicted` against `gold`, duplicates counted once.

    `matched` and `extra` use the predicted spelling, `missing` the gold spelling.
    Both sets empty gives 0.0 across the board (zero division rule), not 1.0.
    """
    gold_keys, predicted_keys = _keyed(gold, normalise), _keyed(predicted, normalise)
    matched = [key for key in predicted_keys if key in gold_keys]
    scores = prf_from_counts(len(matched), len(predicted_keys) - len(matched),
                             len(gold_keys) - len(matched))
    return SetOverlap(
        **scores.model_dump(),
        matched=[predicted_keys[key] for key in matched],
        missing=[text for key, text in gold_keys.items() if key not in predicted_keys],
        extra=[text for key, text in predicted_keys.items() if key not in gold_keys],
    )


class MultiLabelReport(BaseModel):
    """Micro scores pool every (item, label) decision; macro scores average per label.

    Micro answers "how good is it on the whole", macro "is it good on rare aspects too".
    """

    labels: list[str]
    items: int
    micro: PrecisionRecallF1
    macro: PrecisionRecallF1
    per_label: dict[str, ClassScores]


def _label_counts(label: str, pairs: list[tuple[set[str], set[str]]]) -> tuple[int, int, int]:
    true_pos = sum(1 for gold, pred in pairs if label in gold and label in pred)
    false_pos = sum(1 for gold, pred in pairs if label not in gold and label in pred)
    false_neg = sum(1 for gold, pred in pairs if label in gold and label not in pred)
    return true_pos, false_pos, false_neg


def multilabel_report(
    gold_sets: Sequence[Collection[str]],
    predicted_sets: Sequence[Collection[str]],
    labels: Sequence[str] | None = None,
) -> MultiLabelReport:
    """Score label sets item by item (paired by position); labels match exactly.

    micro: P, R, F1 from TP, FP, FN summed over all labels; macro: mean of each label's
    P, R and F1. The label set follows `classification.resolve_labels`.
    """
    require_same_length("gold_sets", gold_sets, "predicted_sets", predicted_sets)
    pairs = [(set(g), set(p)) for g, p in zip(gold_sets, predicted_sets, strict=True)]
    seen = set().union(*(g | p for g, p in pairs)) if pairs else set()
    all_labels = resolve_labels(labels, seen)
    counts = {label: _label_counts(label, pairs) for label in all_labels}
    per_label = {label: ClassScores(**prf_from_counts(*c).model_dump(), support=c[0] + c[2])
                 for label, c in counts.items()}
    totals = [sum(c[i] for c in counts.values()) for i in range(3)]
    return MultiLabelReport(
        labels=all_labels,
        items=len(pairs),
        micro=prf_from_counts(*totals),
        macro=PrecisionRecallF1(
            precision=mean([s.precision for s in per_label.values()]),
            recall=mean([s.recall for s in per_label.values()]),
            f1=mean([s.f1 for s in per_label.values()]),
        ),
        per_label=per_label,
    )
