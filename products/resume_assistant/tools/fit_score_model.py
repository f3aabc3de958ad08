"""Refit the match score's logistic combination on the TUNE split only.

    python -m products.resume_assistant.tools.fit_score_model PAIRS.jsonl

Runs the pairs eval on the tune categories (features do not depend on the model), fits a
scikit-learn LogisticRegression on the standardised features (coverage, semantic, lexical),
and writes `data/score_model.json`. The held-out split is never read here; measure it after
with `aipm eval resume --pairs PAIRS.jsonl --split heldout`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from products.resume_assistant.core.pairs_eval import evaluate_pairs
from products.resume_assistant.core.scoring import FEATURES, MODEL_FILE
from products.resume_assistant.core.service import embedder_for
from shared.config import load_settings

REGULARISATION = 1.0


def fit(pairs: Path, out: Path = MODEL_FILE) -> dict[str, object]:
    embedder = embedder_for(load_settings())
    result = evaluate_pairs(pairs, embedder, split="tune")
    rows = [r for r in result.rows if r.features]
    x = np.array([[r.features[name] for name in FEATURES] for r in rows])
    y = np.array([1 if r.fit >= 1 else 0 for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model, kept = _monotone_fit((x - mean) / scale, y)
    card = {
        "features": list(FEATURES), "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(), "coef": _full_coef(model, kept),
        "intercept": round(float(model.intercept_[0]), 6),
        "trained_on": {"pairs_file": pairs.name, "split": "tune", "pairs": len(rows),
                       "positives": int(y.sum()), "categories": result.categories["tune"],
                       "embedder": embedder.name,
                       "tune_auc_in_sample": round(float(roc_auc_score(
                           y, model.decision_function(((x - mean) / scale)[:, kept]))), 4)},
        "regularisation_C": REGULARISATION,
    }
    out.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def _monotone_fit(x: np.ndarray, y: np.ndarray) -> tuple[LogisticRegression, list[int]]:
    """Refit without any feature whose weight came out negative: meeting one more
    requirement, or sharing more words, must never lower the score."""
    kept = list(range(x.shape[1]))
    while True:
        model = LogisticRegression(C=REGULARISATION, max_iter=1000).fit(x[:, kept], y)
        negative = [kept[i] for i, c in enumerate(model.coef_[0]) if c < 0]
        if not negative:
            return model, kept
        kept = [i for i in kept if i not in negative]


def _full_coef(model: LogisticRegression, kept: list[int]) -> list[float]:
    weights = dict(zip(kept, model.coef_[0], strict=True))
    return [round(float(weights.get(i, 0.0)), 6) for i in range(len(FEATURES))]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m products.resume_assistant.tools.fit_score_model PAIRS.jsonl")
    sys.stdout.write(json.dumps(fit(Path(sys.argv[1])), indent=2) + "\n")
