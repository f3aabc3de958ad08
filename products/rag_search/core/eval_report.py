"""The RAG eval as the platform's `EvalReport`: the Markdown a PM reads, with date and numbers."""

from __future__ import annotations

from pathlib import Path

from products.rag_search.core.calibration import READER_SHARE, two_fold
from products.rag_search.core.evaluation import CaseResult, RagEval
from products.rag_search.core.injection_eval import injection_table, run_injection_eval
from shared.evals import EvalReport, MetricTable, write_markdown_report

MEASURES = ("retrieval by source file (recall@5, MRR, nDCG@5) per mode; abstention precision "
            "and recall; key-fact coverage and citation validity of the answers")


SPLITS = ("all", "tune", "heldout")


def to_report(result: RagEval) -> EvalReport:
    tables = [
        MetricTable(title="Retrieval by mode (answerable questions; files ranked by their best "
                          "chunk)", rows=_by_split(result, "retrieval"), row_header="split / mode"),
        MetricTable(title="Abstention (positive = said \"I don't know\")",
                    rows=_by_split(result, "abstention"), row_header="split"),
        MetricTable(title=f"Answers ({result.engine} engine)", rows=_by_split(result, "answers"),
                    row_header="split"),
        *([_sweep_table(result)] if result.sweep else []),  # no tune cases, no sweep
        _reader_table(result),
        injection_table(run_injection_eval()),
        _cases_table(result),
    ]
    return EvalReport(name="RAG knowledge search", date=result.date, engine=result.engine,
                      model_id=result.model, eval_set=result.eval_set, measures=MEASURES,
                      cases=result.cases, tables=tables, notes=_notes(result))


def _by_split(result: RagEval, part: str) -> dict[str, dict[str, object]]:
    """One row per split ("all", "tune", "heldout"); retrieval has one row per split and mode."""
    tables = {"all": getattr(result, part), **{split: scores[part] for split, scores in
                                               result.by_split.items()}}
    if part != "retrieval":
        return {split: tables[split] for split in SPLITS if split in tables}
    return {f"{split} / {mode}": row for split in SPLITS if split in tables
            for mode, row in tables[split].items()}


def _sweep_table(result: RagEval) -> MetricTable:
    rows = {f"{row.threshold:.2f}": row.model_dump(exclude={"threshold"})
            for row in result.sweep}
    return MetricTable(title=f"Gate threshold sweep on the tune cases (lexical weight "
                             f"{result.lexical_weight:.2f}; relevance gate only)", rows=rows,
                       row_header="threshold")


def _reader_table(result: RagEval) -> MetricTable:
    """What the LLM engine's lower threshold lets through: the answerable questions it can now
    answer, and the near misses it has to turn down itself (NOT_IN_SOURCES)."""
    reader = _reader(result)
    rows = {}
    for split in SPLITS:
        cases = [c for c in result.results if split in ("all", c.split)]
        if not cases:
            continue  # a set with no tune (or no heldout) cases has no row for them
        rows[split] = {
            "answerable reaching the model": _share_at(cases, True, reader),
            "answerable passing the extractive gate": _share_at(cases, True, result.threshold),
            "unanswerable reaching the model": _share_at(cases, False, reader),
        }
    return MetricTable(title=f"LLM reader gate (threshold {reader:.2f}; the model must refuse "
                             "the unanswerable questions that reach it)", rows=rows,
                       row_header="split")


def _reader(result: RagEval) -> float:
    return result.reader_threshold if result.reader_threshold is not None else result.threshold


def _share_at(cases: list[CaseResult], answerable: bool, threshold: float) -> float:
    chosen = [case for case in cases if case.answerable == answerable]
    return round(sum(case.relevance >= threshold for case in chosen) / max(len(chosen), 1), 3)


def _cases_table(result: RagEval) -> MetricTable:
    rows = {
        case.id: {"split": case.split, "answerable": case.answerable,
                  "abstained": case.abstained,
                  "relevance": case.relevance, "key facts": case.key_fact_coverage,
                  "hybrid rank": case.hybrid_rank,
                  "cited": ", ".join(case.cited_sources) or None}
        for case in result.results
    }
    return MetricTable(title="Per question", rows=rows, row_header="case")


def _notes(result: RagEval) -> list[str]:
    hybrid = result.retrieval["hybrid"]["recall@5"]
    singles = {mode: result.retrieval[mode]["recall@5"] for mode in ("dense", "bm25")}
    beats = all(hybrid >= value for value in singles.values())
    return [
        _gate_note(result),
        f"Hybrid recall@5 {hybrid:.3f} vs dense {singles['dense']:.3f} and bm25 "
        f"{singles['bm25']:.3f}: hybrid {'matches or beats' if beats else 'does NOT match'} "
        "both.",
        "Key-fact coverage counts an abstention on an answerable question as 0; citation "
        "validity counts a citation valid when its chunk was retrieved and its quote is in it; "
        "cites_archived_page is the share of answers quoting a page marked archived or "
        "superseded (lower is better).",
    ]


def _gate_note(result: RagEval) -> str:
    """Which gate ran and what this run's tune cases would choose; on a set with no tune
    cases (all heldout), only the gate in use, chosen elsewhere."""
    gate = (f"Embedder: {result.embedder}. Gate in use: lexical weight "
            f"{result.lexical_weight:.2f}, threshold {result.threshold:.2f}; the LLM engine "
            f"reads at threshold {_reader(result):.2f}.")
    tune = [case for case in result.results if case.split == "tune"]
    if not tune or result.suggested_weight is None or result.suggested_threshold is None:
        return (f"{gate} This set has no tune cases: every case is heldout and nothing was "
                "chosen on it (the gate comes from calibration.json, calibrated on the golden "
                "set).")
    folds = two_fold([c.signals for c in tune], [not c.answerable for c in tune])
    fold_text = "; ".join(f"picked weight {f['lexical_weight']:.2f} / threshold "
                          f"{f['threshold']:.2f} on one half, held-out F1 {f['held_out_f1']:.3f}"
                          f" (answering {f['held_out_answered']:.2f} of its answerable)"
                          for f in folds)
    return (f"{gate} Best on this run's tune cases: weight {result.suggested_weight:.2f}, "
            f"threshold {result.suggested_threshold:.2f}, reader threshold "
            f"{result.suggested_reader_threshold or 0:.2f} (the highest that lets "
            f"{READER_SHARE:.0%} of answerable tune questions through). The heldout cases are "
            f"never used to choose. Two-fold check on the tune cases: {fold_text}.")


def write_report(result: RagEval, path: Path) -> Path:
    return write_markdown_report(to_report(result), path)


__all__ = ["MEASURES", "to_report", "write_report"]
