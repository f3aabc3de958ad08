"""Batch endpoints of both providers: files, jobs that finish on the second poll, JSONL results."""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.testing import _anthropic_wire, _openai_wire
from shared.testing._common import ChatCall, HttpReply, json_reply, new_id, now

Answer = Callable[[ChatCall], "str | dict[str, Any]"]


class BatchStore:
    """Uploaded files and submitted batches, in memory for the life of one fake server.

    Items are answered at submission (with the same responder, never with faults); the job
    says in_progress on its first poll and completed/ended from the second, so a client's
    polling loop runs at least twice.
    """

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self._lock = threading.Lock()
        self._files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self._jobs: dict[str, dict[str, Any]] = {}
        self._polls: dict[str, int] = {}
        self._results: dict[str, bytes] = {}

    # -- OpenAI files -------------------------------------------------------------
    def upload_file(self, content_type: str, raw: bytes) -> HttpReply:
        """`POST /v1/files` (multipart: `purpose`, `file`)."""
        fields = parse_multipart(content_type, raw)
        if "file" not in fields:
            return _openai_wire.error_reply("400", message="multipart field 'file' is missing")
        filename, content = fields["file"]
        meta = {"id": new_id("file-"), "object": "file", "bytes": len(content),
                "created_at": now(), "filename": filename or "upload.jsonl",
                "purpose": fields.get("purpose", ("", b"batch"))[1].decode(),
                "status": "processed", "expires_at": None, "status_details": None}
        return json_reply(self._store_file(meta, content))

    def _store_file(self, meta: dict[str, Any], content: bytes) -> dict[str, Any]:
        with self._lock:
            self._files[meta["id"]] = (meta, content)
        return meta

    def file_meta(self, file_id: str) -> HttpReply:
        """`GET /v1/files/{id}`."""
        if file_id not in self._files:
            return _openai_wire.error_reply("404", message=f"No such File object: {file_id}")
        return json_reply(self._files[file_id][0])

    def file_content(self, file_id: str) -> HttpReply:
        """`GET /v1/files/{id}/content`: the raw bytes, JSONL for batch output."""
        if file_id not in self._files:
            return _openai_wire.error_reply("404", message=f"No such File object: {file_id}")
        return HttpReply(body=self._files[file_id][1], content_type="application/octet-stream")

    # -- OpenAI batches -----------------------------------------------------------
    def create_openai_batch(self, body: dict[str, Any]) -> HttpReply:
        """`POST /v1/batches`: answer every line of the input file now, reveal later."""
        file_id = body.get("input_file_id", "")
        if file_id not in self._files:
            return _openai_wire.error_reply("404", message=f"No such File object: {file_id}")
        lines = [ln for ln in self._files[file_id][1].decode().splitlines() if ln.strip()]
        outputs = [self._openai_line(line) for line in lines]
        job = {"id": new_id("batch_"), "object": "batch", "endpoint": body.get("endpoint"),
               "errors": None, "input_file_id": file_id,
               "completion_window": body.get("completion_window", "24h"),
               "status": "validating", "output_file_id": None, "error_file_id": None,
               "created_at": now(), "in_progress_at": None, "expires_at": now() + 86400,
               "finalizing_at": None, "completed_at": None, "failed_at": None,
               "expired_at": None, "cancelling_at": None, "cancelled_at": None,
               "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
               "metadata": body.get("metadata")}
        job["_final"] = self._finish_openai(outputs)
        return json_reply(self._register(job))

    def _openai_line(self, line: str) -> dict[str, Any]:
        custom_id = None
        try:
            item = json.loads(line)
            custom_id = item.get("custom_id")
            response = self._openai_item(item)
            return {"id": new_id("batch_req_"), "custom_id": custom_id,
                    "response": response, "error": None}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return {"id": new_id("batch_req_"), "custom_id": custom_id, "response": None,
                    "error": {"code": "invalid_request", "message": f"bad batch line: {exc}"}}

    def _openai_item(self, item: dict[str, Any]) -> dict[str, Any]:
        url, body = item["url"], {**item["body"], "stream": False}
        if url == "/v1/embeddings":
            reply = json.loads(_openai_wire.render_embeddings(body).body)
        elif url == "/v1/chat/completions":
            call = _openai_wire.parse_chat(body)
            text = self._answer(call)
            text = text if isinstance(text, str) else json.dumps(text)
            reply = _openai_wire.completion_body(call, text)
        else:
            raise ValueError(f"url {url!r} is not batchable here")
        return {"status_code": 200, "request_id": new_id("req_"), "body": reply}

    def _finish_openai(self, outputs: list[dict[str, Any]]) -> dict[str, Any]:
        """The job as it looks once completed, with its output (and error) files stored."""
        ok = [o for o in outputs if o["error"] is None]
        bad = [o for o in outputs if o["error"] is not None]
        return {"status": "completed", "in_progress_at": now(), "finalizing_at": now(),
                "completed_at": now(),
                "request_counts": {"total": len(outputs), "completed": len(ok),
                                   "failed": len(bad)},
                "output_file_id": self._jsonl_file(ok, "batch_output.jsonl") if ok else None,
                "error_file_id": self._jsonl_file(bad, "batch_errors.jsonl") if bad else None}

    def _jsonl_file(self, rows: list[dict[str, Any]], filename: str) -> str:
        content = "".join(json.dumps(row) + "\n" for row in rows).encode()
        meta = {"id": new_id("file-"), "object": "file", "bytes": len(content),
                "created_at": now(), "filename": filename, "purpose": "batch_output",
                "status": "processed", "expires_at": None, "status_details": None}
        return self._store_file(meta, content)["id"]

    def get_openai_batch(self, batch_id: str) -> HttpReply:
        """`GET /v1/batches/{id}`: in_progress on the first poll, completed afterwards."""
        job = self._poll(batch_id)
        if job is None:
            return _openai_wire.error_reply("404", message=f"No batch found with id {batch_id}")
        return json_reply(job)

    # -- Anthropic message batches ------------------------------------------------
    def create_anthropic_batch(self, body: dict[str, Any], base_url: str) -> HttpReply:
        """`POST /v1/messages/batches`."""
        requests = body.get("requests") or []
        results = [self._anthropic_item(item) for item in requests]
        succeeded = sum(r["result"]["type"] == "succeeded" for r in results)
        batch_id = new_id("msgbatch_")
        created = datetime.now(UTC)
        job = {"id": batch_id, "type": "message_batch", "processing_status": "in_progress",
               "request_counts": {"processing": len(results), "succeeded": 0, "errored": 0,
                                  "canceled": 0, "expired": 0},
               "ended_at": None, "created_at": _iso(created),
               "expires_at": _iso(created + timedelta(days=1)), "archived_at": None,
               "cancel_initiated_at": None, "results_url": None}
        job["_final"] = {"processing_status": "ended", "ended_at": _iso(datetime.now(UTC)),
                         "results_url": f"{base_url}/v1/messages/batches/{batch_id}/results",
                         "request_counts": {"processing": 0, "succeeded": succeeded,
                                            "errored": len(results) - succeeded,
                                            "canceled": 0, "expired": 0}}
        self._results[batch_id] = "".join(json.dumps(r) + "\n" for r in results).encode()
        return json_reply(self._register(job))

    def _anthropic_item(self, item: dict[str, Any]) -> dict[str, Any]:
        try:
            call = _anthropic_wire.parse_messages({**item["params"], "stream": False})
            message = _anthropic_wire.message_body(call, self._answer(call))
            return {"custom_id": item.get("custom_id"),
                    "result": {"type": "succeeded", "message": message}}
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            error = {"type": "invalid_request_error", "message": f"bad batch request: {exc}"}
            return {"custom_id": item.get("custom_id") if isinstance(item, dict) else None,
                    "result": {"type": "errored", "error": {"type": "error", "error": error}}}

    def get_anthropic_batch(self, batch_id: str) -> HttpReply:
        """`GET /v1/messages/batches/{id}`: in_progress on the first poll, ended afterwards."""
        job = self._poll(batch_id)
        if job is None:
            return _anthropic_wire.error_reply("404", message=f"batch {batch_id} not found")
        return json_reply(job)

    def anthropic_results(self, batch_id: str) -> HttpReply:
        """`GET /v1/messages/batches/{id}/results`: JSONL, one line per request."""
        if batch_id not in self._results:
            return _anthropic_wire.error_reply("404", message=f"batch {batch_id} not found")
        return HttpReply(body=self._results[batch_id], content_type="application/binary")

    # -- shared -------------------------------------------------------------------
    def _register(self, job: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._jobs[job["id"]] = job
            self._polls[job["id"]] = 0
        return _public(job)

    def _poll(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(batch_id)
            if job is None:
                return None
            self._polls[batch_id] += 1
            if self._polls[batch_id] >= 2:
                job.update(job.get("_final", {}))
            elif "status" in job:
                job.update(status="in_progress", in_progress_at=now())
            return _public(job)


def _public(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if not k.startswith("_")}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def parse_multipart(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    """multipart/form-data fields as name -> (filename, bytes), with the stdlib email parser."""
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + raw)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[str(name)] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return fields
