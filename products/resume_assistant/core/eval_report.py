"""The golden-set report as Markdown (`evals/report.md`).

The summary lines (`- Date:`, `- Engine:` …) and the `## Golden-set metrics` heading follow
the shape `shared.evals.report` writes, so `aipm prd sync resume` can read the numbers back
into the PRD (pm/report_tables.py parses only `##` tables and those lines).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from products.resume_assistant.core.evaluation import REPORT_PATH, EvalResult

METRICS = [
    ("Requirement precision (met)", "requirement_precision"),
    ("Requirement recall (met)", "requirement_recall"),
    ("Requirement F1 (met)", "requirement_f1"),
    ("Keyword precision", "keyword_precision"),
    ("Keyword recall", "keyword_recall"),
    ("Score vs fit: Spearman", "score_spearman"),
    ("Score vs fit: same-JD pair order", "score_pairwise_order"),
    ("Fabrication rate (tailor + letter)", "fabrication_rate"),
]


def report_markdown(result: EvalResult, today: dt.date | None = None) -> str:
    tune, held = result.splits["tune"], result.splits["heldout"]
    llm = result.engine.startswith("llm (")
    model = result.engine.removeprefix("llm (").removesuffix(")") if llm else ""
    lines = [
        "# Résumé assistant — golden-set report",
        "",
        f"- Date: {(today or dt.date.today()).isoformat()}",
        f"- Engine: {result.engine}",
        f"- Model: {model or 'none (no LLM)'}",
        f"- Eval set: golden.jsonl ({tune.rows + held.rows} cases)",
        "",
        f"Embedder `{result.embedder}` · similarity threshold "
        f"**{result.threshold}** · rows: {tune.rows} tune + {held.rows} held-out "
        "(the threshold is chosen on tune only).",
        "",
        "Requirement, keyword and score metrics do not depend on the engine (analysis is "
        "deterministic in both modes); the fabrication rate is measured on the tailored résumé "
        "and the letter of the engine shown. Run with a provider key for the LLM engine's rate; "
        "the test suite also runs this eval through an adversarial stand-in model "
        "(`tests/products/resume_assistant/test_eval.py`), where it must stay 0.",
        "",
        "## Golden-set metrics",
        "",
        "| metric | tune | held-out |",
        "|---|---|---|",
        *(f"| {label} | {getattr(tune, key)} | {getattr(held, key)} |" for label, key in METRICS),
        f"| Outputs checked | {tune.outputs_checked} | {held.outputs_checked} |",
        "",
        "## Threshold sweep (requirement F1 on the tune split)",
        "",
        "| threshold | F1 |",
        "|---|---|",
        *(f"| {t} | {f1} |" for t, f1 in result.sweep.items()),
        "",
        "## Fabrications found (independent check: skills, numbers, traps)",
        "",
        *([f"- {f}" for f in tune.fabrications + held.fabrications] or ["None."]),
        "",
        "## Scores by row",
        "",
        "| row | split | fit label | match score |",
        "|---|---|---|---|",
        *(f"| {r['id']} | {r['split']} | {r['fit']} | {r['match_score']} |"
          for r in result.rows),
    ]
    return "\n".join(lines) + "\n"


def write_report(result: EvalResult, path: Path = REPORT_PATH) -> Path:
    """Write the report; here, not in `evaluation`, which this module imports (no circle)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_markdown(result), encoding="utf-8")
    return path


__all__ = ["report_markdown", "write_report"]
