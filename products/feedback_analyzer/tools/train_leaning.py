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
   `neutral`, chosen to maximise the mean 3-class macro-F1 over the tune sets;
4. the sentence bands: how sure the sentence model must be to label a row with no feeling
   word positive, and negative (else `neutral`), chosen to maximise the worst tune set's
   3-class gain over VADER, then the mean gain.
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
SENTENCE_BANDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5)  # 0.5: never


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


def _band_label(score: float, p: float | None, band: float) -> str:
    """The engine's 3-class label of a row from its rule score and feature-model P(positive)
    (None: no evidence, so `neutral` before the sentence band)."""
    if p is None or (abs(score) < NEUTRAL_BAND and abs(p - 0.5) < band):
        return "neutral"
    return "positive" if p >= 0.5 else "negative"


def choose_sentence_bands(sets: dict[str, list[tuple[str, str, float | None]]],
                          vader: dict[str, float]) -> tuple[float, float]:
    """How sure the sentence model must be to label a row with no feeling word, as
    (positive band, negative band): positive when P >= 0.5 + the first, negative when
    P <= 0.5 - the second. The pair whose worst tune set gains most 3-class macro-F1 over
    plain VADER (`vader`: each set's VADER F1), so no set is given up for the others, then
    the best mean gain; ties go to the wider bands. Each item: (gold, the label without the
    sentence model, its P(positive) for a row without evidence, else None)."""
    def label(lab: str, p: float | None, positive: float, negative: float) -> str:
        if p is None:
            return lab
        return ("positive" if p >= 0.5 + positive else
                "negative" if p <= 0.5 - negative else lab)

    def gains(bands: tuple[float, float]) -> list[float]:
        return [three_class_f1([g for g, _, _ in items],
                               [label(lab, p, *bands) for _, lab, p in items]) - vader[name]
                for name, items in sets.items()]

    def key(bands: tuple[float, float]) -> tuple[float, float, float, float]:
        each = gains(bands)
        return round(min(each), 4), round(sum(each) / len(each), 4), bands[0], bands[1]

    return max(((positive, negative) for positive in SENTENCE_BANDS
                for negative in SENTENCE_BANDS), key=key)


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
    sentence_band, negative_band = choose_sentence_bands(
        _sentence_items(rows, scored, sentences, band), _vader_f1(rows))
    layer = {"version": 1, "features": list(FEATURES), "model": model.to_json(),
             "sentences": sentences.to_json(), "embedder": "wordllama-l2supercat-256",
             "neutral_band": band, "sentence_band": sentence_band,
             "negative_sentence_band": negative_band,
             "trained_on": {name: len(items) for name, items in rows.items()},
             "tune_cv_accuracy_feature_model": cross_validated(x, y, groups),
             "sentence_model_rows": len(sx)}
    out.write_text(json.dumps(layer, indent=1) + "\n", encoding="utf-8")
    return layer


def _sentence_items(rows: dict[str, list[LabelledRow]],
                    scored: dict[str, list[tuple[str, float, float | None]]],
                    sentences: Linear, band: float) -> dict[str, list[tuple[str, str,
                                                                        float | None]]]:
    """(gold, label without the sentence model, sentence P(positive) for a no-evidence row)."""
    from shared.embeddings import WordLlamaEmbedder

    out = {}
    for name, items in rows.items():
        bare = [i for i, (_, _, p) in enumerate(scored[name]) if p is None]
        vectors = WordLlamaEmbedder().embed_documents([items[i].text for i in bare])
        sure = dict(zip(bare, map(sentences.probability, vectors), strict=True))
        out[name] = [(g, _band_label(s, p, band), sure.get(i))
                     for i, (g, s, p) in enumerate(scored[name])]
    return out


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
    args = parser.parse_args()
    layer = train(args.data.resolve(), args.out)
    sys.stdout.write(json.dumps({k: v for k, v in layer.items()
                                 if k not in ("model", "sentences")}, indent=1)
                     + f"\nWrote {args.out}\n")


if __name__ == "__main__":
    main()
