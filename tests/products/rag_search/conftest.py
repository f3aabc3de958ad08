"""Fixtures the RAG answer tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from shared.llm import LLMClient, get_llm
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.answer_helpers import llm_settings

Responder = Callable[[dict[str, Any]], str]
StartLLM = Callable[..., tuple[FakeProvider, LLMClient]]


@pytest.fixture
def start_llm() -> Iterator[StartLLM]:
    """Start a fake provider with the given responder (and fake-provider options, such as
    `hang_s`); the LLM client talks to it over HTTP. Every provider stops after the test.

    Only a test that makes the fake hang (`hang_s`) gets a client deadline shorter than the
    suite's 5 s: a quarter of the hang. The fake runs in this process, so a garbage collection
    (0.4 s seen in one folder run) or a busy machine holds its reply back; a 1.25 s deadline
    for every test turned such a stall into a timeout fallback, failing tests about the reply.
    """
    with ExitStack() as stack:
        def start(responder: Responder | None = None, **fake_options: Any,
                  ) -> tuple[FakeProvider, LLMClient]:
            fake = stack.enter_context(FakeProvider(responder=responder, **fake_options))
            timeout = {"llm_timeout_s": fake_options["hang_s"] / 4} if "hang_s" in fake_options \
                else {}
            return fake, get_llm(llm_settings(fake, **timeout), product="rag_search")
        yield start
