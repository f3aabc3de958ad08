"""`aipm eval feedback --dataset FILE`: the keyless engine and plain VADER on a labelled file.

Any CSV/TSV/XLSX with a text column and a label column. Labels are mapped to
positive/negative/neutral by the scheme the column's values reveal (words, 1-5 stars, -1/0/1,
0/1, Sentiment140's 0/2/4), and the scheme is stated in the report. Each row belongs to the
`tune` or the `heldout` split by a hash of its text (`split_of`: 60 / 40, stable across runs
and machines), so a layer trained on `tune` rows is scored on rows it never saw.

Measures per engine: polar accuracy and macro-F1 on the rows whose gold label is a pole (the
engine's `leaning`: the kit's dominant pole, VADER's label by its +-0.05 band, so a "neutral"
on a polar row is a miss for both), 3-class accuracy and macro-F1 (a `mixed` row counts as its
leaning), the confusion matrix, rows per second, and the rows where the two disagree most.
The report carries row numbers and ids only, never the texts: external data stays outside
the repository (the terminal view may print them).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from products.feedback_analyzer.core.aspects import AspectTagger
from products.feedback_analyzer.core.baseline import BaselineEngine
from products.feedback_analyzer.core.models import FeedbackRow, leaning_of
from products.feedback_analyzer.core.reader import open_table
from products.feedback_analyzer.core.sentiment import RULES_ONLY, SentimentFixes, label_for
from shared.errors import BadInput
from shared.evals import ClassificationReport, classification_report

TUNE_PERCENT = 60
SPLITS = ("tune", "heldout", "all")
POLES = ("positive", "negative")
THREE = ("positive", "neutral", "negative")
PREDICTED = ("positive", "neutral", "negative", "mixed")
CHUNK = 2000
_WORDS = {"positive": "positive", "pos": "positive", "negative": "negative", "neg": "negative",
          "neutral": "neutral", "neu": "neutral"}


def split_of(text: str) -> str:
    """`tune` for 60% of texts, `heldout` for the rest, by a hash of the text itself."""
    bucket = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "tune" if bucket < TUNE_PERCENT else "heldout"


def label_scheme(values: Sequence[str]) -> tuple[str, Callable[[str], str]]:
    """(description, mapper) for a label column, judged from all its distinct values."""
    distinct = {v.strip().lower() for v in values if v.strip()}
    if distinct and distinct <= set(_WORDS):
        return "words (positive/negative/neutral)", lambda v: _WORDS[v.strip().lower()]
    numbers = _numbers(distinct)
    if numbers is None:
        raise BadInput(f"Labels must be positive/negative/neutral, 1-5 stars, -1/0/1 or 0/1; "
                       f"found {sorted(distinct)[:6]}. Map the column first.")
    if numbers <= {0.0, 1.0}:
        return "0/1 (0 = negative, 1 = positive)", _by_number({0: "negative", 1: "positive"})
    if numbers <= {-1.0, 0.0, 1.0}:
        return "-1/0/1 (-1 = negative, 0 = neutral, 1 = positive)", _by_number(
            {-1: "negative", 0: "neutral", 1: "positive"})
    if numbers <= {0.0, 2.0, 4.0}:
        return "0/2/4 (Sentiment140: 0 = negative, 2 = neutral, 4 = positive)", _by_number(
            {0: "negative", 2: "neutral", 4: "positive"})
    if all(1 <= n <= 5 for n in numbers):
        return "1-5 stars (1-2 = negative, 3 = neutral, 4-5 = positive)", _stars
    raise BadInput(f"Numeric labels {sorted(numbers)[:6]} are not 0/1, -1/0/1 or 1-5 stars.")


def _numbers(values: set[str]) -> set[float] | None:
    try:
        return {float(v) for v in values}
    except ValueError:
        return None


def _by_number(table: dict[int, str]) -> Callable[[str], str]:
    return lambda v: table[int(float(v))]


def _stars(value: str) -> str:
    stars = float(value)
    return "negative" if stars < 3 else "positive" if stars > 3 else "neutral"


@dataclass(frozen=True)
class LabelledRow:
    """One row of the labelled file: where it is (data row index from 0, its id) and gold."""

    index: int
    row_id: str
    text: str
    gold: str
    split: str


@dataclass(frozen=True)
class LabelledSet:
    name: str
    scheme: str
    rows: list[LabelledRow]


def load_dataset(path: Path, text_column: str, label_column: str) -> LabelledSet:
    """Every row with text and a label; rows with an empty label are left out."""
    table = open_table(path, text_column=text_column)
    columns = table.info.columns
    if label_column not in columns:
        raise BadInput(f"{path.name} has no column '{label_column}'; columns: "
                       f"{', '.join(columns)}. Pass --label-column.")
    at = columns.index(label_column)
    raw = [(row, row.values[at] if at < len(row.values) else "") for row in table.rows()]
    raw = [(row, label) for row, label in raw if label.strip() and row.text.strip()]
    scheme, mapper = label_scheme([label for _, label in raw])
    rows = [LabelledRow(i, row.row_id, row.text, mapper(label), split_of(row.text))
            for i, (row, label) in enumerate(raw)]
    if not rows:
        raise BadInput(f"{path.name} has no row with both text and a label.")
    return LabelledSet(path.stem, scheme, rows)


@dataclass(frozen=True)
class Prediction:
    label: str
    leaning: str
    score: float


def kit_predictions(rows: list[LabelledRow], fixes: SentimentFixes = SentimentFixes(),
                    progress: Callable[[int], None] | None = None) -> list[Prediction]:
    """The keyless engine (no stars: the files carry none), in the pipeline's chunks."""
    engine = BaselineEngine(AspectTagger({}), fixes)
    out: list[Prediction] = []
    for start in range(0, len(rows), CHUNK):
        chunk = [FeedbackRow(row_id=r.row_id, line=r.index + 2, text=r.text)
                 for r in rows[start:start + CHUNK]]
        for result in engine.analyze_rows(chunk):
            out.append(Prediction(result.sentiment or "neutral", leaning_of(result) or "neutral",
                                  result.sentiment_score or 0.0))
        if progress:
            progress(len(out))
    return out


