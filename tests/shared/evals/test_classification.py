"""Single-label, multi-label and set-overlap metrics against hand-computed tables."""

from __future__ import annotations

import pytest

from shared.evals.classification import classification_report, confusion_matrix
from shared.evals.overlap import multilabel_report, set_overlap

GOLD = ["pos", "pos", "neg", "neg", "neu", "pos"]
PRED = ["pos", "neg", "neg", "pos", "neu", "pos"]


def test_classification_report_hand_computed() -> None:
    report = classification_report(GOLD, PRED, labels=["pos", "neu", "neg"])
    assert report.labels == ["pos", "neu", "neg"]
    assert report.accuracy == pytest.approx(4 / 6)  # correct at positions 1, 3, 5, 6
    pos, neu, neg = (report.per_class[label] for label in ("pos", "neu", "neg"))
    # pos: TP 2, predicted 3, gold 3 -> P 2/3, R 2/3, F1 2/3
    assert (pos.precision, pos.recall, pos.f1, pos.support) == pytest.approx((2/3, 2/3, 2/3, 3))
    # neg: TP 1, predicted 2, gold 2 -> P 1/2, R 1/2, F1 1/2
    assert (neg.precision, neg.recall, neg.f1, neg.support) == (0.5, 0.5, 0.5, 2)
    # neu: TP 1, predicted 1, gold 1 -> all 1.0
    assert (neu.precision, neu.recall, neu.f1, neu.support) == (1.0, 1.0, 1.0, 1)
    # macro F1 = (2/3 + 1 + 1/2) / 3 = 13/18 = 0.72222
    assert report.macro_f1 == pytest.approx(13 / 18)
    assert report.macro_precision == pytest.approx(13 / 18)
    assert report.confusion == {
        "pos": {"pos": 2, "neu": 0, "neg": 1},
        "neu": {"pos": 0, "neu": 1, "neg": 0},
        "neg": {"pos": 1, "neu": 0, "neg": 1},
    }


def test_unexpected_and_unused_labels_are_kept() -> None:
    # "mixed" is never gold: precision 0/1 -> 0, recall 0/0 -> 0, support 0
    report = classification_report(["pos", "neg"], ["pos", "mixed"], labels=["pos", "neg", "neu"])
    assert report.labels == ["pos", "neg", "neu", "mixed"]
    assert report.per_class["mixed"].model_dump() == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert report.per_class["neu"].support == 0
    # macro F1 over 4 labels: pos 1.0, neg 0 (never predicted), neu 0, mixed 0 -> 0.25
    assert report.macro_f1 == 0.25


def test_classification_edges() -> None:
    empty = classification_report([], [])
    assert (empty.total, empty.accuracy, empty.macro_f1, empty.confusion) == (0, 0.0, 0.0, {})
    assert confusion_matrix(["a"], ["b"], ["a", "b"]) == {"a": {"a": 0, "b": 1},
                                                           "b": {"a": 0, "b": 0}}
    with pytest.raises(ValueError, match="gold has 2 items but predicted has 1"):
        classification_report(["a", "b"], ["a"])


def test_multilabel_report_hand_computed() -> None:
    gold = [{"price", "support"}, {"ux"}, set()]
    pred = [{"price"}, {"ux", "price"}, {"support"}]
    report = multilabel_report(gold, pred)
    assert report.labels == ["price", "support", "ux"]
    # price: TP 1 (item 1), FP 1 (item 2), FN 0 -> P 0.5, R 1.0, F1 2/3
    # support: TP 0, FP 1 (item 3), FN 1 (item 1) -> 0, 0, 0
    # ux: TP 1, FP 0, FN 0 -> 1, 1, 1
    price = report.per_label["price"]
    assert (price.precision, price.recall, price.f1, price.support) == pytest.approx(
        (0.5, 1.0, 2 / 3, 1))
    assert report.per_label["support"].f1 == 0.0
    # micro: TP 2, FP 2, FN 1 -> P 2/4 = 0.5, R 2/3, F1 = 2*0.5*(2/3)/(0.5+2/3) = 4/7
    assert report.micro.precision == 0.5
    assert report.micro.recall == pytest.approx(2 / 3)
    assert report.micro.f1 == pytest.approx(4 / 7)
    # macro: P (0.5 + 0 + 1)/3 = 0.5, R (1 + 0 + 1)/3 = 2/3, F1 (2/3 + 0 + 1)/3 = 5/9
    assert report.macro.precision == 0.5
    assert report.macro.recall == pytest.approx(2 / 3)
    assert report.macro.f1 == pytest.approx(5 / 9)


def test_multilabel_edges() -> None:
    empty = multilabel_report([], [])
    assert (empty.items, empty.labels, empty.micro.f1, empty.macro.f1) == (0, [], 0.0, 0.0)
    with_labels = multilabel_report([set()], [set()], labels=["price"])
    assert with_labels.per_label["price"].model_dump() == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    with pytest.raises(ValueError, match="gold_sets has 1 items"):
        multilabel_report([set()], [])


def test_set_overlap_normalises_and_reports_spellings() -> None:
    gold = ["Python", "SQL", "A/B testing", "Roadmapping"]
    predicted = ["python ", "sql", "SQL", "a-b testing", "Kubernetes"]
    overlap = set_overlap(gold, predicted)
    # distinct predicted: python, sql, a b testing, kubernetes (4); matched 3; gold 4
    assert overlap.precision == 0.75  # 3 / 4
    assert overlap.recall == 0.75  # 3 / 4
    assert overlap.f1 == 0.75
    assert overlap.matched == ["python ", "sql", "a-b testing"]
    assert overlap.missing == ["Roadmapping"]
    assert overlap.extra == ["Kubernetes"]


def test_set_overlap_exact_mode_and_edges() -> None:
    exact = set_overlap(["Python"], ["python"], normalise=False)
    assert (exact.precision, exact.recall, exact.matched) == (0.0, 0.0, [])
    both_empty = set_overlap([], [])
    assert (both_empty.precision, both_empty.recall, both_empty.f1) == (0.0, 0.0, 0.0)
    only_punctuation = set_overlap(["SQL"], ["!!", "SQL"])  # "!!" normalises to nothing
    assert (only_punctuation.precision, only_punctuation.extra) == (1.0, [])
