"""The stress-test contract: what one adversarial case run against a product reports.

Each product ships `products/<name>/stress.py` with `run_stress(settings) -> list[StressOutcome]`,
its own pack of adversarial cases run through its current engine; `aipm stress PRODUCT` runs it
and writes `evals/stress.md`. The type lives here so every product reports the same shape.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


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


__all__ = ["StressOutcome", "pass_rate"]
