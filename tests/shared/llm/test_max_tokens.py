"""Replies cut off at max_tokens, end to end: real SDKs, the fake cutting at the limit, the kit
reporting it (plain: `truncated`; structured: BadModelOutput at once, no repair turn)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from shared.config import Settings, load_settings
from shared.errors import BadModelOutput
from shared.llm import LLMClient, get_llm
from shared.llm.types import BatchRequest, Message
from shared.testing.fake_provider import FakeProvider
from tests.shared.llm.helpers import trace_rows

LONG_TEXT = " ".join(f"word{i}" for i in range(60))
LONG_SUMMARY = "Wrote the first published program for the Analytical Engine. " * 3
CUT_MESSAGE = "cut off at max_tokens=12 before the JSON was complete. Raise max_tokens"


class Contact(BaseModel):
    name: str
    summary: str = ""  # optional: a cut-off reply's complete prefix would validate


def responder(request: dict[str, Any]) -> str | dict[str, Any]:
    """Objects for schemas (long when the prompt says so), a long text otherwise."""
    prompt = request["messages"][-1]["content"]
    if request["json_schema"] is None:
        return LONG_TEXT
    return {"name": "Ada", "summary": LONG_SUMMARY if "long" in prompt else "Programmer."}


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider(responder=responder) as server:
        yield server


def settings_for(fake: FakeProvider, provider: str) -> Settings:
    wire = ({"anthropic_api_key": "k", "anthropic_base_url": fake.anthropic_base_url}
            if provider == "anthropic"
            else {"openai_api_key": "k", "openai_base_url": fake.openai_base_url})
    return load_settings(provider=provider, llm_timeout_s=5.0, llm_max_retries=0, **wire)


def client(fake: FakeProvider, provider: str) -> LLMClient:
    return get_llm(settings_for(fake, provider), product="tests")


def model_calls(fake: FakeProvider) -> list[dict[str, Any]]:
    return [r for r in fake.requests if r["path"] in ("/v1/chat/completions", "/v1/messages")]


PROVIDERS = ["anthropic", "openai"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_plain_reply_cut_at_the_limit_is_returned_and_marked(fake: FakeProvider,
                                                             provider: str) -> None:
    result = client(fake, provider).complete("Tell me everything", max_tokens=5)
    assert result.text == LONG_TEXT[:20]
    assert result.truncated is True and result.output_tokens == 5
    whole = client(fake, provider).complete("Tell me everything", max_tokens=500)
    assert whole.text == LONG_TEXT and whole.truncated is False


@pytest.mark.parametrize("provider", PROVIDERS)
def test_stream_cut_at_the_limit_is_marked(fake: FakeProvider, provider: str) -> None:
    stream = client(fake, provider).stream("Tell me everything", max_tokens=6)
    assert stream.text() == LONG_TEXT[:24]
    assert stream.result.truncated is True and stream.result.output_tokens == 6


@pytest.mark.parametrize("provider", PROVIDERS)
def test_async_complete_and_stream_are_marked_too(fake: FakeProvider, provider: str) -> None:
    llm = client(fake, provider)

    async def both() -> tuple[bool, bool]:
        result = await llm.acomplete("Tell me", max_tokens=3)
        stream = llm.astream("Tell me", max_tokens=3)
        await stream.text()
        return result.truncated, stream.result.truncated

    assert asyncio.run(both()) == (True, True)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cut_structured_reply_fails_at_once_without_a_repair(fake: FakeProvider,
                                                             provider: str) -> None:
    """Anthropic's cut tool input is {"name": "Ada"}, which Contact accepts: only the stop
    reason tells it is incomplete, and a repair turn would be cut at the same limit."""
    llm = client(fake, provider)
    with pytest.raises(BadModelOutput) as raised:
        llm.structured("Give the long summary", Contact, max_tokens=12)
    assert CUT_MESSAGE in raised.value.message
    assert '"name": "Ada"' in raised.value.raw_text
    assert len(model_calls(fake)) == 1  # no repair request was sent
    [row] = trace_rows(llm.settings)
    assert (row.status, row.output_tokens) == ("error", 12) and row.cost_usd > 0
    assert "cut off at max_tokens=12" in row.error


@pytest.mark.parametrize("provider", PROVIDERS)
def test_structured_reply_within_the_limit_still_parses(fake: FakeProvider,
                                                        provider: str) -> None:
    result = client(fake, provider).structured("Give the short one", Contact, max_tokens=100)
    assert result.parsed == Contact(name="Ada", summary="Programmer.")
    assert result.truncated is False
    assert len(model_calls(fake)) == 1


def test_async_structured_cut_also_skips_the_repair(fake: FakeProvider) -> None:
    llm = client(fake, "openai")
    with pytest.raises(BadModelOutput, match="cut off at max_tokens=12"):
        asyncio.run(llm.astructured("Give the long summary", Contact, max_tokens=12))
    assert len(model_calls(fake)) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_run_many_cut_row_is_its_own_error(fake: FakeProvider, provider: str) -> None:
    prompts = ["short one", "the long one", "short two"]
    results = client(fake, provider).run_many(prompts, schema=Contact, max_tokens=12)
    assert isinstance(results[1], BadModelOutput) and CUT_MESSAGE in results[1].message
    assert [r.parsed.summary for r in (results[0], results[2])] == ["Programmer."] * 2
    assert len(model_calls(fake)) == 3  # one call per row, no repair for the cut one


def batch_of(prompts: list[str], *, schema: bool) -> list[BatchRequest]:
    json_schema = Contact.model_json_schema() if schema else None
    return [BatchRequest(custom_id=f"row-{i}", messages=[Message(role="user", content=p)],
                         max_tokens=12, json_schema=json_schema, schema_name="Contact")
            for i, p in enumerate(prompts)]


def run_batch(llm: LLMClient, requests: list[BatchRequest],
              schema: type[BaseModel] | None) -> dict[str, Any]:
    job = llm.submit_batch(requests)
    for _ in range(3):  # the fake completes on the second poll
        job = llm.poll_batch(job) if job.status == "in_progress" else job
    return {item.custom_id: item for item in llm.collect_batch(job, schema=schema)}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_batch_item_cut_off_fails_alone(fake: FakeProvider, provider: str) -> None:
    items = run_batch(client(fake, provider),
                      batch_of(["short one", "the long one"], schema=True), Contact)
    assert items["row-0"].result.parsed == Contact(name="Ada", summary="Programmer.")
    assert items["row-1"].result is None
    assert "cut off at max_tokens (12 output tokens)" in items["row-1"].error


@pytest.mark.parametrize("provider", PROVIDERS)
def test_plain_batch_item_cut_off_is_marked(fake: FakeProvider, provider: str) -> None:
    items = run_batch(client(fake, provider), batch_of(["tell me"], schema=False), None)
    result = items["row-0"].result
    assert (result.text, result.truncated, result.output_tokens) == (LONG_TEXT[:48], True, 12)


def test_doctor_one_token_call_is_billed_one_output_token(fake: FakeProvider) -> None:
    from frontdoors.doctor import check_llm

    settings = settings_for(fake, "openai")
    assert check_llm(settings).ok is True
    [row] = trace_rows(settings)
    assert (row.operation, row.status, row.output_tokens) == ("doctor", "ok", 1)
    assert model_calls(fake)[0]["body"]["max_completion_tokens"] == 1
