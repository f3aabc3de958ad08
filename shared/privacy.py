"""Redaction of personal data and secrets from text the kit stores about calls.

Traces keep no prompts or replies, but an error message can echo what it was given (a provider
quoting an invalid input, a key in a URL). `redact_pii` masks the common shapes before such text
is written anywhere persistent. It is pattern-based: it catches e-mail addresses, phone numbers,
card-like digit runs, API keys and bearer tokens, not names or street addresses.
"""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[API_KEY]", re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bsk-ant-[A-Za-z0-9_-]{8,}")),
    ("Bearer [TOKEN]", re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)),
    ("[CARD]", re.compile(r"\b\d(?:[ -]?\d){12,18}\b")),
)
_PHONE_CANDIDATE = re.compile(r"(?<![\w.])\+?\(?\d[\d ().-]{6,}\d(?![\w.])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _mask_phone(match: re.Match[str]) -> str:
    """A run of 9-15 digits with phone punctuation, unless it is a date."""
    candidate = match.group(0)
    digits = sum(char.isdigit() for char in candidate)
    if 9 <= digits <= 15 and not _ISO_DATE.fullmatch(candidate):
        return "[PHONE]"
    return candidate


def redact_pii(text: str) -> str:
    """`text` with e-mails, keys, bearer tokens, card numbers and phone numbers masked."""
    for replacement, pattern in _PATTERNS:
        text = pattern.sub(replacement, text)
    return _PHONE_CANDIDATE.sub(_mask_phone, text)


__all__ = ["redact_pii"]
