"""Small helpers the LLM client tests share (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

from shared.config import Settings, load_settings
from shared.testing.fake_provider import FakeProvider
from shared.tracing import TraceRow, TraceStore


def fake_settings(fake: FakeProvider, **overrides: Any) -> Settings:
    """OpenAI settings pointing at the fake; tests override what they exercise."""
    options: dict[str, Any] = {"provider": "openai", "openai_api_key": "test-key",
                               "openai_base_url": fake.openai_base_url, "llm_timeout_s": 1.0,
                               "llm_max_retries": 1}
    return load_settings(**{**options, **overrides})


def chat_requests(fake: FakeProvider) -> list[dict[str, Any]]:
    """Requests that reached the fake's chat endpoint."""
    return [r for r in fake.requests if r["path"].endswith("/chat/completions")]


def trace_rows(settings: Settings) -> list[TraceRow]:
    """Every trace row written so far, oldest first."""
    return list(reversed(TraceStore(settings.data_path("traces.sqlite")).recent(1000)))
