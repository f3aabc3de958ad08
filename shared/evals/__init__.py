"""Eval helpers every product uses: metrics, eval-set loading, and reports.

    from shared.evals import load_eval_set, score_retrieval, EvalReport, write_markdown_report

Metrics are plain functions over lists, with the formula in each docstring. Edge cases are
decided once for all of them: zero division gives 0.0, duplicates count once, paired lists
of different lengths raise ValueError (a bug in the caller, not bad user data). Modules
starting with `_` are private.
"""

from shared.evals._common import PrecisionRecallF1, f1_score, mean, safe_ratio
from shared.evals.answers import (
    AbstentionScores,
    citation_validity,
    key_fact_coverage,
    missing_key_facts,
    score_abstention,
)
from shared.evals.classification import (
    ClassificationReport,
    ClassScores,
    classification_report,
    confusion_matrix,
)
from shared.evals.eval_set import EvalSet, EvalSetHeader, load_eval_set, write_eval_set
from shared.evals.grounding import ClaimCheck, check_claim, check_claims, unsupported_claims
from shared.evals.overlap import MultiLabelReport, SetOverlap, multilabel_report, set_overlap
from shared.evals.report import (
    EvalReport,
    MetricTable,
    compare_runs,
    format_value,
    render_markdown,
    render_table,
    write_markdown_report,
)
from shared.evals.retrieval import (
    RetrievalScores,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    score_retrieval,
)
from shared.evals.text import contains_phrase, content_tokens, normalize_text, tokens

__all__ = [
    "AbstentionScores",
    "ClaimCheck",
    "ClassScores",
    "ClassificationReport",
    "EvalReport",
    "EvalSet",
    "EvalSetHeader",
    "MetricTable",
    "MultiLabelReport",
    "PrecisionRecallF1",
    "RetrievalScores",
    "SetOverlap",
    "check_claim",
    "check_claims",
    "citation_validity",
    "classification_report",
    "compare_runs",
    "confusion_matrix",
    "contains_phrase",
    "content_tokens",
    "f1_score",
    "format_value",
    "key_fact_coverage",
    "load_eval_set",
    "mean",
    "missing_key_facts",
    "multilabel_report",
    "ndcg_at_k",
    "normalize_text",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
    "render_markdown",
    "render_table",
    "safe_ratio",
    "score_abstention",
    "score_retrieval",
    "set_overlap",
    "tokens",
    "unsupported_claims",
    "write_eval_set",
    "write_markdown_report",
]
