"""Review words VADER's general-purpose lexicon scores as neutral (or misses): "late", "broke",
"crashes", "flimsy", "overpriced", "intuitive", "sturdy"... Valences on VADER's -4..4 scale,
written for the kit from common complaint and praise vocabulary of product reviews.

Added to a separate analyzer instance (the shared one stays raw VADER for the comparison).
Measured on the golden set in DECISIONS.md; edit freely, then rerun `aipm eval feedback`.
"""

from __future__ import annotations

REVIEW_LEXICON: dict[str, float] = {
    # complaints
    "late": -1.5, "broke": -2.0, "broken": -2.0, "crash": -2.0, "crashes": -2.0,
    "crashed": -2.0, "freeze": -1.8, "freezes": -1.8, "leak": -1.5, "leaks": -1.8,
    "lags": -1.5, "laggy": -1.8, "slow": -1.3, "buggy": -2.0, "glitch": -1.5, "flimsy": -1.8,
    "overpriced": -2.0, "pricey": -1.0, "refund": -0.8, "returned": -1.2, "waste": -2.2,
    "useless": -2.2, "rude": -2.3, "cracked": -1.8, "crushed": -1.8, "scratched": -1.5,
    "missing": -1.2, "drains": -1.5, "lost": -1.5, "stopped": -1.0, "fails": -2.0,
    "failing": -2.0, "error": -1.5, "errors": -1.5, "charged": -0.8, "locked": -1.2,
    "ages": -0.8,
    # praise
    "intuitive": 1.8, "sturdy": 1.8, "snappy": 1.5, "fast": 1.2, "quick": 1.0, "quickly": 1.0,
    "reliable": 1.8, "smoothly": 1.5, "seamless": 1.8, "early": 1.0, "solid": 1.5,
    "affordable": 1.5, "outstanding": 2.5,
    # 2026-12-02, for exports without stars: complaint and praise words of app, shop and support
    # feedback that VADER lacks; each weight copies a VADER word of the same strength
    # ("nightmare" as "terrible" -2.1, "glitchy" as "buggy", "polite" as "kind" 1.5...).
    "nightmare": -2.1, "glitchy": -1.8, "unusable": -2.5, "unresponsive": -1.8,
    "clunky": -1.5, "overcharged": -2.0, "ripoff": -2.5, "hassle": -1.5, "bug": -1.2,
    "bugs": -1.2, "outage": -1.5, "outages": -1.5, "snapped": -1.5, "frayed": -1.3,
    "expire": -0.8, "expired": -0.8, "filthy": -2.0,
    "unreliable": -1.8, "refunds": -0.8,
    "polite": 1.5, "exceeded": 1.8, "saves": 1.2, "effortless": 1.8,
    "spotless": 1.8,
}

__all__ = ["REVIEW_LEXICON"]
