"""The pricing table is data with a date and a source; the math is per million tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.llm import LLMClient, get_llm
from shared.llm.pricing import cost_usd, price_for, pricing_table
from shared.testing.fake_provider import FakeProvider
from tests.shared.llm.helpers import fake_settings


def test_the_table_says_when_and_where_its_prices_come_from() -> None:
    table = pricing_table()
    assert dt.date.fromisoformat(table.as_of) <= dt.date.today()
    assert "openai.com" in table.source and "claude.com" in table.source
    assert table.batch_discount == 0.5
    assert {"ollama", "openai-compatible"} <= set(table.free_providers)
    providers = {key.split(":")[0] for key in table.models}
    assert providers == {"openai", "anthropic"}


def test_cost_is_tokens_times_price_per_million() -> None:
    price = price_for("openai", "gpt-4.1-mini")
    assert price is not None
    expected = (1_000 * price.input + 500 * price.output) / 1_000_000
    assert cost_usd("openai", "gpt-4.1-mini", 1_000, 500) == pytest.approx(expected)
    assert cost_usd("openai", "gpt-4.1-mini", 2_000_000, 0) == pytest.approx(2 * price.input)


def test_batch_calls_get_the_discount_from_the_table() -> None:
    full = cost_usd("anthropic", "claude-haiku-4-5", 10_000, 2_000)
    assert cost_usd("anthropic", "claude-haiku-4-5", 10_000, 2_000, batch=True) == (
        pytest.approx(full * (1 - pricing_table().batch_discount)))


def test_dated_snapshots_are_priced_as_their_family() -> None:
    assert price_for("openai", "gpt-4.1-mini-2025-04-14") == price_for("openai", "gpt-4.1-mini")
    assert price_for("openai", "gpt-4.1-2025-04-14") == price_for("openai", "gpt-4.1")
    assert price_for("anthropic", "claude-haiku-4-5-20251001") == price_for(
        "anthropic", "claude-haiku-4-5")


def test_embeddings_bill_input_only() -> None:
    assert cost_usd("openai", "text-embedding-3-small", 1_000_000) == pytest.approx(
        price_for("openai", "text-embedding-3-small").input)


def test_local_providers_cost_nothing() -> None:
    assert cost_usd("ollama", "llama3.2", 10_000, 10_000) == 0.0
    assert cost_usd("openai-compatible", "anything", 10_000, 10_000) == 0.0


def test_an_unknown_model_costs_zero_and_the_call_still_works(
        fake_provider: FakeProvider, caplog: pytest.LogCaptureFixture) -> None:
    assert cost_usd("openai", "model-from-the-future", 1_000, 1_000) == 0.0
    llm: LLMClient = get_llm(fake_settings(fake_provider), model="openai:brand-new-model")
    result = llm.complete("hello")
    assert result.cost_usd == 0.0 and result.output_tokens > 0
    assert "No price for openai:brand-new-model" in caplog.text
