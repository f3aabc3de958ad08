"""Both batch flows end to end through the real SDKs: upload/submit, poll twice, collect."""

from __future__ import annotations

import io
import json
from typing import Any

import anthropic
import openai

from shared.testing.fake_provider import FakeProvider


def _jsonl(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _chat_line(custom_id: str, text: str) -> dict[str, object]:
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": text}]}}


def test_openai_batch_runs_from_upload_to_output_file(openai_client: openai.OpenAI,
                                                      ask_openai: Any) -> None:
    rows = [_chat_line(f"row-{i}", f"Feedback number {i}") for i in range(3)]
    upload = openai_client.files.create(file=("in.jsonl", io.BytesIO(_jsonl(rows))),
                                        purpose="batch")
    assert (upload.purpose, upload.status) == ("batch", "processed")
    job = openai_client.batches.create(input_file_id=upload.id, completion_window="24h",
                                       endpoint="/v1/chat/completions")
    assert job.status == "validating"
    first, second = (openai_client.batches.retrieve(job.id) for _ in range(2))
    assert (first.status, first.output_file_id) == ("in_progress", None)
    assert second.status == "completed"
    assert (second.request_counts.completed, second.request_counts.failed) == (3, 0)
    lines = openai_client.files.content(second.output_file_id).text.splitlines()
    outputs = {row["custom_id"]: row for row in map(json.loads, lines)}
    assert sorted(outputs) == ["row-0", "row-1", "row-2"]
    answer = outputs["row-1"]["response"]["body"]["choices"][0]["message"]["content"]
    assert outputs["row-1"]["response"]["status_code"] == 200
    assert outputs["row-1"]["error"] is None
    assert answer == ask_openai("Feedback number 1").choices[0].message.content


def test_openai_batch_reports_bad_lines_in_an_error_file(openai_client: openai.OpenAI) -> None:
    content = _jsonl([_chat_line("good", "hello")]) + b"{not json\n"
    upload = openai_client.files.create(file=("in.jsonl", io.BytesIO(content)), purpose="batch")
    job = openai_client.batches.create(input_file_id=upload.id, completion_window="24h",
                                       endpoint="/v1/chat/completions")
    for _ in range(2):
        job = openai_client.batches.retrieve(job.id)
    assert (job.request_counts.completed, job.request_counts.failed) == (1, 1)
    error_line = json.loads(openai_client.files.content(job.error_file_id).text)
    assert error_line["response"] is None
    assert "bad batch line" in error_line["error"]["message"]


def test_openai_batch_of_a_missing_file_is_not_found(openai_client: openai.OpenAI) -> None:
    try:
        openai_client.batches.create(input_file_id="file-nope", completion_window="24h",
                                     endpoint="/v1/chat/completions")
    except openai.NotFoundError as exc:
        assert "file-nope" in str(exc)
    else:
        raise AssertionError("a batch over an unknown file must fail")


def test_anthropic_batch_runs_from_submit_to_results(anthropic_client: anthropic.Anthropic,
                                                     fake_provider: FakeProvider) -> None:
    requests = [{"custom_id": f"cv-{i}", "params": {
        "model": "claude-haiku-4-5", "max_tokens": 64,
        "messages": [{"role": "user", "content": f"Résumé {i}"}]}} for i in range(2)]
    job = anthropic_client.messages.batches.create(requests=requests)
    assert job.processing_status == "in_progress"
    first = anthropic_client.messages.batches.retrieve(job.id)
    assert (first.processing_status, first.results_url) == ("in_progress", None)
    second = anthropic_client.messages.batches.retrieve(job.id)
    assert second.processing_status == "ended"
    assert second.results_url.startswith(fake_provider.url)
    assert second.request_counts.succeeded == 2
    results = {r.custom_id: r for r in anthropic_client.messages.batches.results(job.id)}
    assert sorted(results) == ["cv-0", "cv-1"]
    assert results["cv-1"].result.type == "succeeded"
    assert "Résumé 1" in results["cv-1"].result.message.content[0].text


def test_anthropic_batch_item_without_params_is_errored(
        anthropic_client: anthropic.Anthropic) -> None:
    job = anthropic_client.messages.batches.create(
        requests=[{"custom_id": "broken"}])
    for _ in range(2):
        job = anthropic_client.messages.batches.retrieve(job.id)
    assert job.request_counts.errored == 1
    [result] = list(anthropic_client.messages.batches.results(job.id))
    assert result.result.type == "errored"
    assert result.result.error.error.type == "invalid_request_error"


def test_batch_items_are_answered_with_the_fakes_responder() -> None:
    with FakeProvider(responder=lambda request: {"verdict": request["model"]}) as fake:
        client = anthropic.Anthropic(base_url=fake.anthropic_base_url, api_key="test-key")
        job = client.messages.batches.create(requests=[{"custom_id": "a", "params": {
            "model": "claude-sonnet-4-5", "max_tokens": 8,
            "messages": [{"role": "user", "content": "x"}]}}])
        for _ in range(2):
            client.messages.batches.retrieve(job.id)
        [result] = list(client.messages.batches.results(job.id))
    assert json.loads(result.result.message.content[0].text) == {"verdict": "claude-sonnet-4-5"}
