"""Retrain the keyless engine's learned layer (`data/sentiment_layer.json`) on TUNE rows only.

    .venv/bin/python -m products.feedback_analyzer.tools.train_leaning \
        [--data ../shared/realdata/sentiment] [--out .../data/sentiment_layer.json]

Reads the labelled sets at run time (never copied into the repository), keeps each set's
`tune` split (`dataset_eval.split_of`, a hash of the text) and fits:
1. the feature model: logistic regression (scikit-learn, C=1, standardised inputs) on the
   `leaning.FEATURES` of tune rows whose gold label is a pole and that carry evidence (a VADER
   feeling word or a rule hit);
2. the sentence model: logistic regression on WordLlama vectors of all polar tune rows, used
   only for rows without such evidence;
3. the neutral band: the |P(positive) - 0.5| below which a row in VADER's neutral band stays
   `neutral`, chosen to maximise the mean 3-class macro-F1 over the tune sets.
Prints 5-fold cross-validated tune accuracy per set; held-out rows are never read here (score
them with `aipm eval feedback --dataset ... --split heldout`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from products.feedback_analyzer.core.dataset_eval import LabelledRow, load_dataset
from products.feedback_analyzer.core.leaning import FEATURES, LAYER_PATH, Linear
from products.feedback_analyzer.core.sentiment import NEUTRAL_BAND, row_features

SETS = (("amazon_cells_labelled.csv", "text", "label"), ("imdb_labelled.csv", "text", "label"),
        ("yelp_labelled.csv", "text", "label"), ("sentiment140_test.csv", "text", "label"))
# `../shared/realdata/sentiment` beside the checkout (a worktree sits one folder deeper).
_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = next((p for p in (_ROOT.parent / "shared", _ROOT.parent.parent / "shared")
                     if p.is_dir()), _ROOT.parent / "shared") / "realdata" / "sentiment"
BANDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def tune_rows(data: Path) -> dict[str, list[LabelledRow]]:
    """Each set's tune rows (the held-out ones are dropped here, before anything else)."""
    out = {}
    for name, text, label in SETS:
        dataset = load_dataset(data / name, text, label)
        out[dataset.name] = [r for r in dataset.rows if r.split == "tune"]
    return out


def has_evidence(features: list[float]) -> bool:
    """A VADER feeling word (pos or neg share) or a problem-report hit."""
    named = dict(zip(FEATURES, features, strict=True))
    return named["pos"] > 0 or named["neg"] > 0 or named["problem"] > 0


def fit(x: list[list[float]], y: list[int]) -> tuple[Linear, object]:
    """A standardised logistic regression, returned as the kit's plain-Python `Linear`."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    data = np.array(x, dtype=float)
    mean, scale = data.mean(axis=0), data.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000).fit((data - mean) / scale, y)
    return Linear(tuple(mean.round(6)), tuple(scale.round(6)), tuple(model.coef_[0].round(6)),
                  round(float(model.intercept_[0]), 6)), model


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


def choose_band(sets: dict[str, list[tuple[str, float, float | None]]]) -> float:
    """The neutral band with the best mean 3-class macro-F1 over the tune sets; ties go to the
    narrower band. Each item: (gold, rule score, P(positive) from the feature model, or None
    for a row without evidence, which the engine labels neutral)."""
    def label(score: float, p: float | None, band: float) -> str:
        if p is None or (abs(score) < NEUTRAL_BAND and abs(p - 0.5) < band):
            return "neutral"
        return "neutral" if p is None else "positive" if p >= 0.5 else "negative"

    def mean_f1(band: float) -> float:
        return sum(three_class_f1([g for g, _, _ in items], [label(s, p, band)
                                                             for _, s, p in items])
                   for items in sets.values()) / len(sets)

    return max(BANDS, key=lambda band: (round(mean_f1(band), 4), -band))


def train(data: Path, out: Path) -> dict[str, object]:
    """Fit both models and the band on tune rows; write the JSON; return it."""
    from shared.embeddings import WordLlamaEmbedder

    rows = tune_rows(data)
    features = {name: [row_features(r.text) for r in items] for name, items in rows.items()}
    x, y, groups, sx, sy = [], [], [], [], []
    polar_texts = []
    for name, items in rows.items():
        for row, f in zip(items, features[name], strict=True):
            if row.gold == "neutral":
                continue
            polar_texts.append(row.text)
            sy.append(int(row.gold == "positive"))
            if has_evidence(f):
                x.append(f)
                y.append(int(row.gold == "positive"))
                groups.append(name)
    model, _ = fit(x, y)
    vectors = WordLlamaEmbedder().embed_documents(polar_texts)
    sentences, _ = fit(vectors, sy)
    sx = vectors
    scored: dict[str, list[tuple[str, float, float | None]]] = {}
    for name, items in rows.items():
        scored[name] = [(r.gold, f[FEATURES.index("kit_score")],
                         model.probability(f) if has_evidence(f) else None)
                        for r, f in zip(items, features[name], strict=True)]
    band = choose_band(scored)
    layer = {"version": 1, "features": list(FEATURES), "model": model.to_json(),
             "sentences": sentences.to_json(), "embedder": "wordllama-l2supercat-256",
             "neutral_band": band,
             "trained_on": {name: len(items) for name, items in rows.items()},
             "tune_cv_accuracy_feature_model": cross_validated(x, y, groups),
             "sentence_model_rows": len(sx)}
    out.write_text(json.dumps(layer, indent=1) + "\n", encoding="utf-8")
    return layer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=LAYER_PATH)
    args = parser.parse_args()
    layer = train(args.data.resolve(), args.out)
    sys.stdout.write(json.dumps({k: v for k, v in layer.items()
                                 if k not in ("model", "sentences")}, indent=1)
                     + f"\nWrote {args.out}\n")


if __name__ == "__main__":
    main()
