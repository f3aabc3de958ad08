"""PII redaction before any text leaves the machine, with a count of what was masked.

The platform's `shared.privacy.redact_pii` masks e-mails, phone numbers, card-like numbers and
keys; reviews add one more common shape, a name introduced by "my name is" / "I'm called" /
"this is", which is masked here as [NAME]. Counting the placeholders after redaction gives the
run summary its `pii_redacted` numbers; the output file keeps the original text.
"""

from __future__ import annotations

import re
from collections import Counter

from shared.privacy import redact_pii

PLACEHOLDERS = {"[EMAIL]": "email", "[PHONE]": "phone", "[CARD]": "card",
                "[API_KEY]": "api_key", "[TOKEN]": "token", "[NAME]": "name"}
_INTRODUCED_NAME = re.compile(
    r"\b(my name is|my name's|i am called|i'm called|regards,?)\s+"
    r"((?:[A-Z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+){0,2})", re.IGNORECASE)
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


def _mask_name(match: re.Match[str]) -> str:
    name = match.group(2)
    if not name[0].isupper():
        return match.group(0)
    return f"{match.group(1)} [NAME]"


def redact_with_counts(text: str) -> tuple[str, Counter[str]]:
    """The text with PII masked, and how many of each kind were masked in it."""
    before = Counter(m.group(0) for m in _PLACEHOLDER.finditer(text))
    redacted = _INTRODUCED_NAME.sub(_mask_name, redact_pii(text))
    after = Counter(m.group(0) for m in _PLACEHOLDER.finditer(redacted))
    return redacted, Counter({PLACEHOLDERS[k]: n for k, n in (after - before).items()})


__all__ = ["PLACEHOLDERS", "redact_with_counts"]
