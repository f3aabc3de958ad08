"""The public surface: everything in `__all__` exists, and nothing private leaks into it."""

from __future__ import annotations

import shared.evals as evals


def test_all_names_resolve_and_are_public() -> None:
    assert evals.__all__ == sorted(evals.__all__, key=lambda name: (name[0].islower(), name))
    for name in evals.__all__:
        assert not name.startswith("_")
        assert getattr(evals, name) is not None


def test_product_facing_entry_points_are_exported() -> None:
    for name in ("load_eval_set", "EvalSet", "EvalReport", "write_markdown_report",
                 "compare_runs", "score_retrieval", "score_abstention", "key_fact_coverage",
                 "citation_validity", "classification_report", "multilabel_report",
                 "set_overlap", "unsupported_claims", "normalize_text"):
        assert name in evals.__all__
