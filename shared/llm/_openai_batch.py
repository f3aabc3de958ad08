"""OpenAI Batch API: the cheap path (half price, done within 24 h) for thousands of rows.

submit -> one JSONL file of `/v1/chat/completions` bodies, uploaded with purpose "batch";
poll -> the batch's status and counts; collect -> every submitted `custom_id` comes back,
either as a reply or as the error that item hit. Ids come from the uploaded input file, so a
line the provider dropped is reported ("missing from batch output"), never silently lost.
Id checks and ordering live in `_batch_ids`, shared with the Anthropic batch module; the
request/reply conversions in `_openai_wire` and the error mapping in `_openai_errors`, shared
with the chat backend (which wraps these calls in its SDK error mapping).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import openai

from shared.errors import BadInput, BadModelOutput
from shared.llm._batch_ids import Outcome, account_for_every_id, require_usable_ids
from shared.llm._openai_errors import error_for_status, item_error, whole_batch_error
from shared.llm._openai_wire import chat_body, reply_from_chat_body
from shared.llm.types import BatchJob, BatchRequest

log = logging.getLogger(__name__)

ENDPOINT = "/v1/chat/completions"
STATUS = {  # OpenAI batch status -> BatchJob.status
    "validating": "in_progress", "in_progress": "in_progress", "finalizing": "in_progress",
    "cancelling": "in_progress", "completed": "completed", "failed": "failed",
    "expired": "expired", "cancelled": "cancelled",
}


def batch_line(model: str, request: BatchRequest) -> dict[str, Any]:
    """One JSONL line: exactly the chat-completions body the synchronous path sends."""
    body = chat_body("openai", model, request)
    return {"custom_id": request.custom_id, "method": "POST", "url": ENDPOINT, "body": body}


def job_from_batch(batch: Any, model: str, request_count: int) -> BatchJob:
    """Plain-JSON job state; `counts` uses the same keys for every provider."""
    counts = batch.request_counts
    total = (counts.total if counts and counts.total else 0) or request_count
    done = counts.completed if counts else 0
    failed = counts.failed if counts else 0
    return BatchJob(id=batch.id, provider="openai", model=model,
                    status=STATUS.get(batch.status, "in_progress"), request_count=total,
                    counts={"total": total, "completed": done, "failed": failed,
                            "processing": max(total - done - failed, 0)})


def submit(client: openai.OpenAI, model: str, requests: list[BatchRequest]) -> BatchJob:
    """Upload the JSONL and create the batch; persist the returned job to collect later."""
    require_usable_ids(requests)
    jsonl = "".join(json.dumps(batch_line(model, r)) + "\n" for r in requests)
    upload = client.files.create(file=("aipm-batch.jsonl", jsonl.encode(),
                                       "application/jsonl"), purpose="batch")
    batch = client.batches.create(input_file_id=upload.id, endpoint=ENDPOINT,
                                  completion_window="24h")
    job = job_from_batch(batch, model, len(requests))
    return job.model_copy(update={"custom_ids": [request.custom_id for request in requests]})


def poll(client: openai.OpenAI, job: BatchJob) -> BatchJob:
    """The batch's current status and counts."""
    batch = client.batches.retrieve(job.id)
    fresh = job_from_batch(batch, job.model, job.request_count)
    return fresh.model_copy(update={"custom_ids": job.custom_ids})


def collect(client: openai.OpenAI, job: BatchJob) -> list[tuple[str, Outcome]]:
    """Every submitted item, in submission order, as a reply or as that item's error."""
    batch = client.batches.retrieve(job.id)
    if STATUS.get(batch.status) == "in_progress":
        raise BadInput(f"Batch {job.id} is still {batch.status}; poll it until it "
                       "completes, then collect.")
    expected = [json.loads(line)["custom_id"] for line in file_lines(client, batch.input_file_id)]
    outcomes = outcomes_from_lines(output_lines(client, batch))
    if batch.status == "failed" and not outcomes:
        outcomes = dict.fromkeys(expected, whole_batch_error(batch))
    return account_for_every_id(expected, outcomes)


def output_lines(client: openai.OpenAI, batch: Any) -> Iterator[str]:
    """Answered items (output file), then failed ones (error file)."""
    for file_id in (batch.output_file_id, batch.error_file_id):
        yield from file_lines(client, file_id)


def file_lines(client: openai.OpenAI, file_id: str | None) -> list[str]:
    """A JSONL file's non-blank lines (none when the batch produced no such file)."""
    if not file_id:
        return []
    return [line for line in client.files.content(file_id).text.splitlines() if line.strip()]


def outcomes_from_lines(lines: Iterable[str]) -> dict[str, Outcome]:
    """Each line's outcome by id; a line too corrupt to name its id is skipped, so that id is
    then reported as missing rather than the whole collection failing."""
    outcomes: dict[str, Outcome] = {}
    for line in lines:
        try:
            custom_id, outcome = parse_output_line(line)
        except (ValueError, KeyError, TypeError):
            log.warning("Skipping a batch output line that names no custom_id: %.200s", line)
            continue
        outcomes[custom_id] = outcome
    return outcomes


def parse_output_line(line: str) -> tuple[str, Outcome]:
    """One output or error line as (custom_id, reply or error); a bad body fails only its row."""
    record = json.loads(line)
    custom_id = str(record["custom_id"])
    try:
        return custom_id, outcome_of_record(record)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return custom_id, BadModelOutput("This item's batch output is not in OpenAI's format; "
                                         "submit it again.", raw_text=line[:2000])


def outcome_of_record(record: dict[str, Any]) -> Outcome:
    """An item's error (`error` set or a non-200 status) or its chat-completion reply."""
    if record.get("error"):
        return item_error(record["error"])
    response = record.get("response") or {}
    body = response.get("body") or {}
    if response.get("status_code") != 200:
        detail = (body.get("error") or {}).get("message", "no detail")
        return error_for_status(response.get("status_code"), detail)
    return reply_from_chat_body(body)


__all__ = ["batch_line", "collect", "outcomes_from_lines", "parse_output_line", "poll",
           "reply_from_chat_body", "submit", "whole_batch_error"]
