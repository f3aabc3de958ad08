"""Retrain the keyless engine's learned layer (`data/sentiment_layer.json`) on TUNE rows only.

    .venv/bin/python -m products.feedback_analyzer.tools.train_leaning \
        [--data ../shared/realdata/sentiment] [--out .../data/sentiment_layer.json] \
        [--extra FILE --extra-text-column C --extra-label-column L]

Reads the labelled sets at run time (never copied into the repository), keeps each set's
`tune` split (`dataset_eval.split_of`, a hash of the text) and fits:
1. the feature model: logistic regression (scikit-learn, C=1, standardised inputs) on the
   `leaning.FEATURES` of tune rows whose gold label is a pole and that carry evidence (a VADER
   feeling word or a rule hit), plus the polar rows of `--extra` files that carry evidence
   (outside labelled sets, never scored: they only add training rows);
2. the sentence model: logistic regression on WordLlama vectors of all polar tune rows, used
   only for rows without such evidence;
3. the neutral model: logistic regression on the WordLlama vectors of tune rows without
   evidence, neutral gold against the rest, plus the kit's golden `tuned` rows without
   evidence (questions and facts from customer feedback, which the public sets lack);
4. the neutral band: the |P(positive) - 0.5| below which a row in VADER's neutral band stays
   `neutral`, chosen to maximise the mean 3-class macro-F1 over the tune sets;
5. for rows without evidence, the neutral threshold (P(neutral) at or above it: `neutral`) and
   the sentence band (else the side only when |P(positive) - 0.5| >= it), chosen on
   out-of-fold probabilities (5-fold, so a model is never judged on rows it was fitted on) to
   maximise the worst tune set's 3-class gain over VADER, then the mean gain.
Prints 5-fold cross-validated tune accuracy per set; held-out rows are never read here (score
them with `aipm eval feedback --dataset ... --split heldout`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from products.feedback_analyzer.core.dataset_eval import LabelledRow, load_dataset
from products.feedback_analyzer.core.evaluation import GOLDEN_PATH, GoldenCase
from products.feedback_analyzer.core.leaning import FEATURES, LAYER_PATH, Linear
from products.feedback_analyzer.core.sentiment import NEUTRAL_BAND, row_features
from shared.evals import load_eval_set

SETS = (("amazon_cells_labelled.csv", "text", "label"), ("imdb_labelled.csv", "text", "label"),
        ("yelp_labelled.csv", "text", "label"), ("sentiment140_test.csv", "text", "label"))
# `../shared/realdata/sentiment` beside the checkout (a worktree sits one folder deeper).
_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = next((p for p in (_ROOT.parent / "shared", _ROOT.parent.parent / "shared")
                     if p.is_dir()), _ROOT.parent / "shared") / "realdata" / "sentiment"
BANDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
SENTENCE_BANDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.48)
NEUTRAL_THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01)  # 1.01: never
FOLDS = 5

# (gold, label without the sentence models, P(positive) and P(neutral) from the sentence
# vector for a row without evidence, else None and None)
Item = tuple[str, str, float | None, float | None]


def tune_rows(data: Path) -> dict[str, list[LabelledRow]]:
    """Each set's tune rows (the held-out ones are dropped here, before anything else)."""
    out = {}
    for name, text, label in SETS:
        dataset = load_dataset(data / name, text, label)
        out[dataset.name] = [r for r in dataset.rows if r.split == "tune"]
    return out


def extra_rows(path: Path, text: str, label: str) -> list[LabelledRow]:
    """The polar rows of an `--extra` file (every row: it is never scored, so no split)."""
    return [r for r in load_dataset(path, text, label).rows if r.gold != "neutral"]


def has_evidence(features: list[float]) -> bool:
    """A VADER feeling word (pos or neg share) or a problem-report hit."""
    named = dict(zip(FEATURES, features, strict=True))
    return named["pos"] > 0 or named["neg"] > 0 or named["problem"] > 0


def fit(x: Sequence[Sequence[float]], y: list[int]) -> tuple[Linear, object]:
    """A standardised logistic regression, returned as the kit's plain-Python `Linear`."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    data = np.array(x, dtype=float)
    mean, scale = data.mean(axis=0), data.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000).fit((data - mean) / scale, y)
    return Linear(tuple(mean.round(6)), tuple(scale.round(6)), tuple(model.coef_[0].round(6)),
                  round(float(model.intercept_[0]), 6)), model


def out_of_fold(x: Sequence[Sequence[float]], y: list[int]) -> list[float]:
    """P(class 1) of each row from a model fitted on the other folds (stratified, seeded):
    thresholds chosen on these are not fooled by a model that has memorised its rows."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    return [float(p) for p in cross_val_predict(pipeline, np.array(x, dtype=float), np.array(y),
                                                cv=folds, method="predict_proba")[:, 1]]


