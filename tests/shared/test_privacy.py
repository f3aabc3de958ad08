"""redact_pii masks the shapes it promises to, and leaves ordinary text and numbers alone."""

from __future__ import annotations

import pytest

from shared.privacy import redact_pii


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contact jane.doe+work@example.co.uk now", "Contact [EMAIL] now"),
        ("Incorrect key: sk-proj-abc123DEF456ghi", "Incorrect key: [API_KEY]"),
        ("header Authorization: Bearer eyJhbGciOi.J9xyz", "header Authorization: Bearer [TOKEN]"),
        ("card 4111 1111 1111 1111 declined", "card [CARD] declined"),
        ("call +1 (415) 555-0132 today", "call [PHONE] today"),
        ("call 020 7946 0958 today", "call [PHONE] today"),
    ],
)
def test_masks_personal_data_and_secrets(text: str, expected: str) -> None:
    assert redact_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "rate_limited: retry after 20 s (429)",
        "model gpt-4.1-mini not found",
        "Batch 42 returned 9998 of 10000 results",
        "latency 1234.5 ms on 2026-11-25",
        "version 3.57.0",
    ],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    assert redact_pii(text) == text
