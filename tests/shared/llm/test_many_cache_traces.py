"""run_many (order, bounded concurrency, per-row errors), the response cache, and trace rows."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from pydantic import BaseModel

from shared.config import Settings
from shared.errors import AIPMError, BadInput, BadKey
from shared.llm import LLMClient, LLMResult, get_llm
from shared.testing.fake_provider import FakeProvider
from shared.testing.responders import default_responder
from tests.shared.llm.helpers import chat_requests, fake_settings, trace_rows


class Sentiment(BaseModel):
    label: str


class InFlight:
    """A responder that counts how many requests the fake is serving at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> str | dict[str, Any]:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.05)  # keep the request open so overlapping ones can be counted
        with self._lock:
            self.now -= 1
        return default_responder(request)


def test_run_many_keeps_order_and_bounds_concurrency(settings: Settings) -> None:
    counter = InFlight()
    with FakeProvider(responder=counter) as fake:
        llm = get_llm(fake_settings(fake, data_dir=settings.data_dir))
        prompts = [f"row {i}" for i in range(12)]
        results = llm.run_many(prompts, concurrency=3)
    assert [r.text.split("to: ")[1] for r in results] == prompts
    assert 1 < counter.peak <= 3


def test_run_many_defaults_to_the_configured_concurrency(settings: Settings) -> None:
    counter = InFlight()
    with FakeProvider(responder=counter) as fake:
        llm = get_llm(fake_settings(fake, data_dir=settings.data_dir, llm_concurrency=2))
        llm.run_many([f"row {i}" for i in range(6)])
    assert counter.peak <= 2


def test_run_many_returns_a_failed_row_as_its_error(llm: LLMClient,
                                                    fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("401")
    blank_csv_cell = float("nan")
    results = llm.run_many(["first", [], blank_csv_cell, [{"role": "robot"}], "fifth"],
                           concurrency=1)
    assert isinstance(results[0], BadKey)  # the first request met the queued 401
    assert isinstance(results[1], BadInput)  # an empty prompt fails alone
    assert "empty cells" in str(results[2]) and "form" in str(results[3])
    assert isinstance(results[4], LLMResult) and "fifth" in results[4].text


def test_run_many_with_a_schema_parses_every_row(llm: LLMClient) -> None:
    results = llm.run_many(["good", "bad"], schema=Sentiment, system="Label it.")
    assert all(isinstance(r.parsed, Sentiment) for r in results if isinstance(r, LLMResult))
    assert len(results) == 2


def test_run_many_refuses_a_zero_concurrency(llm: LLMClient) -> None:
    with pytest.raises(BadInput, match="at least 1"):
        llm.run_many(["x"], concurrency=0)


def test_a_cached_call_does_not_reach_the_provider(llm: LLMClient, fake_provider: FakeProvider,
                                                   settings: Settings) -> None:
    first = llm.complete("cache me", cache=True)
    second = llm.complete("cache me", cache=True)
    assert len(chat_requests(fake_provider)) == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.text == first.text and second.cost_usd == 0.0
    assert settings.data_path("cache", "llm.sqlite").exists()


def test_the_cache_key_covers_prompt_params_and_opt_in(llm: LLMClient,
                                                       fake_provider: FakeProvider) -> None:
    llm.complete("cache me", cache=True)
    llm.complete("cache me", cache=True, max_tokens=10)  # other params: a miss
    llm.complete("cache me", cache=True, system="Be brief.")  # other system prompt: a miss
    llm.complete("cache me")  # not opted in: always asks
    assert len(chat_requests(fake_provider)) == 4


def test_a_cached_structured_result_is_parsed_again(llm: LLMClient,
                                                    fake_provider: FakeProvider) -> None:
    llm.structured("label this", Sentiment, cache=True)
    hit = llm.structured("label this", Sentiment, cache=True)
    assert hit.cached and isinstance(hit.parsed, Sentiment)
    assert len(chat_requests(fake_provider)) == 1


def test_trace_rows_record_ok_error_and_cache_hits(llm: LLMClient, fake_provider: FakeProvider,
                                                   settings: Settings) -> None:
    ok = llm.complete("trace me", cache=True, operation="summarise")
    llm.complete("trace me", cache=True, operation="summarise")
    fake_provider.queue_faults("404")
    with pytest.raises(AIPMError):
        llm.complete("missing model")
    rows = trace_rows(settings)
    assert [(r.operation, r.status, r.cache_hit) for r in rows] == [
        ("summarise", "ok", False), ("summarise", "ok", True), ("complete", "error", False)]
    assert {r.product for r in rows} == {"tests"}
    assert (rows[0].input_tokens, rows[0].cost_usd) == (ok.input_tokens, ok.cost_usd)
    assert (rows[1].input_tokens, rows[1].cost_usd) == (0, 0.0)  # a hit bills nothing
    assert rows[2].error.startswith("model_not_found: ")


def test_a_broken_trace_store_never_breaks_the_call(settings: Settings,
                                                    fake_provider: FakeProvider,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    blocker = settings.data_dir / "not-a-dir"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the data dir should be")
    llm = get_llm(fake_settings(fake_provider, data_dir=blocker))
    assert llm.complete("still works").text.startswith("Fake reply")
    assert "Tracing is off" in caplog.text


def test_run_many_never_loses_a_row_under_random_faults(settings: Settings) -> None:
    with FakeProvider(error_rate=0.2, seed=7, hang_s=1.0) as fake:
        llm = get_llm(fake_settings(fake, data_dir=settings.data_dir, llm_timeout_s=0.3,
                                    llm_max_retries=0))
        prompts = [f"row {i}" for i in range(150)]
        results = llm.run_many(prompts, concurrency=16)
    assert len(results) == len(prompts)
    failed = [r for r in results if isinstance(r, AIPMError)]
    assert 0 < len(failed) < len(prompts)
    for prompt, result in zip(prompts, results, strict=True):
        if isinstance(result, LLMResult) and result.text.startswith("Fake reply"):
            assert result.text.endswith(f"to: {prompt}")  # never another row's answer