def cross_validated(x: list[list[float]], y: list[int], groups: list[str]) -> dict[str, float]:
    """5-fold CV accuracy of the feature model per set (tune rows only)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    predicted = cross_val_predict(make_pipeline(StandardScaler(), LogisticRegression(
        C=1.0, max_iter=5000)), np.array(x), np.array(y), cv=5)
    return {g: round(float(np.mean([p == t for p, t, gg in zip(predicted, y, groups,
                                                               strict=True) if gg == g])), 4)
            for g in sorted(set(groups))}


def three_class_f1(gold: list[str], predicted: list[str]) -> float:
    from shared.evals import classification_report

    return classification_report(gold, predicted, ["positive", "neutral", "negative"]).macro_f1


def _band_label(score: float, p: float | None, band: float) -> str:
    """The engine's 3-class label of a row from its rule score and feature-model P(positive)
    (None: no evidence, so `neutral` before the sentence models)."""
    if p is None or (abs(score) < NEUTRAL_BAND and abs(p - 0.5) < band):
        return "neutral"
    return "positive" if p >= 0.5 else "negative"


def sentence_label(item: Item, threshold: float, band: float) -> str:
    """The engine's label of one item (`LeaningLayer.sentence_label` for a row without
    evidence, with one band for both sides)."""
    _, label, positive, neutral = item
    if positive is None or neutral is None:
        return label
    if neutral >= threshold or abs(positive - 0.5) < band:
        return "neutral"
    return "positive" if positive >= 0.5 else "negative"


def choose_sentence_bands(sets: dict[str, list[Item]],
                          vader: dict[str, float]) -> tuple[float, float]:
    """(neutral threshold, sentence band) for rows with no feeling word: such a row is
    `neutral` when P(neutral) >= the threshold or P(positive) is within the band of even
    odds, else its side. The pair whose worst tune set gains most 3-class macro-F1 over plain
    VADER (`vader`: each set's VADER F1), so no set is given up for the others, then the best
    mean gain; ties go to the lower threshold and the wider band (more rows left `neutral`,
    as VADER leaves them)."""
    def gains(threshold: float, band: float) -> list[float]:
        return [three_class_f1([item[0] for item in items],
                               [sentence_label(item, threshold, band) for item in items])
                - vader[name] for name, items in sets.items()]

    def key(pair: tuple[float, float]) -> tuple[float, float, float, float]:
        each = gains(*pair)
        return round(min(each), 4), round(sum(each) / len(each), 4), -pair[0], pair[1]

    return max(((threshold, band) for threshold in NEUTRAL_THRESHOLDS
                for band in SENTENCE_BANDS), key=key)


def choose_band(sets: dict[str, list[tuple[str, float, float | None]]]) -> float:
    """The neutral band with the best mean 3-class macro-F1 over the tune sets; ties go to the
    narrower band. Each item: (gold, rule score, P(positive) from the feature model, or None
    for a row without evidence, which the engine labels neutral)."""
    label = _band_label

    def mean_f1(band: float) -> float:
        return sum(three_class_f1([g for g, _, _ in items], [label(s, p, band)
                                                             for _, s, p in items])
                   for items in sets.values()) / len(sets)

    return max(BANDS, key=lambda band: (round(mean_f1(band), 4), -band))


def golden_tuned_rows(path: Path = GOLDEN_PATH) -> list[LabelledRow]:
    """The kit's golden rows of the `tuned` split (its `heldout` split is never read here):
    customer-feedback questions and facts, the neutral rows the public sets lack."""
    cases = load_eval_set(path, GoldenCase).cases
    return [LabelledRow(i, case.id, case.text, case.sentiment, "tune")
            for i, case in enumerate(cases) if case.split == "tuned"]


def train(data: Path, out: Path, extra: Sequence[LabelledRow] = ()) -> dict[str, object]:
    """Fit the models and bands on tune rows (and `extra` rows); write the JSON; return it."""
    layer = fit_layer(tune_rows(data), extra, golden_tuned_rows())
    out.write_text(json.dumps(layer, indent=1) + "\n", encoding="utf-8")
    return layer


def fit_layer(rows: dict[str, list[LabelledRow]], extra: Sequence[LabelledRow] = (),
              plain: Sequence[LabelledRow] = ()) -> dict[str, object]:
    """The layer file's content, fitted on `rows` (each set's tune rows), `extra` (more rows
    for the feature model) and `plain` (more rows for the neutral model: the kit's golden
    tuned rows without a feeling word)."""
    from shared.embeddings import WordLlamaEmbedder

    features = {name: [row_features(r.text) for r in items] for name, items in rows.items()}
    vectors = {name: WordLlamaEmbedder().embed_documents([r.text for r in items])
               for name, items in rows.items()}
    x, y, groups = [], [], []
    for name, items in rows.items():
        for row, f in zip(items, features[name], strict=True):
            if row.gold != "neutral" and has_evidence(f):
                x.append(f)
                y.append(int(row.gold == "positive"))
                groups.append(name)
    extra_x = [(row_features(r.text), int(r.gold == "positive")) for r in extra]
    extra_x = [(f, label) for f, label in extra_x if has_evidence(f)]
    model, _ = fit(x + [f for f, _ in extra_x], y + [label for _, label in extra_x])
    polar = [(name, i) for name, items in rows.items() for i, r in enumerate(items)
             if r.gold != "neutral"]
    sentences, _ = fit([vectors[n][i] for n, i in polar],
                       [int(rows[n][i].gold == "positive") for n, i in polar])
    bare = [(name, i) for name, items in features.items() for i, f in enumerate(items)
            if not has_evidence(f)]
    plain = [r for r in plain if not has_evidence(row_features(r.text))]
    plain_vectors = WordLlamaEmbedder().embed_documents([r.text for r in plain]) if plain else []
    neutral, _ = fit([vectors[n][i] for n, i in bare] + plain_vectors,
                     [int(rows[n][i].gold == "neutral") for n, i in bare]
                     + [int(r.gold == "neutral") for r in plain])
    scored = {name: [(r.gold, f[FEATURES.index("kit_score")],
                      model.probability(f) if has_evidence(f) else None)
                     for r, f in zip(items, features[name], strict=True)]
              for name, items in rows.items()}
    band = choose_band(scored)
    positive = dict(zip(polar, out_of_fold([vectors[n][i] for n, i in polar],
                                           [int(rows[n][i].gold == "positive")
                                            for n, i in polar]), strict=True))
    is_neutral = dict(zip(bare, out_of_fold([vectors[n][i] for n, i in bare],
                                            [int(rows[n][i].gold == "neutral")
                                             for n, i in bare]), strict=True))
    items = {name: [(g, _band_label(s, p, band),
                     positive.get((name, i), sentences.probability(vectors[name][i]))
                     if (name, i) in is_neutral else None, is_neutral.get((name, i)))
                    for i, (g, s, p) in enumerate(scored[name])] for name in rows}
    threshold, sentence_band = choose_sentence_bands(items, _vader_f1(rows))
    return {"version": 1, "features": list(FEATURES), "model": model.to_json(),
            "sentences": sentences.to_json(), "neutral": neutral.to_json(),
            "embedder": "wordllama-l2supercat-256", "neutral_band": band,
            "sentence_band": sentence_band, "negative_sentence_band": None,
            "neutral_threshold": threshold,
            "trained_on": {name: len(items) for name, items in rows.items()},
            "extra_rows": len(extra_x),
            "tune_cv_accuracy_feature_model": cross_validated(x, y, groups),
            "sentence_model_rows": len(polar), "neutral_model_rows": len(bare) + len(plain)}


def _vader_f1(rows: dict[str, list[LabelledRow]]) -> dict[str, float]:
    """Plain VADER's 3-class macro-F1 on each set's tune rows (the anchor to beat)."""
    from products.feedback_analyzer.core.dataset_eval import vader_predictions

    return {name: three_class_f1([r.gold for r in items],
                                 [p.label for p in vader_predictions(items)])
            for name, items in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=LAYER_PATH)
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="another labelled CSV/XLSX for the feature model (repeatable)")
    parser.add_argument("--extra-text-column", default="text")
    parser.add_argument("--extra-label-column", default="label")
    args = parser.parse_args()
    extra = [row for path in args.extra for row in extra_rows(
        path.resolve(), args.extra_text_column, args.extra_label_column)]
    layer = train(args.data.resolve(), args.out, extra)
    sys.stdout.write(json.dumps({k: v for k, v in layer.items()
                                 if k not in ("model", "sentences", "neutral")}, indent=1)
                     + f"\nWrote {args.out}\n")


if __name__ == "__main__":
    main()