def vader_predictions(rows: list[LabelledRow],
                      progress: Callable[[int], None] | None = None) -> list[Prediction]:
    """The stock library, compound with its +-0.05 band: the anchor."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    out = []
    for i, row in enumerate(rows, 1):
        compound = vader.polarity_scores(row.text)["compound"]
        label = label_for(compound)
        out.append(Prediction(label, label, compound))
        if progress and i % CHUNK == 0:
            progress(i)
    return out


class SplitScores(BaseModel):
    """One engine on one split of one set."""

    engine: str
    split: str
    rows: int
    polar_rows: int
    polar_accuracy: float
    polar_macro_f1: float
    three_class: ClassificationReport
    predicted: dict[str, dict[str, int]]


class Disagreement(BaseModel):
    index: int
    row_id: str
    gold: str
    kit: str
    kit_leaning: str
    vader: str
    vader_compound: float
    kit_score: float
    winner: str


class DatasetResult(BaseModel):
    """Everything the report and `--json` show for one labelled file."""

    name: str
    scheme: str
    rows: int
    split_sizes: dict[str, int]
    rows_per_second: dict[str, float]
    scores: list[SplitScores]
    worst: list[Disagreement]

    def score(self, engine: str, split: str) -> SplitScores:
        return next(s for s in self.scores if s.engine == engine and s.split == split)


def score_split(engine: str, split: str, rows: list[LabelledRow],
                predictions: list[Prediction]) -> SplitScores:
    """Polar and 3-class scores of one engine's predictions on the rows of one split."""
    pairs = [(r, p) for r, p in zip(rows, predictions, strict=True)
             if split == "all" or r.split == split]
    polar = [(r.gold, p.leaning) for r, p in pairs if r.gold in POLES]
    polar_report = classification_report([g for g, _ in polar], [p for _, p in polar],
                                         list(POLES))
    three = classification_report([r.gold for r, _ in pairs],
                                  [p.leaning if p.label == "mixed" else p.label
                                   for _, p in pairs], list(THREE))
    predicted = {gold: {label: 0 for label in PREDICTED} for gold in THREE}
    for r, p in pairs:
        predicted[r.gold][p.label if p.label in PREDICTED else "neutral"] += 1
    correct = sum(g == p for g, p in polar)
    return SplitScores(engine=engine, split=split, rows=len(pairs), polar_rows=len(polar),
                       polar_accuracy=round(correct / len(polar), 4) if polar else 0.0,
                       polar_macro_f1=round(sum(polar_report.per_class[c].f1 for c in POLES)
                                            / len(POLES), 4), three_class=three,
                       predicted=predicted)


