"""Feedback analyzer tests run on the wordllama embedder the kit is calibrated for."""

from __future__ import annotations

from pathlib import Path

import pytest

import products

SAMPLE = Path(products.__file__).resolve().parent / "feedback_analyzer" / "data" / "reviews.csv"


@pytest.fixture(autouse=True)
def _wordllama(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_EMBEDDER", "wordllama")


@pytest.fixture
def sample_csv() -> Path:
    return SAMPLE
