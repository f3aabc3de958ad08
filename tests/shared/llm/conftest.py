"""Settings and a client aimed at the `fake_provider` fixture: 1 s timeouts, one SDK retry."""

from __future__ import annotations

import pytest

from shared.config import Settings
from shared.llm import LLMClient, get_llm
from shared.testing.fake_provider import FakeProvider
from tests.shared.llm.helpers import fake_settings


@pytest.fixture
def settings(fake_provider: FakeProvider) -> Settings:
    return fake_settings(fake_provider)


@pytest.fixture
def llm(settings: Settings) -> LLMClient:
    return get_llm(settings, product="tests")