def worst_disagreements(rows: list[LabelledRow], kit: list[Prediction],
                        vader: list[Prediction], limit: int = 20) -> list[Disagreement]:
    """Rows where the kit and VADER lean differently, the most confident VADER calls first
    (largest |compound|): where the two engines' readings are furthest apart."""
    rows_kit_vader = [(r, k, v) for r, k, v in zip(rows, kit, vader, strict=True)
                      if k.leaning != v.leaning]
    rows_kit_vader.sort(key=lambda t: (-abs(t[2].score - t[1].score), t[0].index))
    return [Disagreement(index=r.index, row_id=r.row_id, gold=r.gold, kit=k.label,
                         kit_leaning=k.leaning, vader=v.label, vader_compound=v.score,
                         kit_score=k.score,
                         winner="kit" if k.leaning == r.gold else
                         "vader" if v.leaning == r.gold else "neither")
            for r, k, v in rows_kit_vader[:limit]]


ENGINES = ("kit", "vader", "kit_rules")


def evaluate_dataset(dataset: LabelledSet, splits: Sequence[str] = ("tune", "heldout"),
                     progress: Callable[[str, int], None] | None = None) -> DatasetResult:
    """The kit, plain VADER and the kit's rules alone (the engine before the learned layer),
    each timed on its own, scored on every requested split."""
    rows = dataset.rows
    runs: dict[str, Callable[[Callable[[int], None] | None], list[Prediction]]] = {
        "kit": lambda p: kit_predictions(rows, SentimentFixes(), p),
        "vader": lambda p: vader_predictions(rows, p),
        "kit_rules": lambda p: kit_predictions(rows, RULES_ONLY, p)}
    predictions: dict[str, list[Prediction]] = {}
    speed: dict[str, float] = {}
    for name, run in runs.items():
        started = time.perf_counter()
        predictions[name] = run((lambda done, n=name: progress(n, done)) if progress else None)
        speed[name] = round(len(rows) / max(time.perf_counter() - started, 1e-9), 1)
    scores = [score_split(name, split, rows, predictions[name])
              for split in splits for name in ENGINES]
    sizes = {s: sum(r.split == s for r in rows) for s in ("tune", "heldout")}
    return DatasetResult(name=dataset.name, scheme=dataset.scheme, rows=len(rows),
                         split_sizes=sizes, rows_per_second=speed, scores=scores,
                         worst=worst_disagreements(rows, predictions["kit"],
                                                   predictions["vader"]))


__all__ = ["ENGINES", "SPLITS", "DatasetResult", "Disagreement", "LabelledRow", "LabelledSet",
           "Prediction", "SplitScores", "evaluate_dataset", "kit_predictions", "label_scheme",
           "load_dataset", "score_split", "split_of", "vader_predictions",
           "worst_disagreements"]
