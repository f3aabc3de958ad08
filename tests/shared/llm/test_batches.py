"""Provider batches for both wire formats: real SDKs against the fake provider, plus the parsers
on hand-written lines in the providers' documented output shapes (shapes the fake never emits)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse
from pydantic import BaseModel

from shared.config import load_settings
from shared.errors import AIPMError, BadInput, BadModelOutput, ProviderUnreachable, RateLimited
from shared.llm import _anthropic_batch, _batch_ids, _openai_batch, get_llm
from shared.llm._openai_errors import whole_batch_error
from shared.llm.registry import build_backend
from shared.llm.types import BatchBackend, BatchJob, BatchRequest, Message, RawReply
from shared.testing.fake_provider import FakeProvider

SCHEMA = {"type": "object", "title": "Theme",
          "properties": {"theme": {"type": "string"}}, "required": ["theme"]}
POISON = "this row makes the provider fail"


def responder(request: dict[str, Any]) -> str | dict[str, Any]:
    """Echoes plain prompts, answers schemas with an object, and fails one poisoned row."""
    prompt = request["messages"][-1]["content"]
    if prompt == POISON:
        raise ValueError("cannot process this row")
    if request["json_schema"] is not None:
        return {"theme": f"theme of {prompt}"}
    return f"summary of {prompt}"


def rows(count: int, structured_every: int = 2) -> list[BatchRequest]:
    """Rows `row-0..`; every other one asks for a structured Theme."""
    return [BatchRequest(custom_id=f"row-{i}", system="Summarise feedback.",
                         messages=[Message(role="user", content=f"feedback {i}")],
                         max_tokens=50,
                         json_schema=SCHEMA if (i + 1) % structured_every == 0 else None,
                         schema_name="Theme")
            for i in range(count)]


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider(responder=responder) as server:
        yield server


def anthropic_of(fake: FakeProvider) -> BatchBackend:
    batches = build_backend("anthropic", load_settings(
        provider="anthropic", anthropic_api_key="test-key",
        anthropic_base_url=fake.anthropic_base_url, llm_timeout_s=5.0,
        llm_max_retries=0)).batches
    assert batches is not None
    return batches


def openai_of(fake: FakeProvider) -> BatchBackend:
    batches = build_backend("openai", load_settings(
        provider="openai", openai_api_key="test-key", openai_base_url=fake.openai_base_url,
        llm_timeout_s=5.0, llm_max_retries=0)).batches
    assert batches is not None
    return batches


BACKENDS = {"anthropic": (anthropic_of, "claude-haiku-4-5"), "openai": (openai_of, "gpt-4.1-mini")}


def run_to_completion(backend: BatchBackend, model: str,
                      requests: list[BatchRequest]) -> tuple[list[str], dict[str, Any]]:
    """submit -> poll (in progress) -> poll (completed) -> collect, persisting the job as JSON."""
    job = backend.submit_batch(model, requests)
    statuses = [job.status]
    for _ in range(2):
        job = backend.poll_batch(BatchJob.model_validate_json(job.model_dump_json()))
        statuses.append(job.status)
    assert job.counts["total"] == len(requests) == job.request_count
    return statuses, dict(backend.collect_batch(job))


@pytest.mark.parametrize("provider", sorted(BACKENDS))
def test_a_batch_runs_end_to_end_and_accounts_for_every_row(fake: FakeProvider,
                                                            provider: str) -> None:
    factory, model = BACKENDS[provider]
    statuses, outcomes = run_to_completion(factory(fake), model, rows(5))
    assert statuses == ["in_progress", "in_progress", "completed"]
    assert sorted(outcomes) == [f"row-{i}" for i in range(5)]
    assert outcomes["row-0"].text == "summary of feedback 0"
    assert outcomes["row-1"].structured == {"theme": "theme of feedback 1"}
    assert all(isinstance(o, RawReply) and o.input_tokens > 0 for o in outcomes.values())


@pytest.mark.parametrize("provider", sorted(BACKENDS))
def test_one_failed_item_is_an_error_for_that_row_only(fake: FakeProvider, provider: str) -> None:
    factory, model = BACKENDS[provider]
    requests = rows(4)
    requests[2].messages = [Message(role="user", content=POISON)]
    _, outcomes = run_to_completion(factory(fake), model, requests)
    assert isinstance(outcomes["row-2"], AIPMError)
    assert "cannot process this row" in str(outcomes["row-2"])
    assert all(isinstance(outcomes[f"row-{i}"], RawReply) for i in (0, 1, 3))


def test_openai_batch_file_holds_chat_bodies_with_json_schema(fake: FakeProvider) -> None:
    job = openai_of(fake).submit_batch("gpt-4.1-mini", rows(2))
    client = openai.OpenAI(api_key="test-key", base_url=fake.openai_base_url, max_retries=0)
    batch = client.batches.retrieve(job.id)
    assert batch.endpoint == "/v1/chat/completions"
    assert batch.completion_window == "24h"
    uploaded = [json.loads(line) for line in
                client.files.content(batch.input_file_id).text.splitlines()]
    assert [line["custom_id"] for line in uploaded] == ["row-0", "row-1"]
    assert {line["url"] for line in uploaded} == {"/v1/chat/completions"}
    first, second = (line["body"] for line in uploaded)
    assert first["messages"][0] == {"role": "system", "content": "Summarise feedback."}
    assert first["max_completion_tokens"] == 50
    assert "response_format" not in first
    assert second["response_format"]["type"] == "json_schema"
    assert second["response_format"]["json_schema"]["name"] == "Theme"


def test_anthropic_batch_items_carry_the_forced_tool(fake: FakeProvider) -> None:
    anthropic_of(fake).submit_batch("claude-haiku-4-5", rows(2))
    sent = fake.requests[-1]["body"]["requests"]
    assert [item["custom_id"] for item in sent] == ["row-0", "row-1"]
    assert sent[0]["params"]["system"] == "Summarise feedback."
    assert "tools" not in sent[0]["params"]
    assert sent[1]["params"]["tool_choice"] == {"type": "tool", "name": "Theme"}


@pytest.mark.parametrize("provider", sorted(BACKENDS))
def test_collecting_a_running_batch_says_to_poll(fake: FakeProvider, provider: str) -> None:
    factory, model = BACKENDS[provider]
    backend = factory(fake)
    job = backend.submit_batch(model, rows(2))
    with pytest.raises(BadInput, match="poll it until it completes"):
        backend.collect_batch(job)


@pytest.mark.parametrize("provider", sorted(BACKENDS))
def test_duplicate_ids_are_refused_before_upload(fake: FakeProvider, provider: str) -> None:
    factory, model = BACKENDS[provider]
    requests = rows(2)
    requests[1].custom_id = "row-0"
    with pytest.raises(BadInput, match="repeats custom_id 'row-0'"):
        factory(fake).submit_batch(model, requests)
    assert fake.requests == []


def test_anthropic_refuses_ids_its_api_would_reject(fake: FakeProvider) -> None:
    requests = rows(1)
    requests[0].custom_id = "row 1 (March)"
    with pytest.raises(BadInput, match="custom_id 'row 1 \\(March\\)'"):
        anthropic_of(fake).submit_batch("claude-haiku-4-5", requests)


@pytest.mark.parametrize("provider", sorted(BACKENDS))
def test_an_unreachable_provider_during_submit_is_typed(provider: str) -> None:
    with FakeProvider() as gone:
        factory, model = BACKENDS[provider]
        backend = factory(gone)
    with pytest.raises(ProviderUnreachable):
        backend.submit_batch(model, rows(1))


# --- parsers on hand-written lines in the providers' documented shapes -----------------------

def openai_success(custom_id: str, content: str | None, refusal: str | None = None) -> str:
    body = {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4.1-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {
                "role": "assistant", "content": content, "refusal": refusal}}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}}
    return json.dumps({"id": "batch_req_1", "custom_id": custom_id, "error": None,
                       "response": {"status_code": 200, "request_id": "r1", "body": body}})


def test_openai_output_line_with_json_is_parsed() -> None:
    custom_id, reply = _openai_batch.parse_output_line(openai_success("a", '{"theme": "ux"}'))
    assert custom_id == "a"
    assert isinstance(reply, RawReply)
    assert reply.structured == {"theme": "ux"}
    assert (reply.input_tokens, reply.output_tokens, reply.model) == (12, 5, "gpt-4.1-mini")


def test_openai_refusal_is_bad_model_output_with_the_text() -> None:
    _, outcome = _openai_batch.parse_output_line(openai_success("a", None, "I can't help."))
    assert isinstance(outcome, BadModelOutput)
    assert outcome.raw_text == "I can't help."


def test_openai_error_file_lines_become_typed_errors() -> None:
    http_error = {"id": "batch_req_2", "custom_id": "b", "error": None, "response": {
        "status_code": 429, "request_id": "r2",
        "body": {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}}}
    expired = {"id": "batch_req_3", "custom_id": "c", "response": None, "error": {
        "code": "batch_expired", "message": "This request could not be executed before the "
        "completion window expired."}}
    outcomes = dict(_openai_batch.parse_output_line(json.dumps(x)) for x in (http_error, expired))
    assert isinstance(outcomes["b"], RateLimited) and "Rate limit reached" in str(outcomes["b"])
    assert "batch_expired" in str(outcomes["c"]) and "submit it again" in str(outcomes["c"])


def test_ids_missing_from_the_output_are_errors_in_submission_order() -> None:
    reply = RawReply(text="ok", model="m")
    ordered = _batch_ids.account_for_every_id(["a", "b", "c"], {"c": reply, "a": reply})
    assert [cid for cid, _ in ordered] == ["a", "b", "c"]
    assert "missing from batch output" in str(ordered[1][1])


def test_corrupt_output_lines_cost_only_their_own_rows() -> None:
    unreadable = '{"custom_id": "b", "response": {"status_'  # cut mid-line: names no usable id
    wrong_shape = json.dumps({"custom_id": "c", "response": {"status_code": 200,
                                                             "body": {"choices": "nope"}}})
    outcomes = _openai_batch.outcomes_from_lines(
        [openai_success("a", "fine"), unreadable, wrong_shape])
    ordered = dict(_batch_ids.account_for_every_id(["a", "b", "c"], outcomes))
    assert isinstance(ordered["a"], RawReply) and ordered["a"].text == "fine"
    assert "missing from batch output" in str(ordered["b"])
    assert isinstance(ordered["c"], BadModelOutput)


def test_a_failed_openai_batch_gives_every_row_the_reason() -> None:
    batch = openai.types.Batch.model_validate({
        "id": "batch_1", "object": "batch", "endpoint": "/v1/chat/completions",
        "completion_window": "24h", "created_at": 1, "input_file_id": "file-1",
        "status": "failed", "errors": {"object": "list", "data": [
            {"code": "invalid_json_line", "line": 3, "message": "Line 3 is not valid JSON."}]}})
    error = whole_batch_error(batch)
    assert isinstance(error, BadInput) and "line 3: Line 3 is not valid JSON." in str(error)


def anthropic_line(result: dict[str, Any]) -> Any:
    return MessageBatchIndividualResponse.model_validate({"custom_id": "x", "result": result})


@pytest.mark.parametrize(("result", "expected"), [
    ({"type": "errored", "error": {"type": "error", "request_id": None, "error": {
        "type": "invalid_request_error", "message": "max_tokens: too large"}}}, BadInput),
    ({"type": "errored", "error": {"type": "error", "request_id": None, "error": {
        "type": "overloaded_error", "message": "Overloaded"}}}, AIPMError),
    ({"type": "canceled"}, AIPMError),
    ({"type": "expired"}, AIPMError),
])
def test_anthropic_unsuccessful_results_become_errors(result: dict[str, Any],
                                                      expected: type[AIPMError]) -> None:
    outcome = _anthropic_batch.outcome_of(anthropic_line(result).result)
    assert isinstance(outcome, expected)
    assert "submit it again" in str(outcome)


def ended_batch(**counts: int) -> BatchJob:
    """A real `MessageBatch` (SDK type, documented shape) that has ended with `counts`."""
    request_counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0,
                      "expired": 0, **counts}
    batch = MessageBatch.model_validate({
        "id": "msgbatch_1", "type": "message_batch", "processing_status": "ended",
        "request_counts": request_counts, "created_at": "2026-11-25T10:00:00Z",
        "expires_at": "2026-11-26T10:00:00Z", "ended_at": "2026-11-25T11:00:00Z"})
    return _anthropic_batch.job_from_batch(batch, "claude-haiku-4-5")


def test_anthropic_status_of_an_ended_batch_follows_its_counts() -> None:
    assert ended_batch(succeeded=1, expired=3).status == "completed"
    assert ended_batch(expired=2).status == "expired"
    assert ended_batch(canceled=2, expired=1).status == "cancelled"
    assert ended_batch(succeeded=2, errored=1).counts == {
        "total": 3, "completed": 2, "failed": 1, "processing": 0}


# --- through the facade ---------------------------------------------------------------------

class Theme(BaseModel):
    theme: str


FACADE_SETTINGS = {
    "anthropic": lambda fake: {"anthropic_api_key": "test-key",
                               "anthropic_base_url": fake.anthropic_base_url},
    "openai": lambda fake: {"openai_api_key": "test-key", "openai_base_url": fake.openai_base_url},
}


@pytest.mark.parametrize("provider", sorted(BACKENDS))
def test_get_llm_runs_a_structured_batch_with_one_failed_row(fake: FakeProvider,
                                                             provider: str) -> None:
    llm = get_llm(load_settings(provider=provider, llm_timeout_s=5.0, llm_max_retries=0,
                                **FACADE_SETTINGS[provider](fake)), product="tests")
    requests = rows(3, structured_every=1)
    requests[1].messages = [Message(role="user", content=POISON)]
    job = llm.submit_batch(requests)
    for _ in range(3):  # the fake completes on the second poll
        job = llm.poll_batch(job) if job.status == "in_progress" else job
    assert job.status == "completed"
    items = {item.custom_id: item for item in llm.collect_batch(job, schema=Theme)}
    assert sorted(items) == ["row-0", "row-1", "row-2"]
    assert items["row-0"].result.parsed == Theme(theme="theme of feedback 0")
    assert items["row-2"].result.cost_usd > 0
    assert items["row-1"].result is None and "cannot process this row" in items["row-1"].error


def test_anthropic_batches_do_not_load_the_openai_sdk(repo_root: Any) -> None:
    import subprocess
    import sys

    script = ("import sys; import shared.llm._anthropic_batch; "
              "print('openai' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], cwd=repo_root, capture_output=True,
                         text=True, check=True, timeout=60).stdout.strip()
    assert out == "False"
