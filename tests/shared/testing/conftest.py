"""Real SDK clients aimed at the `fake_provider` fixture, with short timeouts and no retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anthropic
import openai
import pytest

from shared.testing.fake_provider import FakeProvider


@pytest.fixture
def openai_client(fake_provider: FakeProvider) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake_provider.openai_base_url, api_key="test-key",
                         max_retries=0, timeout=2.0)


@pytest.fixture
def anthropic_client(fake_provider: FakeProvider) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=fake_provider.anthropic_base_url, api_key="test-key",
                               max_retries=0, timeout=2.0)


@pytest.fixture
def ask_openai(openai_client: openai.OpenAI) -> Callable[..., Any]:
    """One user turn through chat.completions.create; extra kwargs go to the SDK."""
    def ask(text: str = "What is our refund policy?", **kwargs: Any) -> Any:
        return openai_client.chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": text}], **kwargs)
    return ask


@pytest.fixture
def ask_anthropic(anthropic_client: anthropic.Anthropic) -> Callable[..., Any]:
    """One user turn through messages.create; extra kwargs go to the SDK."""
    def ask(text: str = "What is our refund policy?", **kwargs: Any) -> Any:
        return anthropic_client.messages.create(
            model="claude-haiku-4-5", max_tokens=256,
            messages=[{"role": "user", "content": text}], **kwargs)
    return ask
