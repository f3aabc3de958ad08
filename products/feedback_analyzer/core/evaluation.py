"""`aipm eval feedback`: the golden set through raw VADER, the baseline and (with a provider)
the LLM engine, on the tuned and the held-out parts separately.

Sentiment: accuracy, macro-F1 and the confusion matrix; the hard-case breakdown (accuracy per
tag: negation, contrast, mixed, sarcasm, non_english...); aspects: micro/macro F1 of the sets;
agreement between baseline and LLM; theme purity (how single-aspect golden rows cluster).
`baseline_no_stars` is the baseline with the star ratings hidden, as in an export without them.
`evals/nostars.jsonl` (rows with no rating, written after the fixes, never tuned on) is scored
as its own `nostars` split, sentiment only (its rows carry no aspect labels).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, Field

from products.feedback_analyzer.core.aspects import AspectTagger, propose_taxonomy
from products.feedback_analyzer.core.baseline import BaselineEngine
from products.feedback_analyzer.core.models import (
    PRODUCT,
    SENTIMENTS,
    FeedbackRow,
    RowAnalysis,
    RowResult,
)
from products.feedback_analyzer.core.sentiment import RAW_VADER, SentimentFixes
from shared.config import Settings
from shared.embeddings import get_embedder
from shared.evals import (
    ClassificationReport,
    classification_report,
    load_eval_set,
    multilabel_report,
)

PRODUCT_DIR = Path(__file__).resolve().parents[1]
GOLDEN_PATH = PRODUCT_DIR / "evals" / "golden.jsonl"
REPORT_PATH = PRODUCT_DIR / "evals" / "report.md"
NOSTARS_PATH = PRODUCT_DIR / "evals" / "nostars.jsonl"
SPLITS = ("tuned", "heldout")


class GoldenCase(BaseModel):
    """One hand-labelled row."""

    id: str
    text: str
    stars: float | None = None
    sentiment: str
    aspects: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    split: str = "tuned"


class EngineScores(BaseModel):
    """One engine on one part of the set."""

    engine: str
    split: str
    cases: int
    sentiment: ClassificationReport
    by_tag: dict[str, float]
    aspect_micro_f1: float | None = None
    aspect_macro_f1: float | None = None


class EvalResult(BaseModel):
    """Everything the report and `--json` show."""

    eval_set: str
    version: int
    embedder: str
    scores: list[EngineScores]
    agreement: dict[str, float] = Field(default_factory=dict)
    theme_purity: float | None = None
    llm_model: str | None = None

    def score(self, engine: str, split: str) -> EngineScores:
        return next(s for s in self.scores if s.engine == engine and s.split == split)


Labeller = Callable[[list[GoldenCase]], Sequence[RowAnalysis | RowResult]]


def as_rows(cases: list[GoldenCase]) -> list[FeedbackRow]:
    return [FeedbackRow(row_id=c.id, line=i + 2, text=c.text, stars=c.stars)
            for i, c in enumerate(cases)]


def score_engine(engine: str, split: str, cases: list[GoldenCase],
                 predicted: Sequence[RowAnalysis | RowResult],
                 with_aspects: bool = True) -> EngineScores:
    """Sentiment report, accuracy per hard-case tag and aspect F1 for one engine."""
    labels = [p.sentiment or "failed" for p in predicted]
    report = classification_report([c.sentiment for c in cases], labels, list(SENTIMENTS))
    hits: dict[str, list[bool]] = defaultdict(list)
    for case, label in zip(cases, labels, strict=True):
        for tag in case.tags:
            hits[tag].append(case.sentiment == label)
    aspects = (multilabel_report([c.aspects for c in cases], [p.aspects for p in predicted])
               if with_aspects else None)
    return EngineScores(engine=engine, split=split, cases=len(cases), sentiment=report,
                        by_tag={t: round(sum(h) / len(h), 3) for t, h in sorted(hits.items())},
                        aspect_micro_f1=aspects.micro.f1 if aspects else None,
                        aspect_macro_f1=aspects.macro.f1 if aspects else None)


def run_eval(settings: Settings, llm_labeller: Labeller | None = None,
             llm_model: str | None = None, golden: Path = GOLDEN_PATH,
             nostars: Path | None = NOSTARS_PATH) -> EvalResult:
    """Score raw VADER, the baseline and optionally the LLM on both parts of the set."""
    eval_set = load_eval_set(golden, GoldenCase)
    embedder = get_embedder(settings, product=PRODUCT)
    taxonomy = propose_taxonomy([c.text for c in eval_set.cases], embedder)
    tagger = AspectTagger(taxonomy)
    engines: dict[str, Labeller] = {
        "raw_vader": lambda cases: BaselineEngine(AspectTagger({}), RAW_VADER)
        .analyze_rows(as_rows(cases)),
        "baseline": lambda cases: BaselineEngine(tagger, SentimentFixes())
        .analyze_rows(as_rows(cases)),
        "baseline_no_stars": lambda cases: BaselineEngine(tagger, SentimentFixes())
        .analyze_rows([replace(r, stars=None) for r in as_rows(cases)]),
    }
    if llm_labeller is not None:
        engines["llm"] = llm_labeller
    scores, predictions = [], {}
    for split in SPLITS:
        cases = [c for c in eval_set.cases if c.split == split]
        for name, label in engines.items():
            predictions[(name, split)] = label(cases)
            scores.append(score_engine(name, split, cases, predictions[(name, split)],
                                       with_aspects=name != "raw_vader"))
    if nostars is not None:
        scores += _nostars_scores(nostars, engines)
    from products.feedback_analyzer.core.themes import theme_purity

    single = [c for c in eval_set.cases if len(c.aspects) == 1]
    return EvalResult(eval_set=eval_set.name, version=eval_set.version, embedder=embedder.name,
                      scores=scores, agreement=_agreement(predictions, llm_labeller is not None),
                      theme_purity=theme_purity([c.text for c in single],
                                                [c.aspects[0] for c in single], embedder),
                      llm_model=llm_model)


def _nostars_scores(path: Path, engines: dict[str, Labeller]) -> list[EngineScores]:
    """Raw VADER and the baseline on the extra no-star slice (no aspect labels to score)."""
    cases = load_eval_set(path, GoldenCase).cases
    return [score_engine(name, "nostars", cases, engines[name](cases), with_aspects=False)
            for name in ("raw_vader", "baseline_no_stars")]


def llm_labeller(settings: Settings) -> tuple[Labeller | None, str | None]:
    """The LLM engine as a labeller when a provider is configured, else (None, None)."""
    if settings.engine != "llm":
        return None, None
    from products.feedback_analyzer.core.aspects import DEFAULT_SEEDS
    from products.feedback_analyzer.core.llm_engine import LLMEngine
    from shared.llm import get_llm

    llm = get_llm(settings, product=PRODUCT)

    def label(cases: list[GoldenCase]) -> list[RowAnalysis]:
        return LLMEngine(llm, list(DEFAULT_SEEDS)).analyze_rows(as_rows(cases))

    return label, f"{llm.provider}:{llm.model}"


def _agreement(predictions: dict[tuple[str, str], Sequence[RowAnalysis | RowResult]],
               has_llm: bool) -> dict[str, float]:
    if not has_llm:
        return {}
    out = {}
    for split in SPLITS:
        pairs = list(zip(predictions[("baseline", split)], predictions[("llm", split)],
                         strict=True))
        same = sum(a.sentiment == b.sentiment for a, b in pairs)
        out[split] = round(same / len(pairs), 3) if pairs else 0.0
    return out


__all__ = ["GOLDEN_PATH", "NOSTARS_PATH", "REPORT_PATH", "EngineScores", "EvalResult", "GoldenCase",
           "as_rows", "llm_labeller", "run_eval", "score_engine"]
