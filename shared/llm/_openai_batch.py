"""OpenAI Batch API: the cheap path (half price, done within 24 h) for thousands of rows.

submit -> one JSONL file of `/v1/chat/completions` bodies, uploaded with purpose "batch";
poll -> the batch's status and counts; collect -> every submitted `custom_id` comes back,
either as a reply or as the error that item hit. Ids come from the uploaded input file, so a
line the provider dropped is reported ("missing from batch output"), never silently lost.
Id checks and ordering live in `_batch_ids`, shared with the Anthropic batch module.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import openai

from shared.errors import (
    AIPMError,
    BadInput,
    BadKey,
    BadModelOutput,
    ModelNotFound,
    ProviderUnreachable,
    RateLimited,
)
from shared.llm._batch_ids import Outcome, account_for_every_id, require_usable_ids
from shared.llm._errors import openai_error_to_kit
from shared.llm._openai import chat_params
from shared.llm.types import BatchJob, BatchRequest, RawReply, stop_reason_of

log = logging.getLogger(__name__)

ENDPOINT = "/v1/chat/completions"
STATUS = {  # OpenAI batch status -> BatchJob.status
    "validating": "in_progress", "in_progress": "in_progress", "finalizing": "in_progress",
    "cancelling": "in_progress", "completed": "completed", "failed": "failed",
    "expired": "expired", "cancelled": "cancelled",
}


def error_for_status(status: int | None, detail: str) -> AIPMError:
    """An item's HTTP status inside a batch as the typed error for that one row."""
    text = f"OpenAI could not process this item ({status}: {detail})."
    if status in (401, 403):
        return BadKey(f"{text} Check OPENAI_API_KEY in .env or run `aipm doctor`.")
    if status == 404:
        return ModelNotFound(f"{text} Set AIPM_MODEL to a model your account can use.")
    if status == 429:
        return RateLimited(f"{text} Submit the item again later.")
    if status is not None and 400 <= status < 500:
        return BadInput(f"{text} Fix the row and submit it again.")
    return ProviderUnreachable(f"{text} Submit the item again.")


def batch_line(model: str, request: BatchRequest) -> dict[str, Any]:
    """One JSONL line: exactly the chat-completions body the synchronous path sends."""
    body = chat_params("openai", model, request.messages, **request.options())
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
    with openai_errors(model):
        upload = client.files.create(file=("aipm-batch.jsonl", jsonl.encode(),
                                           "application/jsonl"), purpose="batch")
        batch = client.batches.create(input_file_id=upload.id, endpoint=ENDPOINT,
                                      completion_window="24h")
    job = job_from_batch(batch, model, len(requests))
    return job.model_copy(update={"custom_ids": [request.custom_id for request in requests]})


def poll(client: openai.OpenAI, job: BatchJob) -> BatchJob:
    """The batch's current status and counts."""
    with openai_errors(job.model):
        batch = client.batches.retrieve(job.id)
    fresh = job_from_batch(batch, job.model, job.request_count)
    return fresh.model_copy(update={"custom_ids": job.custom_ids})


def collect(client: openai.OpenAI, job: BatchJob) -> list[tuple[str, Outcome]]:
    """Every submitted item, in submission order, as a reply or as that item's error."""
    with openai_errors(job.model):
        batch = client.batches.retrieve(job.id)
        if STATUS.get(batch.status) == "in_progress":
            raise BadInput(f"Batch {job.id} is still {batch.status}; poll it until it "
                           "completes, then collect.")
        expected = [json.loads(line)["custom_id"]
                    for line in file_lines(client, batch.input_file_id)]
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
        error = record["error"]
        return AIPMError(f"OpenAI did not run this item ({error.get('code')}: "
                         f"{error.get('message')}); submit it again.")
    response = record.get("response") or {}
    body = response.get("body") or {}
    if response.get("status_code") != 200:
        detail = (body.get("error") or {}).get("message", "no detail")
        return error_for_status(response.get("status_code"), detail)
    return reply_from_chat_body(body)


def reply_from_chat_body(body: dict[str, Any]) -> Outcome:
    """A chat-completion body as a RawReply; a JSON object answer is also parsed."""
    choices = body.get("choices") or []
    message = choices[0].get("message") or {} if choices else {}
    if message.get("refusal"):
        return BadModelOutput(f"The model refused this item: {message['refusal']}",
                              raw_text=message["refusal"])
    if not isinstance(message.get("content"), str):
        return BadModelOutput("The batch reply for this item has no text; submit it again.")
    usage = body.get("usage") or {}
    return RawReply(text=message["content"], model=body.get("model", ""),
                    input_tokens=usage.get("prompt_tokens") or 0,
                    output_tokens=usage.get("completion_tokens") or 0,
                    structured=json_object(message["content"]),
                    stop_reason=stop_reason_of(choices[0].get("finish_reason")))


def json_object(text: str) -> dict[str, Any] | None:
    """The text as a JSON object, or None: the client validates (and repairs) either way."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def whole_batch_error(batch: Any) -> AIPMError:
    """OpenAI rejected the file itself (validation): every item carries the reason."""
    errors = (batch.errors.data or []) if batch.errors else []
    reasons = "; ".join(f"line {e.line}: {e.message}" if e.line else str(e.message)
                        for e in errors[:3]) or "no reason given"
    return BadInput(f"OpenAI rejected the whole batch ({reasons}). Fix those rows and submit "
                    "the batch again.")


@contextmanager
def openai_errors(model: str) -> Iterator[None]:
    """SDK exceptions -> kit errors, using the OpenAI backend's own mapping."""
    try:
        yield
    except openai.OpenAIError as err:
        raise openai_error_to_kit(err, "openai", model) from err


__all__ = ["batch_line", "collect", "outcomes_from_lines", "parse_output_line", "poll",
           "submit"]
