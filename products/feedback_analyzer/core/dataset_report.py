"""The Markdown report of `aipm eval feedback --dataset ...`: numbers and row ids only.

External sets must never be copied into the repository, so the report names rows by their
index and id; the terminal view (`terminal_lines`) may show their texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from products.feedback_analyzer.core.dataset_eval import (
    ENGINES,
    PREDICTED,
    THREE,
    DatasetResult,
    LabelledSet,
)

ENGINE_NAMES = {"kit": "kit (rules + learned layer)", "vader": "plain VADER (+-0.05)",
                "kit_rules": "kit rules only (the engine before issue 23)"}


def _scores_table(results: Sequence[DatasetResult]) -> list[str]:
    lines = ["| set | split | engine | rows | polar rows | polar accuracy | polar macro-F1 | "
             "3-class accuracy | 3-class macro-F1 |", "|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        for s in result.scores:
            lines.append(f"| {result.name} | {s.split} | {s.engine} | {s.rows} | {s.polar_rows}"
                         f" | {s.polar_accuracy:.3f} | {s.polar_macro_f1:.3f} | "
                         f"{s.three_class.accuracy:.3f} | {s.three_class.macro_f1:.3f} |")
    return lines


def _versus_table(results: Sequence[DatasetResult]) -> list[str]:
    """Kit minus VADER per set and split, and the mean over sets: the issue's targets."""
    splits = sorted({s.split for r in results for s in r.scores}, key=["tune", "heldout",
                                                                       "all"].index)
    lines = ["| set | split | polar acc kit | polar acc VADER | delta | 3-class F1 kit | "
             "3-class F1 VADER | delta |", "|---|---|---|---|---|---|---|---|"]
    for split in splits:
        deltas = []
        for result in results:
            kit, vader = result.score("kit", split), result.score("vader", split)
            d_polar = kit.polar_accuracy - vader.polar_accuracy
            d_three = kit.three_class.macro_f1 - vader.three_class.macro_f1
            deltas.append((kit.polar_accuracy, vader.polar_accuracy, d_polar,
                           kit.three_class.macro_f1, vader.three_class.macro_f1, d_three))
            lines.append(f"| {result.name} | {split} | {kit.polar_accuracy:.3f} | "
                         f"{vader.polar_accuracy:.3f} | {d_polar:+.3f} | "
                         f"{kit.three_class.macro_f1:.3f} | {vader.three_class.macro_f1:.3f} | "
                         f"{d_three:+.3f} |")
        means = [sum(d[i] for d in deltas) / len(deltas) for i in range(6)]
        lines.append(f"| **mean over sets** | {split} | {means[0]:.3f} | {means[1]:.3f} | "
                     f"**{means[2]:+.3f}** | {means[3]:.3f} | {means[4]:.3f} | "
                     f"{means[5]:+.3f} |")
    return lines


def _confusions(result: DatasetResult) -> list[str]:
    lines = []
    for s in result.scores:
        lines += [f"**{result.name}, {s.split}, {s.engine}** (rows gold, columns predicted)", "",
                  "| gold \\ predicted | " + " | ".join(PREDICTED) + " |",
                  "|---|" + "---|" * len(PREDICTED)]
        lines += [f"| {gold} | " + " | ".join(str(s.predicted[gold][p]) for p in PREDICTED)
                  + " |" for gold in THREE]
        lines.append("")
    return lines


def _worst(result: DatasetResult) -> list[str]:
    lines = [f"**{result.name}**: the 20 rows where the kit and VADER lean furthest apart "
             "(row index from 0 among labelled rows, id; no text)", "",
             "| index | id | gold | kit | kit leaning | kit score | VADER | VADER compound | "
             "right |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {d.index} | {d.row_id} | {d.gold} | {d.kit} | {d.kit_leaning} | "
              f"{d.kit_score:+.3f} | {d.vader} | {d.vader_compound:+.3f} | {d.winner} |"
              for d in result.worst]
    return [*lines, ""]


def render_dataset_report(results: Sequence[DatasetResult], today: dt.date | None = None) -> str:
    """The whole report; speeds are rows/s of each engine in this run (same process)."""
    day = (today or dt.date.today()).isoformat()
    lines = ["# Eval report: Feedback analyzer on external labelled sets", "",
             f"- Date: {day}", "- Engines: " + "; ".join(f"`{k}` = {v}"
                                                        for k, v in ENGINE_NAMES.items()),
             "- Split: 60% `tune` / 40% `heldout` by a hash of the row text "
             "(`dataset_eval.split_of`); the learned layer was fitted on `tune` rows only.",
             "- Polar metrics: rows whose gold label is positive or negative, scored on each "
             "engine's leaning (VADER's label; a `neutral` there is a miss for every engine).",
             "- 3-class: positive/neutral/negative; a kit `mixed` row counts as its leaning. "
             "Sets with no neutral gold rows still count neutral predictions (F1 0 for that "
             "class, for every engine alike).", "",
             "| set | rows | tune | heldout | labels mapped as | "
             + " | ".join(f"{e} rows/s" for e in ENGINES) + " |",
             "|---|---|---|---|---|" + "---|" * len(ENGINES)]
    lines += [f"| {r.name} | {r.rows} | {r.split_sizes['tune']} | {r.split_sizes['heldout']} | "
              f"{r.scheme} | " + " | ".join(f"{r.rows_per_second[e]:,.0f}" for e in ENGINES)
              + " |" for r in results]
    lines += ["", "## Kit vs plain VADER", "", *_versus_table(results), "",
              "## All scores", "", *_scores_table(results), "",
              "## Worst disagreements", ""]
    for result in results:
        lines += _worst(result)
    lines += ["## Confusion matrices", ""]
    for result in results:
        lines += _confusions(result)
    return "\n".join(lines)


def write_dataset_report(results: Sequence[DatasetResult], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dataset_report(results), encoding="utf-8")
    return path


def terminal_lines(result: DatasetResult, dataset: LabelledSet) -> list[str]:
    """What the terminal shows: the comparison and the worst rows with their text."""
    lines = [f"{result.name}: {result.rows} rows, labels {result.scheme}; rows/s " + ", ".join(
        f"{e} {result.rows_per_second[e]:,.0f}" for e in ENGINES)]
    for s in result.scores:
        lines.append(f"  {s.split:8s} {s.engine:10s} polar acc {s.polar_accuracy:.3f}  polar F1 "
                     f"{s.polar_macro_f1:.3f}  3-class F1 {s.three_class.macro_f1:.3f}")
    texts = {row.index: row.text for row in dataset.rows}
    for d in result.worst[:5]:
        lines.append(f"  #{d.index} gold {d.gold}, kit {d.kit_leaning}, VADER {d.vader}: "
                     f"{texts[d.index][:90]!r}")
    return lines


__all__ = ["render_dataset_report", "terminal_lines", "write_dataset_report"]
