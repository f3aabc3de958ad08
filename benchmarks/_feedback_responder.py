"""The "model" for the feedback benchmark: labels every row it is sent, quoting its first words
(`python -m shared.testing.fake_provider --responder benchmarks._feedback_responder:label_rows`)."""

from __future__ import annotations

import json
from typing import Any

from shared.testing.responders import last_user_text


def label_rows(request: dict[str, Any]) -> dict[str, Any]:
    """One valid label per sent row (a list of rows, or one row object for the naive loop)."""
    sent = json.loads(last_user_text(request))
    rows = sent if isinstance(sent, list) else [sent]
    return {"rows": [{"id": row["id"], "sentiment": "negative" if "late" in row["text"]
                      else "positive", "sentiment_score": 0.5, "aspects": [],
                      "reason": " ".join(row["text"].split()[:3])} for row in rows]}
