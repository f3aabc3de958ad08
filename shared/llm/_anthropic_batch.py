"""Anthropic Message Batches: the cheap path (half price, done within 24 h) for thousands of rows.

Each item's `params` is exactly the body the synchronous path sends (`message_params`), so a
structured item uses the same forced tool call. Results come back in any order, one line per
request (succeeded, errored, canceled or expired); every line becomes a reply or an error for
its `custom_id`, and a result set shorter than the batch is an error, never a silent loss.
"""

from __future__ import annotations

from typing import Any

import anthropic

from shared.errors import AIPMError, BadInput, ProviderUnreachable
from shared.llm._anthropic_errors import item_error
from shared.llm._anthropic_wire import message_params, reply_from_message
from shared.llm._batch_ids import Outcome, account_for_every_id, require_usable_ids
from shared.llm.types import BatchJob, BatchRequest

CUSTOM_ID_PATTERN = r"[a-zA-Z0-9_-]{1,64}"  # what the Message Batches API accepts


def batch_item(model: str, request: BatchRequest) -> dict[str, Any]:
    """One batch entry: the caller's id and the same params a single call would send."""
    return {"custom_id": request.custom_id, "params": message_params(model, request)}


def batch_status(batch: Any) -> str:
    """`ended` is completed when anything ran; otherwise the whole batch was cancelled/expired."""
    if batch.processing_status != "ended":
        return "in_progress"
    counts = batch.request_counts
    if counts.succeeded + counts.errored > 0:
        return "completed"
    return "cancelled" if counts.canceled >= counts.expired else "expired"


def job_from_batch(batch: Any, model: str) -> BatchJob:
    """Plain-JSON job state with the same `counts` keys the OpenAI batch uses."""
    counts = batch.request_counts
    failed = counts.errored + counts.canceled + counts.expired
    total = counts.processing + counts.succeeded + failed
    return BatchJob(id=batch.id, provider="anthropic", model=model, status=batch_status(batch),
                    request_count=total,
                    counts={"total": total, "completed": counts.succeeded, "failed": failed,
                            "processing": counts.processing})


def submit(client: anthropic.Anthropic, model: str, requests: list[BatchRequest]) -> BatchJob:
    """Create the Message Batch; persist the returned job to collect later."""
    require_usable_ids(requests, CUSTOM_ID_PATTERN)
    batch = client.messages.batches.create(requests=[batch_item(model, r) for r in requests])
    job = job_from_batch(batch, model)
    return job.model_copy(update={"custom_ids": [request.custom_id for request in requests]})


def poll(client: anthropic.Anthropic, job: BatchJob) -> BatchJob:
    """The batch's current status and counts."""
    fresh = job_from_batch(client.messages.batches.retrieve(job.id), job.model)
    return fresh.model_copy(update={"custom_ids": job.custom_ids})


def collect(client: anthropic.Anthropic, job: BatchJob) -> list[tuple[str, Outcome]]:
    """Every item of an ended batch as (custom_id, reply or error)."""
    batch = client.messages.batches.retrieve(job.id)
    if batch.processing_status != "ended":
        raise BadInput(f"Batch {job.id} is still {batch.processing_status} "
                       f"({batch.request_counts.processing} items pending); poll it until it "
                       "completes, then collect.")
    outcomes = [(entry.custom_id, outcome_of(entry.result))
                for entry in client.messages.batches.results(job.id)]
    if job.custom_ids:
        return account_for_every_id(job.custom_ids, dict(outcomes))
    if len(outcomes) < job.request_count:
        raise ProviderUnreachable(f"Batch {job.id} returned {len(outcomes)} of "
                                  f"{job.request_count} results; collect it again.")
    return outcomes


def outcome_of(result: Any) -> Outcome:
    """One result line: the reply, or an error saying why this item has none."""
    if result.type == "succeeded":
        return reply_from_message(result.message)
    if result.type == "errored":
        return item_error(result.error)
    if result.type == "canceled":
        return AIPMError("This item was cancelled before it ran; submit it again.")
    return AIPMError("This item expired: the batch did not reach it within 24 hours; "
                     "submit it again.")


__all__ = ["batch_item", "collect", "job_from_batch", "outcome_of", "poll", "submit"]
