"""`aipm eval rag --squad FILE.json` (or `--questions FILE.jsonl --data FOLDER`): the product
measured on questions nobody here wrote.

The SQuAD paragraphs become a corpus under the data dir (`core.squad`), ingested into a
throwaway collection; every question is searched (hybrid, and bm25 alone as the retrieval
anchor) and asked with the configured engine. Scored per split: recall@5 of the gold
paragraph, the abstain decision (precision, recall, F1, balanced accuracy, false-abstain
rate) beside the never-abstain and always-abstain anchors of the same cases, and the
answers of answered answerable questions (EM and token F1 against the gold spans, the
SQuAD way; gold-span containment; median length). Each case also keeps the gate's
features, which `tools/train_gate.py` fits the learned gate on (tune split only).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from products.rag_search.core.answer import ask
from products.rag_search.core.evaluation import K, eval_knowledge_base, ranked_sources
from products.rag_search.core.qa_scoring import (
    contains_gold,
    exact_match,
    strip_citations,
    token_f1,
)
from products.rag_search.core.squad import QACase, QASet
from shared.config import Settings
from shared.evals import EvalReport, MetricTable, mean, write_markdown_report
from shared.llm import LLMClient

Progress = Callable[[int, int], None]
SPLITS = ("all", "tune", "heldout")


class QAResult(BaseModel):
    """One question's outcome: numbers only (the report never quotes the set's text)."""

    id: str
    split: str
    answerable: bool
    abstained: bool
    low_confidence: bool = False
    confidence: float | None = None
    hybrid_hit: bool
    bm25_hit: bool
    exact: float | None = None
    f1: float | None = None
    contains: float | None = None
    answer_chars: int | None = None
    features: dict[str, float] = Field(default_factory=dict)


class QAEval(BaseModel):
    date: dt.date
    engine: str
    eval_set: str
    articles: int
    cases: int
    scores: dict[str, dict[str, float | int | None]]  # per split
    results: list[QAResult]


def run_qa_eval(settings: Settings, llm: LLMClient | None, qa: QASet, name: str,
                progress: Progress | None = None) -> QAEval:
    """Ingest the corpus, ask every case, score; see the module docstring."""
    results: list[QAResult] = []
    with eval_knowledge_base(settings, qa.corpus) as kb:
        for number, case in enumerate(qa.cases, start=1):
            results.append(_one(kb, case, llm))
            if progress is not None:
                progress(number, len(qa.cases))
    engine = "llm" if llm is not None else "extractive"
    splits = [s for s in SPLITS if s == "all" or any(r.split == s for r in results)]
    return QAEval(date=dt.date.today(), engine=engine, eval_set=name,
                  articles=len(qa.articles), cases=len(results),
                  scores={s: score(subset_results(results, s)) for s in splits},
                  results=results)


def _one(kb: Any, case: QACase, llm: LLMClient | None) -> QAResult:
    hybrid = ranked_sources(kb, case.question, "hybrid")
    bm25 = ranked_sources(kb, case.question, "bm25")
    answer = ask(kb, case.question, k=K, llm=llm)
    text = strip_citations(answer.answer)
    predicted = answer.span or text
    scored = case.answerable and not answer.abstained
    return QAResult(
        id=case.id, split=case.split, answerable=case.answerable, abstained=answer.abstained,
        low_confidence=answer.low_confidence, confidence=answer.confidence,
        hybrid_hit=case.source in hybrid, bm25_hit=case.source in bm25,
        exact=exact_match(predicted, case.answers) if scored else None,
        f1=token_f1(predicted, case.answers) if scored else None,
        contains=contains_gold(text, case.answers) if scored else None,
        answer_chars=len(text) if not answer.abstained else None,
        features=answer.gate_features)


def subset_results(results: Sequence[QAResult], split: str) -> list[QAResult]:
    return [r for r in results if split in ("all", r.split)]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def abstain_scores(abstained: Sequence[bool], unanswerable: Sequence[bool]
                   ) -> dict[str, float | None]:
    """Positive = abstained. Balanced accuracy is the mean of "abstains when unanswerable"
    and "answers when answerable", so a set that is mostly answerable cannot hide a gate that
    never abstains."""
    pairs = list(zip(abstained, unanswerable, strict=True))
    tp = sum(a and u for a, u in pairs)
    fp = sum(a and not u for a, u in pairs)
    fn = sum(u and not a for a, u in pairs)
    tn = sum(not a and not u for a, u in pairs)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = (round(2 * precision * recall / (precision + recall), 4)
          if precision and recall else 0.0)
    answers_answerable = _ratio(tn, tn + fp)
    balanced = (round((recall + answers_answerable) / 2, 4)
                if recall is not None and answers_answerable is not None else None)
    return {"abstain_precision": precision, "abstain_recall": recall, "abstain_f1": f1,
            "balanced_accuracy": balanced, "false_abstain": _ratio(fp, fp + tn)}


def score(results: Sequence[QAResult]) -> dict[str, float | int | None]:
    answerable = [r for r in results if r.answerable]
    answered = [r for r in answerable if not r.abstained]
    truth = [not r.answerable for r in results]
    gate = abstain_scores([r.abstained for r in results], truth)
    never = abstain_scores([False] * len(results), truth)
    always = abstain_scores([True] * len(results), truth)
    lengths = [r.answer_chars for r in results if r.answer_chars is not None]
    return {
        "questions": len(results), "unanswerable": sum(truth),
        "recall@5": _ratio(sum(r.hybrid_hit for r in answerable), len(answerable)),
        "bm25 recall@5 (anchor)": _ratio(sum(r.bm25_hit for r in answerable), len(answerable)),
        **gate,
        "never-abstain balanced accuracy (anchor)": never["balanced_accuracy"],
        "always-abstain abstain F1 (anchor)": always["abstain_f1"],
        "always-abstain balanced accuracy (anchor)": always["balanced_accuracy"],
        "exact_match": round(mean([r.exact or 0.0 for r in answered]), 4),
        "token_f1": round(mean([r.f1 or 0.0 for r in answered]), 4),
        "contains_gold": round(mean([r.contains or 0.0 for r in answered]), 4),
        "median_answer_chars": statistics.median(lengths) if lengths else None,
        "low_confidence": _ratio(sum(r.low_confidence for r in results if not r.abstained),
                                 sum(not r.abstained for r in results)),
    }


def to_report(result: QAEval) -> EvalReport:
    rows = {split: result.scores[split] for split in SPLITS if split in result.scores}
    retrieval = {s: {k: v for k, v in row.items() if "recall@5" in k or k == "questions"}
                 for s, row in rows.items()}
    abstention = {s: {k: v for k, v in row.items() if "abstain" in k or "balanced" in k
                      or k == "unanswerable"} for s, row in rows.items()}
    answers = {s: {k: row[k] for k in ("exact_match", "token_f1", "contains_gold",
                                       "median_answer_chars", "low_confidence")}
               for s, row in rows.items()}
    tables = [
        MetricTable(title="Retrieval (answerable questions; the gold paragraph in the top 5 "
                          "files)", rows=retrieval, row_header="split"),
        MetricTable(title="Abstention (positive = said \"I don't know\"), with the never- and "
                          "always-abstain anchors of the same cases", rows=abstention,
                    row_header="split"),
        MetricTable(title=f"Answers of answered answerable questions ({result.engine} engine; "
                          "SQuAD normalisation, max over gold answers)", rows=answers,
                    row_header="split"),
    ]
    return EvalReport(name="RAG knowledge search on a public QA set", date=result.date,
                      engine=result.engine, model_id=None, eval_set=result.eval_set,
                      measures="recall@5 of the gold paragraph; abstention precision, recall, "
                               "F1, balanced accuracy, false-abstain rate; EM, token F1, "
                               "gold-span containment and length of the answers",
                      cases=result.cases, tables=tables, notes=[
                          f"{result.articles} articles, one Markdown document per paragraph, "
                          "written under the data dir. Split by article: sha256(title) even = "
                          "tune, odd = heldout. Numbers only: no text of the set is quoted.",
                          "EM / token F1 score the answer's short span (the learned span "
                          "reader, MODEL_CARD.md) when it has one, else its text without "
                          "citation markers; containment and length use the answer text shown "
                          "(the span's sentence and at most one supporting unit)."])


def write_qa_report(result: QAEval, path: Path) -> Path:
    return write_markdown_report(to_report(result), path)


__all__ = ["QAEval", "QAResult", "abstain_scores", "run_qa_eval", "score", "to_report",
           "write_qa_report"]
