"""The stress-test contract: what one adversarial case run against a product reports.

Each product ships `products/<name>/stress.py` with `run_stress(settings, control=None) ->
list[StressOutcome]`, its own pack of adversarial cases run through its current engine; `aipm
stress PRODUCT` runs it and writes `evals/stress.md`. The type lives here so every product
reports the same shape, and `run_cases` so every pack counts its cases and stops the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel, Field

from shared.progress import WorkControl

Case = TypeVar("Case")


class StressOutcome(BaseModel):
    """One adversarial case: which failure mode it probes, whether the product held, and why."""

    failure_mode: str = Field(description="e.g. 'prompt injection in a document', 'PII'")
    case: str = Field(description="a short name for this case")
    passed: bool
    expected: str = Field(description="what a correct product does, in one line")
    observed: str = Field(description="what the product did, in one line (no customer data)")
    engine: str = ""


def pass_rate(outcomes: list[StressOutcome]) -> float:
    """Share of cases that passed; 0.0 for an empty pack (nothing was shown to hold)."""
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def run_cases(cases: Sequence[Case], run_one: Callable[[Case], StressOutcome],
              control: WorkControl | None = None) -> list[StressOutcome]:
    """Each case in order. With `control` (the CLI's bar) progress counts cases of the total,
    and a cancel stops before the next case: the outcomes of the finished ones are returned
    (a cancel never loses a case that ran)."""
    if control is not None:
        control.total = len(cases)
    outcomes: list[StressOutcome] = []
    for case in cases:
        if control is not None and control.cancelled:
            break
        outcomes.append(run_one(case))
        if control is not None:
            control.advance(len(outcomes))
    return outcomes


__all__ = ["StressOutcome", "pass_rate", "run_cases"]
