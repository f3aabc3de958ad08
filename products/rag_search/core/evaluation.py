"""The RAG eval: retrieval per mode, abstention, key facts and citations on the golden set.

`run_eval` ingests the bundled corpus into a throwaway collection (a temporary data dir, so
nothing is left behind in the user's), then for every
golden question: searches in each mode (dense, bm25, hybrid) and ranks the *files* the top-k
chunks come from (the golden set names files, not chunks), and asks the question with the
configured engine. It returns one `EvalReport` plus the per-case rows and the abstention
threshold sweep (`core.calibration`) the report and DECISIONS.md quote.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from products.rag_search.core.answer import ask
from products.rag_search.core.calibration import (
    MIN_ANSWERED,
    SweepRow,
    best_gate,
    reader_threshold,
    sweep,
    write_calibration,
)
from products.rag_search.core.extractive import is_archived
from products.rag_search.core.gate import decide
from products.rag_search.core.ingest import ingest_paths
from products.rag_search.core.knowledge_base import KnowledgeBase, delete_knowledge_base
from products.rag_search.core.models import Answer, SearchMode
from products.rag_search.core.relevance import Signals, load_calibration, relevance
from products.rag_search.core.retrieval import search
from shared.config import Settings
from shared.errors import BadInput
from shared.evals import (
    citation_validity,
    key_fact_coverage,
    load_eval_set,
    mean,
    score_abstention,
    score_retrieval,
)
from shared.llm import LLMClient

PRODUCT_DIR = Path(__file__).resolve().parent.parent
EVAL_SET = PRODUCT_DIR / "evals" / "golden.jsonl"
SAMPLE_DATA = PRODUCT_DIR / "data"
REPORT_PATH = PRODUCT_DIR / "evals" / "report.md"
EVAL_COLLECTION = "rag_eval"
MODES: tuple[SearchMode, ...] = ("dense", "bm25", "hybrid")
K = 5
DEPTH = 4 * K


class GoldenCase(BaseModel):
    """One golden question: the files that answer it and the facts an answer must contain."""

    id: str
    question: str
    answerable: bool
    sources: list[str] = Field(default_factory=list)
    key_facts: list[str] = Field(default_factory=list)
    notes: str = ""
    split: Literal["tune", "heldout"] = "tune"  # heldout cases are never used to calibrate


class CaseResult(BaseModel):
    """What happened to one question, for the per-case table a PM reads to find failures."""

    id: str
    question: str
    answerable: bool
    split: str = "tune"
    abstained: bool
    relevance: float
    key_fact_coverage: float | None
    cited_sources: list[str]
    expected_sources: list[str]
    hybrid_rank: int | None  # rank of the first expected file in hybrid search, None if absent
    signals: list[Signals] = Field(default_factory=list)  # the gate's view of each candidate


class RagEval(BaseModel):
    """Every number of one eval run; `retrieval`, `abstention`, `answers` are over all cases,
    `by_split` has the same three for the `tune` and the `heldout` cases."""

    date: dt.date
    engine: str
    model: str | None
    embedder: str
    eval_set: str
    cases: int
    retrieval: dict[str, dict[str, float | int]]
    abstention: dict[str, float | int]
    answers: dict[str, float]
    by_split: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    threshold: float
    lexical_weight: float = 1.0
    sweep: list[SweepRow]
    # The best gate on this run's tune cases; None when the set has none (all heldout).
    suggested_threshold: float | None
    suggested_weight: float | None = 1.0
    reader_threshold: float | None = None  # the gate in use when an LLM reads
    suggested_reader_threshold: float | None = None
    results: list[CaseResult]


def load_golden(path: Path = EVAL_SET) -> list[GoldenCase]:
    return load_eval_set(path, GoldenCase).cases


def run_eval(settings: Settings, llm: LLMClient | None, *, eval_set: Path = EVAL_SET,
             data: Path = SAMPLE_DATA, calibrate: bool = False,
             progress: Callable[[int, int], None] | None = None) -> RagEval:
    """Score retrieval, abstention and answers on the golden set (see the module docstring).

    With `calibrate`, the gate's weight and threshold are chosen on the `tune` cases and saved
    before any question is answered, so the report shows the new setting at work. `progress`
    hears (cases answered, cases) after each answer, the slow part with an LLM.
    """
    cases = load_golden(eval_set)
    tune = [i for i, case in enumerate(cases) if case.split == "tune"]
    if calibrate and not tune:
        raise BadInput(f"{eval_set.name} has no tune cases, so there is nothing to calibrate "
                       "on; run without --calibrate.")
    with eval_knowledge_base(settings, data) as kb:
        found = [decide(kb, case.question, K, load_calibration()).signals for case in cases]
        truth = [not case.answerable for case in cases]
        weight, threshold, reader = _suggest([found[i] for i in tune], [truth[i] for i in tune])
        if calibrate and weight is not None and threshold is not None:
            write_calibration(threshold, f"best abstention F1 answering >= {MIN_ANSWERED:.0%} of "
                              f"answerable questions, on the {len(tune)} tune cases of "
                              f"{eval_set.name}", lexical_weight=weight,
                              embedder=kb.store.embedder.name, reader=reader)
        ranked = {mode: [ranked_sources(kb, c.question, mode) for c in cases] for mode in MODES}
        answers = _answers(kb, cases, llm, progress)
        embedder = kb.store.embedder.name
    calibration = load_calibration()
    rows = sweep([relevance(found[i], calibration.lexical_weight) for i in tune],
                 [truth[i] for i in tune]) if tune else []
    return RagEval(
        date=dt.date.today(), engine=answers[0].engine if answers else "extractive",
        model=f"{llm.provider}:{llm.model}" if llm is not None else None,
        embedder=embedder, eval_set=f"{eval_set.name} ({len(cases)} cases)",
        cases=len(cases), **_scores(cases, ranked, answers),
        by_split={split: _scores(*_only(split, cases, ranked, answers))
                  for split in ("tune", "heldout") if any(c.split == split for c in cases)},
        threshold=calibration.threshold, lexical_weight=calibration.lexical_weight, sweep=rows,
        suggested_threshold=threshold, suggested_weight=weight,
        reader_threshold=calibration.threshold_for("llm"), suggested_reader_threshold=reader,
        results=[_case_result(c, a, r, f) for c, a, r, f in zip(
            cases, answers, ranked["hybrid"], found, strict=True)],
    )


def _answers(kb: KnowledgeBase, cases: list[GoldenCase], llm: LLMClient | None,
             progress: Callable[[int, int], None] | None) -> list[Answer]:
    answers = []
    for case in cases:
        answers.append(ask(kb, case.question, k=K, llm=llm))
        if progress is not None:
            progress(len(answers), len(cases))
    return answers


def _suggest(found: list[list[Signals]], unanswerable: list[bool]
             ) -> tuple[float | None, float | None, float | None]:
    """The (weight, threshold, reader threshold) these cases would pick; all None for no
    cases, so a set that is all heldout suggests nothing rather than a gate fit to nothing."""
    if not found:
        return None, None, None
    weight, threshold = best_gate(found, unanswerable)
    reader = reader_threshold([relevance(signals, weight) for signals in found],
                              [not truth for truth in unanswerable], ceiling=threshold)
    return weight, threshold, reader


def _scores(cases: list[GoldenCase], ranked: dict[str, list[list[str]]],
            answers: list[Answer]) -> dict[str, Any]:
    return {"retrieval": _retrieval(cases, ranked),
            "abstention": _abstention(cases, answers), "answers": _answer_scores(cases, answers)}


def _only(split: str, cases: list[GoldenCase], ranked: dict[str, list[list[str]]],
          answers: list[Answer]) -> tuple[list[GoldenCase], dict[str, list[list[str]]],
                                          list[Answer]]:
    keep = [i for i, case in enumerate(cases) if case.split == split]
    return ([cases[i] for i in keep], {m: [lists[i] for i in keep] for m, lists in ranked.items()},
            [answers[i] for i in keep])


@contextmanager
def eval_knowledge_base(settings: Settings, data: Path) -> Iterator[KnowledgeBase]:
    """The corpus in a throwaway collection, gone afterwards: nothing is left in the user's
    data dir. Embedded stores live in a temporary folder; on a Chroma server the collection
    gets a unique name and is dropped at the end."""
    if settings.vector_store_mode == "embedded":
        with tempfile.TemporaryDirectory(prefix="aipm-rag-eval-") as folder:
            scratch = settings.model_copy(update={"data_dir": Path(folder)})
            ingest_paths(scratch, [data], collection=EVAL_COLLECTION)
            yield KnowledgeBase(scratch, EVAL_COLLECTION)
        return
    name = f"{EVAL_COLLECTION}_{uuid.uuid4().hex[:12]}"
    try:
        ingest_paths(settings, [data], collection=name)
        yield KnowledgeBase(settings, name)
    finally:
        delete_knowledge_base(settings, name)


def ranked_sources(kb: KnowledgeBase, question: str, mode: SearchMode) -> list[str]:
    """Files ranked by their best chunk (the first K distinct files of a 4K-deep ranking).

    The golden set names files, so retrieval is scored per file, the usual max-pooling of
    chunk ranks. Without the deeper list, one file whose chunks fill the top K (a long FAQ)
    would hide every other file and score a multi-source question as half-found.
    """
    results = search(kb, question, mode=mode, k=DEPTH).results
    return list(dict.fromkeys(result.source for result in results))[:K]


def _retrieval(cases: list[GoldenCase], ranked: dict[str, list[list[str]]]
               ) -> dict[str, dict[str, float | int]]:
    """Per mode, over the answerable cases only (an unanswerable one has no right file)."""
    keep = [i for i, case in enumerate(cases) if case.answerable]
    relevant = [set(cases[i].sources) for i in keep]
    return {mode: score_retrieval([lists[i] for i in keep], relevant, K).as_row()
            for mode, lists in ranked.items()}


def _abstention(cases: list[GoldenCase], answers: list[Answer]) -> dict[str, float | int]:
    scores = score_abstention([a.abstained for a in answers], [not c.answerable for c in cases])
    return {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1,
            "accuracy": scores.accuracy, "abstained": scores.abstained,
            "unanswerable": scores.unanswerable}


def _answer_scores(cases: list[GoldenCase], answers: list[Answer]) -> dict[str, float]:
    """Key facts over answerable questions (an abstention scores 0); citations over answers."""
    answerable = [(c, a) for c, a in zip(cases, answers, strict=True) if c.answerable]
    answered = [(c, a) for c, a in answerable if not a.abstained]
    return {
        "key_fact_coverage": mean([key_fact_coverage(a.answer, c.key_facts)
                                   for c, a in answerable]),
        "citation_validity": mean([_valid_citations(a) for _, a in answered]),
        "cites_expected_source": mean([float(any(x.source in c.sources for x in a.citations))
                                       for c, a in answered]),
        "answered_answerable": len(answered) / len(answerable) if answerable else 0.0,
        "cites_archived_page": mean([float(any(is_archived(x) for x in a.citations))
                                     for _, a in answered]),
    }


def _valid_citations(answer: Answer) -> float:
    """Share of citations that name a retrieved chunk and whose quote is really in it."""
    retrieved = {result.chunk_id for result in answer.retrieved}
    verified = [c.chunk_id for c in answer.citations if c.verified]
    return citation_validity(verified, retrieved) * _share(len(verified), len(answer.citations))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _case_result(case: GoldenCase, answer: Answer, hybrid: list[str],
                 found: list[Signals]) -> CaseResult:
    ranks = [rank for rank, source in enumerate(hybrid, start=1) if source in case.sources]
    return CaseResult(
        id=case.id, question=case.question, answerable=case.answerable, split=case.split,
        signals=found,
        abstained=answer.abstained, relevance=answer.relevance,
        key_fact_coverage=key_fact_coverage(answer.answer, case.key_facts)
        if case.answerable else None,
        cited_sources=list(dict.fromkeys(c.source for c in answer.citations)),
        expected_sources=case.sources, hybrid_rank=ranks[0] if ranks else None,
    )


__all__ = [
    "EVAL_COLLECTION",
    "EVAL_SET",
    "REPORT_PATH",
    "SAMPLE_DATA",
    "CaseResult",
    "GoldenCase",
    "RagEval",
    "load_golden",
    "ranked_sources",
    "run_eval",
]
