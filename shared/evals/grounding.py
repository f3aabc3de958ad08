"""A simple, explainable check for claims a source text does not support.

Used by the résumé assistant to flag "hallucinated" facts: a tailored résumé or cover
letter claims things ("led a team of 12", "Kubernetes") that should all be traceable to
the candidate's original résumé.

Algorithm, per claim (both sides normalised by `shared.evals.text.normalize_text`):
1. the whole claim appears in the source as a phrase -> supported;
2. otherwise every number in the claim must appear in the source (numbers are where
   invented facts hide: years, team sizes, percentages), and at least `min_overlap` of the
   claim's distinct content words (stopwords removed) must appear somewhere in the source.
A claim with no content words has nothing to check and counts as supported.

Limits: it is bag-of-words, so it cannot see word order or who did what, and negation
only as a word to find ("did not lead" passes if "not" appears anywhere in the source);
paraphrases and synonyms ("managed" vs "led") count as missing words, so it errs towards
flagging. Treat a flag as "a person should look", not a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from shared.evals._common import safe_ratio
from shared.evals.text import content_tokens, normalize_text

DEFAULT_MIN_OVERLAP = 0.8


class ClaimCheck(BaseModel):
    """The verdict on one claim and the evidence behind it."""

    claim: str
    supported: bool
    token_overlap: float
    missing_words: list[str]
    missing_numbers: list[str]


class _Source:
    """The source text normalised once, so checking many claims stays linear."""

    def __init__(self, text: str) -> None:
        self.padded = f" {normalize_text(text)} "
        self.words = set(self.padded.split())


def check_claim(claim: str, source_text: str, *, min_overlap: float = DEFAULT_MIN_OVERLAP
                ) -> ClaimCheck:
    """Check one claim against a source text (see the module docstring for the rule)."""
    return _check(claim, _Source(source_text), min_overlap)


def check_claims(claims: Sequence[str], source_text: str, *,
                 min_overlap: float = DEFAULT_MIN_OVERLAP) -> list[ClaimCheck]:
    """Check each claim against the same source text, in order."""
    source = _Source(source_text)
    return [_check(claim, source, min_overlap) for claim in claims]


def unsupported_claims(claims: Sequence[str], source_text: str, *,
                       min_overlap: float = DEFAULT_MIN_OVERLAP) -> list[str]:
    """The claims (as given) that the source text does not support."""
    return [check.claim for check in check_claims(claims, source_text, min_overlap=min_overlap)
            if not check.supported]


def _check(claim: str, source: _Source, min_overlap: float) -> ClaimCheck:
    if not 0.0 <= min_overlap <= 1.0:
        raise ValueError(f"min_overlap must be between 0 and 1, got {min_overlap}.")
    words = content_tokens(claim)
    missing = [word for word in words if word not in source.words]
    numbers = [word for word in missing if any(char.isdigit() for char in word)]
    overlap = safe_ratio(len(words) - len(missing), len(words)) if words else 1.0
    phrase = normalize_text(claim)
    supported = (bool(phrase) and f" {phrase} " in source.padded) or (
        not numbers and overlap >= min_overlap)
    return ClaimCheck(claim=claim, supported=supported, token_overlap=overlap,
                      missing_words=missing, missing_numbers=numbers)
