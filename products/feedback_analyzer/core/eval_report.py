"""The Markdown report `aipm eval feedback` writes (`evals/report.md`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from products.feedback_analyzer.core.evaluation import EngineScores, EvalResult
from products.feedback_analyzer.core.models import SENTIMENTS


def _row(score: EngineScores) -> str:
    aspects = "-" if score.aspect_micro_f1 is None else f"{score.aspect_micro_f1:.3f}"
    return (f"| {score.engine} {score.split} | {score.cases} | "
            f"{score.sentiment.accuracy:.3f} | {score.sentiment.macro_f1:.3f} | {aspects} |")


def _confusion(score: EngineScores) -> list[str]:
    lines = [f"**{score.engine}, {score.split}** (rows gold, columns predicted)", "",
             "| gold \\ predicted | " + " | ".join(SENTIMENTS) + " |",
             "|---|" + "---|" * len(SENTIMENTS)]
    for gold in SENTIMENTS:
        cells = [str(score.sentiment.confusion.get(gold, {}).get(p, 0)) for p in SENTIMENTS]
        lines.append(f"| {gold} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _tags(result: EvalResult) -> list[str]:
    tags = sorted({t for s in result.scores for t in s.by_tag})
    head = "| engine split | " + " | ".join(tags) + " |"
    lines = [head, "|---|" + "---|" * len(tags)]
    for s in result.scores:
        lines.append(f"| {s.engine} {s.split} | "
                     + " | ".join(f"{s.by_tag.get(t, 0):.2f}" for t in tags) + " |")
    return lines


def _header(result: EvalResult, today: dt.date) -> list[str]:
    """The `- Key: value` lines `pm.report_tables` reads (date, engine, model, set)."""
    cases = max((s.cases for s in result.scores if s.split == "tuned"), default=0) + max(
        (s.cases for s in result.scores if s.split == "heldout"), default=0)
    engines = "baseline and llm" if result.llm_model else "baseline"
    return [
        "# Eval report: Feedback analyzer", "",
        f"- Date: {today.isoformat()}",
        f"- Engine: {engines}",
        f"- Model: {result.llm_model or 'none (no LLM configured)'}",
        f"- Eval set: {result.eval_set} v{result.version} ({cases} rows; embedder "
        f"{result.embedder})",
        "- Measures: sentiment accuracy and macro-F1, aspect micro-F1, accuracy per hard-case "
        "tag, theme purity",
        f"- Cases: {cases}", "",
        "The baseline's fixes and the aspect threshold were tuned on the `tuned` part only; "
        "the `heldout` part was never looked at while tuning. The `nostars` rows "
        "(`evals/nostars.jsonl`: NPS comments and support tickets with no rating) were written "
        "before the no-star rules and never tuned on.", ""]


def render_report(result: EvalResult, today: dt.date | None = None) -> str:
    """The whole report as Markdown; rows are labelled `engine split` so each is unique."""
    purity = "-" if result.theme_purity is None else f"{result.theme_purity:.3f}"
    lines = [
        *_header(result, today or dt.date.today()),
        "## Sentiment and aspects", "",
        "| engine split | rows | accuracy | macro-F1 | aspect micro-F1 |",
        "|---|---|---|---|---|", *(_row(s) for s in result.scores), "",
        "## Hard cases (accuracy per tag)", "", *_tags(result), "",
        "## Themes", "",
        "| themes | purity |", "|---|---|", f"| kmeans | {purity} |", "",
        f"Theme purity: KMeans on `{result.embedder}` vectors, one cluster per aspect, "
        "single-aspect golden rows.", "",
        "## Confusion matrices", "", *(line for s in result.scores for line in _confusion(s))]
    if result.agreement:
        lines += ["## Baseline vs LLM agreement", "",
                  *(f"- {split}: {value:.3f}" for split, value in result.agreement.items()), ""]
    return "\n".join(lines)


def write_report(result: EvalResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8")
    return path


__all__ = ["render_report", "write_report"]
