"""The learned layer of the keyless engine: which way a row leans when it has no star rating.

VADER's compound score with its +-0.05 band calls a fifth of short reviews "neutral" (no lexicon
word) and misreads many others; the kit's rules fix some of that. This layer is a logistic
regression over a few numbers the engine computes anyway (VADER's compound/pos/neg/neu with the
review lexicon, the kit's rule score, rule hits, the clause sums, the compound of the part after
a contrast word, "!" and "?"), trained on the tune splits of public labelled sets by
`tools/train_leaning.py` and shipped as `data/sentiment_layer.json` (model card:
`data/sentiment_layer.md`). Rows where VADER finds no feeling word at all and no rule fires
have nothing for those numbers to read: for them a second logistic regression reads the whole
sentence through the offline WordLlama embedder (batched, only those rows), and a third reads
the same vector for P(neutral): such a row is labelled by its side only when the neutral model
finds it unlike a neutral statement and the sentence model is sure. Without the embedder those
rows keep the leaning `neutral` (no evidence, no guess).

Inference is a dot product in plain Python for the feature model (no numpy per row) and one
matrix product per batch for the sentence models: the layer costs microseconds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LAYER_PATH = Path(__file__).resolve().parents[1] / "data" / "sentiment_layer.json"
FEATURES = ("compound", "pos", "neg", "neu", "kit_score", "problem", "contrast", "clause_max",
            "clause_min", "tail_compound", "exclaim", "question")


@dataclass(frozen=True)
class Linear:
    """One logistic regression: standardise, dot, sigmoid."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, values: Sequence[float]) -> float:
        """P(positive) for one feature vector."""
        z = self.intercept
        for value, mean, scale, coef in zip(values, self.mean, self.scale, self.coef,
                                            strict=True):
            z += coef * (value - mean) / scale
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def probabilities(self, matrix: Any) -> list[float]:
        """P(positive) of each row of a numpy matrix (a batch of sentence vectors): one
        matrix product, the same numbers as `probability` row by row."""
        import numpy as np

        z = (((matrix - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef)
             + self.intercept)
        return [float(p) for p in np.where(z > -500, 1.0 / (1.0 + np.exp(-np.maximum(z, -500))),
                                           0.0)]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Linear:
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]),
                   float(data["intercept"]))

    def to_json(self) -> dict[str, Any]:
        return {"mean": list(self.mean), "scale": list(self.scale), "coef": list(self.coef),
                "intercept": self.intercept}


@dataclass(frozen=True)
class LeaningLayer:
    """The shipped layer: the feature model, the sentence model and the neutral band."""

    features: Linear
    sentences: Linear | None
    embedder: str
    neutral_band: float
    # A row with no feeling word is labelled by the sentence model only when it is this sure
    # (P >= 0.5 + sentence_band for positive, P <= 0.5 - negative_sentence_band for
    # negative); else `neutral`. 1.0 (a file without the key): never. Two bands, because a
    # no-feeling-word review is far more often a complaint stated as a fact ("arrived with a
    # cracked screen") than praise: 192 of 318 such polar tune rows are negative.
    sentence_band: float = 1.0
    negative_sentence_band: float | None = None  # None: the same as `sentence_band`
    # P(neutral) of a row with no feeling word, from the same sentence vector: at or above
    # `neutral_threshold` the row is `neutral` whatever its side. Trained on tune rows with no
    # feeling word (neutral vs polar gold); None (a file without the key): no such model.
    neutral: Linear | None = None
    neutral_threshold: float = 1.0

    def leaning(self, probability: float | None) -> str:
        """positive / negative by the probability; neutral when there is none."""
        if probability is None:
            return "neutral"
        return "positive" if probability >= 0.5 else "negative"

    def is_neutral(self, probability: float | None) -> bool:
        """Too close to even odds to call a side (the 3-class label, not the leaning)."""
        return probability is None or abs(probability - 0.5) < self.neutral_band

    def sentence_label(self, probability: float | None, neutral: float = 0.0) -> str:
        """The 3-class label of a row with no feeling word: the sentence model's side when it
        is sure and the neutral model (`neutral`: its P(neutral)) does not find the row
        neutral, else `neutral` (such rows state no feeling VADER can read)."""
        if probability is None or neutral >= self.neutral_threshold:
            return "neutral"
        negative_band = (self.sentence_band if self.negative_sentence_band is None
                         else self.negative_sentence_band)
        if probability >= 0.5 + self.sentence_band:
            return "positive"
        return "negative" if probability <= 0.5 - negative_band else "neutral"

    def sentence_readings(self, texts: Sequence[str]) -> list[tuple[float, float] | None]:
        """(P(positive), P(neutral)) of each text from one sentence vector (P(neutral) 0.0
        without the neutral model); None without the embedder."""
        matrix = _sentence_matrix(list(texts)) if self.sentences is not None else None
        if matrix is None or self.sentences is None:
            return [None] * len(texts)
        positive = self.sentences.probabilities(matrix)
        neutral = (self.neutral.probabilities(matrix) if self.neutral is not None
                   else [0.0] * len(positive))
        return list(zip(positive, neutral, strict=True))


def _sentence_matrix(texts: list[str]) -> Any | None:
    """WordLlama vectors as one matrix (offline, bundled); None when the package is not
    installed."""
    from shared.embeddings import WordLlamaEmbedder
    from shared.errors import BadInput

    try:
        return WordLlamaEmbedder().embed_array(texts)
    except BadInput:
        return None


@cache
def load_layer(path: Path = LAYER_PATH) -> LeaningLayer | None:
    """The shipped coefficients, or None when the file is absent (then the rules alone)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path.name} was trained on other features; rerun "
                         "tools/train_leaning.py")
    sentences, neutral = data.get("sentences"), data.get("neutral")
    return LeaningLayer(Linear.from_json(data["model"]),
                        Linear.from_json(sentences) if sentences else None,
                        data.get("embedder", ""), float(data["neutral_band"]),
                        float(data.get("sentence_band", 1.0)),
                        _optional_float(data.get("negative_sentence_band")),
                        Linear.from_json(neutral) if neutral else None,
                        float(data.get("neutral_threshold", 1.0)))


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


__all__ = ["FEATURES", "LAYER_PATH", "LeaningLayer", "Linear", "load_layer"]
