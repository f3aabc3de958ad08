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
        ("or +1 415 555 0134. Her backup", "or [PHONE]. Her backup"),
        ("reachable at 415-555-0188.", "reachable at [PHONE]."),
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi, my name is Jane Doe and I need help", "Hi, my name is [NAME] and I need help"),
        ("I'm Priya Raman, the account owner", "I'm [NAME], the account owner"),
        ("i am Tomás Ortega.", "i am [NAME]."),
        ("Signed, this is Kofi", "Signed, this is [NAME]"),
        ("ship to 221B Baker Street, London", "ship to [ADDRESS], London"),
        ("lives at 1600 Amphitheatre Pkwy now", "lives at [ADDRESS] now"),
        ("office: 42 W 31st St. suite 5", "office: [ADDRESS] suite 5"),
        ("AWS key AKIAIOSFODNN7EXAMPLE leaked", "AWS key [CLOUD_KEY] leaked"),
        ("temp ASIAJEXAMPLEXEG2JICEA creds", "temp [CLOUD_KEY] creds"),
        ("google AIzaSyA-1234567890abcdefghijklmnopqrstu ok", "google [CLOUD_KEY] ok"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token [CLOUD_KEY]"),
        ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
         "aws_secret_access_key=[CLOUD_KEY]"),
    ],
)
def test_masks_names_street_addresses_and_cloud_keys(text: str, expected: str) -> None:
    assert redact_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry, the request failed",
        "this is a timeout after 30 s",
        "retry 3 times on 500 errors",
        "model claude-haiku-4-5 is overloaded",
    ],
)
def test_name_and_address_rules_leave_ordinary_errors_alone(text: str) -> None:
    assert redact_pii(text) == text
