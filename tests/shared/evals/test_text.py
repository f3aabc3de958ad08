"""Normalisation: the differences that must not count as misses, and the ones that must."""

from __future__ import annotations

import pytest

from shared.evals.text import contains_phrase, content_tokens, normalize_text, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Refunds   take 30\tDAYS. ", "refunds take 30 days"),
        ("“Don’t” — stop", "dont stop"),
        ("Plan costs $1,000,000", "plan costs 1000000"),
        ("2.50 vs 3.0 vs 10.05", "2.5 vs 3 vs 10.05"),
        ("ＡＢＣ\u00a0x", "abc x"),  # full-width letters, non-breaking space (NFKC)
        ("Mon–Fri, 9‑5", "mon fri 9 5"),  # en dash, non-breaking hyphen
        ("snake_case end.", "snake case end"),
        ("12,34 is not a thousands group", "12 34 is not a thousands group"),
        ("version 1.20.3", "version 1.20.3"),  # not a decimal: left alone
        ("!!!", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_tokens_and_content_tokens() -> None:
    assert tokens("") == []
    assert tokens("The API, the api!") == ["the", "api", "the", "api"]
    assert content_tokens("The API is not the API") == ["api", "not"]


def test_contains_phrase_matches_whole_tokens_only() -> None:
    assert contains_phrase("Refunds take 1000 days.", "1,000 days")
    assert contains_phrase("Go to Settings › Billing", "settings billing")
    assert not contains_phrase("We have 100 seats", "10")
    assert not contains_phrase("anything", "?!")
