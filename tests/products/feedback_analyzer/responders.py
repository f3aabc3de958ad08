"""Responders playing the model for the LLM engine: honest, and ones that drop, duplicate or
invent row ids, or answer garbage (first on every request, or only on the first attempt)."""

from __future__ import annotations

import json
import threading
from typing import Any

from shared.testing.responders import last_user_text


def rows_in(request: dict[str, Any]) -> list[dict[str, str]]:
    return json.loads(last_user_text(request))


def label(row: dict[str, str]) -> dict[str, Any]:
    """An honest, deterministic label: quoted reason, a sentiment from a few words."""
    text = row["text"]
    negative = any(w in text.lower() for w in ("late", "crash", "broke", "refund", "never"))
    return {"id": row["id"], "sentiment": "negative" if negative else "positive",
            "sentiment_score": -0.6 if negative else 0.6,
            "aspects": ["delivery"] if "deliver" in text.lower() else [],
            "reason": " ".join(text.split()[:3])}


def honest(request: dict[str, Any]) -> dict[str, Any]:
    """Labels rows; names themes by their first keyword; writes claims quoting a theme quote."""
    properties = (request.get("json_schema") or {}).get("properties", {})
    if "themes" in properties:
        return {"themes": [{"theme_id": t["theme_id"], "name": f"About {t['keywords'][0]}"}
                           for t in json.loads(last_user_text(request))]}
    if "claims" in properties:
        themes = json.loads(last_user_text(request))["themes"]
        return {"claims": [{"text": f"Customers say \"{t['quotes'][0]['text']}\"",
                            "row_ids": [t["quotes"][0]["row_id"]]} for t in themes[:3]]
                + [{"text": "Everyone loves the new pricing", "row_ids": ["nope"]}]}
    return {"rows": [label(row) for row in rows_in(request)]}


def drops_last(request: dict[str, Any]) -> dict[str, Any]:
    return {"rows": [label(row) for row in rows_in(request)[:-1]]}


def duplicates_first(request: dict[str, Any]) -> dict[str, Any]:
    rows = [label(row) for row in rows_in(request)]
    return {"rows": [rows[0], *rows]}


def invents_ids(request: dict[str, Any]) -> dict[str, Any]:
    """Answers every row under a shifted id (r1's labels under r2...): all must be rejected or
    land on the right row, never shifted."""
    rows = rows_in(request)
    return {"rows": [{**label(row), "id": f"r{int(row['id'][1:]) + 100}"} for row in rows]}


def garbage(request: dict[str, Any]) -> str:
    return "I'd rather write a poem about these reviews."


def first_attempt(bad: Any) -> Any:
    """Misbehave on a request whose rows were all never sent before, then answer honestly
    (a retry carries rows that were sent once already)."""
    seen: set[str] = set()
    lock = threading.Lock()

    def respond(request: dict[str, Any]) -> Any:
        texts = {row["text"] for row in rows_in(request)}
        with lock:
            fresh = not texts & seen
            seen.update(texts)
        return bad(request) if fresh else honest(request)

    return respond
