"""The stress-outcome contract every product's `run_stress` returns."""

from __future__ import annotations

from shared.evals.stress import StressOutcome, pass_rate


def outcome(passed: bool) -> StressOutcome:
    return StressOutcome(failure_mode="prompt injection", case="reworded", passed=passed,
                         expected="quarantined", observed="quarantined" if passed else "obeyed")


def test_pass_rate_counts_held_cases_and_an_empty_pack_proves_nothing() -> None:
    assert pass_rate([outcome(True), outcome(False), outcome(True), outcome(True)]) == 0.75
    assert pass_rate([]) == 0.0
