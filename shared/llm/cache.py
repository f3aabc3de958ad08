"""An opt-in on-disk response cache, so re-running an eval or a demo does not pay twice.

Opt-in per call (`cache=True`) because a cache silently changes behaviour: a temperature > 0
call that is cached stops varying; `AIPM_CACHE=off` switches it off for every call. The key
covers everything that shapes the answer (provider, model, messages, system prompt,
parameters, schema), hashed from canonical JSON.
Unlike traces, this file does hold replies: it is written 0600 in the data dir, kept until
deleted (`make clean` removes it), and README.md says so under "What the kit stores".
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shared._private import private_file
from shared.config import Settings
from shared.llm._recording import CallRecorder, elapsed_ms
from shared.llm._request import ChatRequest
from shared.llm._structured import InvalidReply, parse_reply
from shared.llm.types import LLMResult, RawReply

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    result TEXT NOT NULL
)
"""


def cache_key(**parts: Any) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces) of everything that shapes a reply."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """key -> LLMResult in one SQLite file; one connection, guarded for thread use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        private_file(self.path)  # it holds replies: owner-only
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)

    def get(self, key: str) -> LLMResult | None:
        """The stored result, or None on a miss."""
        with self._lock:
            row = self._conn.execute(
                "SELECT result FROM responses WHERE key = ?", (key,)).fetchone()
        return LLMResult.model_validate_json(row[0]) if row else None

    def put(self, key: str, result: LLMResult) -> None:
        """Store (or replace) the result for `key`."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses (key, created, result) VALUES (?, ?, ?)",
                (key, created, result.model_dump_json()))

    def close(self) -> None:
        """Release the file handle (tests and long-lived servers call this)."""
        with self._lock:
            self._conn.close()


class ClientCache:
    """One client's view of the cache: lazily opened, keyed by its provider and model, and
    never fatal (an unreadable cache means calling the provider, with a warning)."""

    def __init__(self, settings: Settings, provider: str, model: str,
                 recorder: CallRecorder | None = None) -> None:
        self._settings = settings
        self._provider = provider
        self._model = model
        self._recorder = recorder  # traces cache hits, when given
        self._cache: ResponseCache | None = None

    @property
    def enabled(self) -> bool:
        """False when AIPM_CACHE=off: nothing is read from or written to the cache file."""
        return self._settings.cache != "off"

    def lookup(self, key: str | None, operation: str,
               schema: type[BaseModel] | None) -> LLMResult | None:
        """`get` for a call that asked for caching (`key` set), tracing a hit as a cache hit."""
        hit = self.get(key, schema) if key and self.enabled else None
        if hit is not None and self._recorder is not None:
            self._recorder.ok(operation, hit)
        return hit

    def store(self, key: str | None, result: LLMResult) -> LLMResult:
        """`put` when the call asked for caching; returns `result` either way."""
        if key is not None and self.enabled:
            self.put(key, result)
        return result

    def key(self, request: ChatRequest) -> str:
        """The cache key of a request sent through this client."""
        return cache_key(provider=self._provider, model=self._model,
                         messages=[m.model_dump() for m in request.messages],
                         system=request.system, schema=request.json_schema,
                         params={"max_tokens": request.max_tokens,
                                 "temperature": request.temperature,
                                 "schema_name": request.schema_name})

    def get(self, key: str, schema: type[BaseModel] | None = None) -> LLMResult | None:
        """The stored result marked `cached` (cost 0: nothing is billed), re-parsed into
        `schema`; None on a miss, an unreadable cache, or a reply the schema now rejects."""
        started = time.perf_counter()
        try:
            stored = self._open().get(key)
        except (sqlite3.Error, OSError, ValueError) as err:
            log.warning("Response cache unreadable (%s); calling the provider instead.", err)
            return None
        if stored is None:
            return None
        hit = stored.model_copy(update={"cached": True, "cost_usd": 0.0})
        if schema is not None:
            try:
                hit.parsed = parse_reply(RawReply(text=hit.text, model=hit.model), schema)
            except InvalidReply:
                return None  # the schema's validators changed since it was stored; ask again
        hit.latency_ms = elapsed_ms(started)
        return hit

    def put(self, key: str, result: LLMResult) -> None:
        """Store a result (without `.parsed`: it is rebuilt from the text on a hit)."""
        try:
            self._open().put(key, result.model_copy(update={"parsed": None}))
        except (sqlite3.Error, OSError) as err:
            log.warning("Could not write the response cache (%s); result not cached.", err)

    def _open(self) -> ResponseCache:
        if self._cache is None:
            self._cache = ResponseCache(self._settings.data_path("cache", "llm.sqlite"))
        return self._cache


__all__ = ["ClientCache", "ResponseCache", "cache_key"]
