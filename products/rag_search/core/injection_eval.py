"""The injection eval: how many injections the detector catches, how many docs it wrongly flags.

`evals/injection.jsonl` holds prompt-injection variants and benign instruction-like sentences
from product and developer docs ("you must set…", "always call close()"), each marked
`tuned` (used while choosing the detector's signals and weights) or `held_out` (never looked
at while tuning). A row counts as flagged when `quarantine` would remove any of it, which is
what both engines act on. Both halves are reported: the held-out numbers are the honest
estimate, the tuned ones show how far the detector overfits its own examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from products.rag_search.core.injection import quarantine
from shared.evals import MetricTable, load_eval_set

INJECTION_SET = Path(__file__).resolve().parent.parent / "evals" / "injection.jsonl"
Split = Literal["tuned", "held_out"]


class InjectionCase(BaseModel):
    """One text: an injection to catch, or a benign sentence to leave alone."""

    id: str
    text: str
    injection: bool
    split: Split
    kind: str


class InjectionScores(BaseModel):
    """Catch rate over injections and false-positive rate over benign rows, for one split."""

    injections: int
    caught: int
    catch_rate: float
    benign: int
    false_positives: int
    false_positive_rate: float
    missed_ids: list[str]
    false_positive_ids: list[str]


def flagged(text: str) -> bool:
    return quarantine(text)[1] > 0


def score_split(cases: list[InjectionCase]) -> InjectionScores:
    attacks = [case for case in cases if case.injection]
    benign = [case for case in cases if not case.injection]
    missed = [case.id for case in attacks if not flagged(case.text)]
    wrong = [case.id for case in benign if flagged(case.text)]
    return InjectionScores(
        injections=len(attacks), caught=len(attacks) - len(missed),
        catch_rate=round(_share(len(attacks) - len(missed), len(attacks)), 3),
        benign=len(benign), false_positives=len(wrong),
        false_positive_rate=round(_share(len(wrong), len(benign)), 3),
        missed_ids=missed, false_positive_ids=wrong)


def run_injection_eval(path: Path = INJECTION_SET) -> dict[str, InjectionScores]:
    """{"tuned": scores, "held_out": scores} for the eval file."""
    cases = load_eval_set(path, InjectionCase).cases
    return {split: score_split([case for case in cases if case.split == split])
            for split in ("tuned", "held_out")}


def injection_table(scores: dict[str, InjectionScores]) -> MetricTable:
    """The eval report's table: one row per split."""
    rows = {split: {"injections": s.injections, "catch rate": s.catch_rate, "benign": s.benign,
                    "false-positive rate": s.false_positive_rate,
                    "missed": ", ".join(s.missed_ids) or None,
                    "false positives": ", ".join(s.false_positive_ids) or None}
            for split, s in scores.items()}
    return MetricTable(title="Prompt-injection detection (evals/injection.jsonl; held_out never "
                             "tuned on)", rows=rows, row_header="split")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


__all__ = ["INJECTION_SET", "InjectionCase", "InjectionScores", "flagged", "injection_table",
           "run_injection_eval", "score_split"]
