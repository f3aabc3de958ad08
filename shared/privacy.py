"""Redaction of personal data and secrets from text the kit stores about calls.

Traces keep no prompts or replies, but an error message can echo what it was given (a provider
quoting an invalid input, a key in a URL). `redact_pii` masks the common shapes before such text
is written anywhere persistent. It is pattern-based: it catches e-mail addresses, phone numbers,
card-like digit runs, API keys, bearer tokens and cloud keys (AWS `AKIA…` ids and secrets,
Google `AIza…`, GitHub and Slack tokens), street addresses ("221B Baker Street") and names a
person introduces ("my name is …", "I'm …", "this is …"). A name with no such cue ("Jane
wrote…") is not caught: telling names from other capitalised words needs a model.
"""

from __future__ import annotations

import re

_STREET_TYPES = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
                 r"Place|Pl|Parkway|Pkwy|Terrace|Close|Square|Sq|Highway|Hwy")
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][^\s,.;:!?()\[\]]*"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("\\1[CLOUD_KEY]", re.compile(r"((?i:aws_secret_access_key|secret_access_key)[\"']?"
                                 r"\s*[=:]\s*[\"']?)[A-Za-z0-9/+=]{40}")),
    ("[CLOUD_KEY]", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16,20}\b"
                               r"|\bAIza[0-9A-Za-z_-]{35}"
                               r"|\b(?:gh[pousr]|github_pat)_[A-Za-z0-9_]{20,}"
                               r"|\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("[API_KEY]", re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bsk-ant-[A-Za-z0-9_-]{8,}")),
    ("Bearer [TOKEN]", re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)),
    ("[CARD]", re.compile(r"\b\d(?:[ -]?\d){12,18}\b")),
    ("[ADDRESS]", re.compile(rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?"
                             rf"(?:[A-Z0-9][\w'’-]*\s+){{0,3}}(?:{_STREET_TYPES})\b\.?")),
    ("\\1[NAME]", re.compile(rf"(\b(?i:my name is|i'm|i am|this is|name:)\s+)"
                            rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}")),
)
# A phone number may end a sentence ("…at 415-555-0188."), but "1234.5" is no phone.
_PHONE_CANDIDATE = re.compile(r"(?<![\w.])\+?\(?\d[\d ().-]{6,}\d(?!\w|\.\d)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _mask_phone(match: re.Match[str]) -> str:
    """A run of 9-15 digits with phone punctuation, unless it is a date."""
    candidate = match.group(0)
    digits = sum(char.isdigit() for char in candidate)
    if 9 <= digits <= 15 and not _ISO_DATE.fullmatch(candidate):
        return "[PHONE]"
    return candidate


def redact_pii(text: str) -> str:
    """`text` with e-mails, keys, tokens, card and phone numbers, street addresses and
    introduced names masked."""
    for replacement, pattern in _PATTERNS:
        text = pattern.sub(replacement, text)
    return _PHONE_CANDIDATE.sub(_mask_phone, text)


__all__ = ["redact_pii"]
