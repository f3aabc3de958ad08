"""Routes one HTTP request to the right wire handler, applying latency and faults on the way."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.testing import _anthropic_wire, _openai_wire
from shared.testing._batches import BatchStore
from shared.testing._common import ChatCall, HttpReply, Responder, malform, truncate
from shared.testing._faults import ERROR_FAULT_KINDS, RETRY_AFTER_HEADERS, FaultPlan

log = logging.getLogger("shared.testing.fake_provider")

MODEL_IDS = ["gpt-4.1-mini", "gpt-4o-mini", "text-embedding-3-small",
             "claude-haiku-4-5", "claude-sonnet-4-5"]


@dataclass
class Incoming:
    """One parsed HTTP request, as the route handlers see it."""

    provider: str
    path: str
    headers: dict[str, str]
    raw: bytes
    base_url: str
    arg: str = ""  # the id captured from the path, if any
    body: dict[str, Any] = field(default_factory=dict)


class Router:
    """The fake server's brain: routing table, request log, faults, responder and batch store."""

    def __init__(self, responder: Responder, faults: FaultPlan, *, latency_ms: float,
                 hang_s: float, stopping: threading.Event) -> None:
        self.responder, self.faults = responder, faults
        self.latency_s, self.hang_s, self._stopping = latency_ms / 1000, hang_s, stopping
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.batches = BatchStore(self._answer)
        b = self.batches
        self._routes: list[tuple[str, re.Pattern[str], str, Callable[[Incoming], HttpReply]]] = [
            ("POST", re.compile(r"/v1/chat/completions"), "openai", self._chat),
            ("POST", re.compile(r"/v1/embeddings"), "openai", self._embeddings),
            ("POST", re.compile(r"/v1/messages"), "anthropic", self._messages),
            ("GET", re.compile(r"/v1/models"), "either", self._models),
            ("POST", re.compile(r"/v1/files"), "openai",
             lambda r: b.upload_file(r.headers.get("content-type", ""), r.raw)),
            ("GET", re.compile(r"/v1/files/([\w-]+)"), "openai", lambda r: b.file_meta(r.arg)),
            ("GET", re.compile(r"/v1/files/([\w-]+)/content"), "openai",
             lambda r: b.file_content(r.arg)),
            ("POST", re.compile(r"/v1/batches"), "openai",
             lambda r: b.create_openai_batch(r.body)),
            ("GET", re.compile(r"/v1/batches/([\w-]+)"), "openai",
             lambda r: b.get_openai_batch(r.arg)),
            ("POST", re.compile(r"/v1/messages/batches"), "anthropic",
             lambda r: b.create_anthropic_batch(r.body, r.base_url)),
            ("GET", re.compile(r"/v1/messages/batches/([\w-]+)"), "anthropic",
             lambda r: b.get_anthropic_batch(r.arg)),
            ("GET", re.compile(r"/v1/messages/batches/([\w-]+)/results"), "anthropic",
             lambda r: b.anthropic_results(r.arg)),
        ]

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes,
               base_url: str) -> HttpReply:
        """Answer one request; never raises (a broken responder becomes a provider 500)."""
        for verb, pattern, provider, handler in self._routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                if provider == "either":
                    provider = "anthropic" if "anthropic-version" in headers else "openai"
                incoming = Incoming(provider, path, headers, raw, base_url,
                                    match.group(1) if match.groups() else "")
                return self._run(incoming, handler)
        message = (f"Unknown request URL: {method} {path}. OpenAI clients need a base_url "
                   "ending in /v1; Anthropic clients need the bare server URL.")
        return _wire_for(headers).error_reply("404", message=message)

    def _run(self, incoming: Incoming, handler: Callable[[Incoming], HttpReply]) -> HttpReply:
        wire = _anthropic_wire if incoming.provider == "anthropic" else _openai_wire
        if incoming.raw and "json" in incoming.headers.get("content-type", "json"):
            try:
                incoming.body = _openai_wire.parse_json_body(incoming.raw)
            except ValueError as exc:
                return wire.error_reply("400", message=f"Invalid JSON body: {exc}")
        self._record(incoming)
        if self.latency_s:
            self._stopping.wait(self.latency_s)
        try:
            return handler(incoming)
        except Exception as exc:  # a test's responder bug must reach the test, not kill the thread
            log.exception("fake provider failed on %s", incoming.path)
            return wire.error_reply("500", message=f"fake provider responder failed: {exc!r}")

    def recorded(self) -> list[dict[str, Any]]:
        """A snapshot of the request log, safe to read while requests keep arriving."""
        with self._lock:
            return list(self.requests)

    def _record(self, incoming: Incoming) -> None:
        body = incoming.body
        if "multipart" in incoming.headers.get("content-type", ""):
            body = {"multipart_bytes": len(incoming.raw)}
        entry = {"provider": incoming.provider, "path": incoming.path,
                 "model": body.get("model"), "body": body}
        with self._lock:
            self.requests.append(entry)

    # -- model calls: these are where faults land -----------------------------------
    def _chat(self, incoming: Incoming) -> HttpReply:
        call = _openai_wire.parse_chat(incoming.body)
        return self._faulty(_openai_wire, call, _openai_wire.render_chat)

    def _messages(self, incoming: Incoming) -> HttpReply:
        call = _anthropic_wire.parse_messages(incoming.body)
        return self._faulty(_anthropic_wire, call, _anthropic_wire.render_messages)

    def _faulty(self, wire: Any, call: ChatCall,
                render: Callable[[ChatCall, Any], HttpReply]) -> HttpReply:
        fault = self._take_fault()
        model = call.request["model"]
        if fault in ERROR_FAULT_KINDS:
            return wire.error_reply(fault, model, RETRY_AFTER_HEADERS if fault == "429" else None)
        answer = self._answer(call)
        if fault == "malformed":
            answer = malform(answer, structured=call.request["json_schema"] is not None)
        reply = render(call, answer)
        return truncate(reply) if fault == "truncated" else reply

    def _embeddings(self, incoming: Incoming) -> HttpReply:
        body = incoming.body
        fault = self._take_fault()
        if fault in ERROR_FAULT_KINDS:
            headers = RETRY_AFTER_HEADERS if fault == "429" else None
            return _openai_wire.error_reply(fault, body.get("model", ""), headers)
        reply = _openai_wire.render_embeddings(body, drop_last=fault == "malformed")
        return truncate(reply) if fault == "truncated" else reply

    def _models(self, incoming: Incoming) -> HttpReply:
        wire = _wire_for(incoming.headers)
        fault = self._take_fault()
        if fault in ERROR_FAULT_KINDS:
            return wire.error_reply(fault, "", RETRY_AFTER_HEADERS if fault == "429" else None)
        return wire.models_list(MODEL_IDS)

    def _take_fault(self) -> str | None:
        """Draw the fault for this call; a hang is served here, off every other thread's path."""
        fault = self.faults.next_fault()
        if fault == "hang":
            self._stopping.wait(self.hang_s)
        return fault

    def _answer(self, call: ChatCall) -> str | dict[str, Any]:
        answer = self.responder(call.request)
        if not isinstance(answer, str | dict):
            raise TypeError(f"responder returned {type(answer).__name__}; return str or dict")
        return answer


def _wire_for(headers: dict[str, str]) -> Any:
    """Anthropic's SDK always sends `anthropic-version`; anything else speaks OpenAI."""
    return _anthropic_wire if "anthropic-version" in headers else _openai_wire
