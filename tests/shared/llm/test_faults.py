"""Every fault the fake injects becomes a typed kit error a person can act on (or is retried).

Retries are the SDK's own (`max_retries=1` here). A truncated body is retried like a 5xx (the
kit's HTTP transport turns it into a transport error the SDK retries), and once retries are
spent it is ProviderUnreachable: the reply broke off in transit, so it says nothing about the
model's output, and "try again" is the right advice.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from shared.config import Settings
from shared.errors import (
    BadKey,
    ModelNotFound,
    ProviderUnreachable,
    RateLimited,
)
from shared.llm import LLMClient, get_llm
from shared.testing.fake_provider import FakeProvider
from tests.shared.llm.helpers import chat_requests, fake_settings, trace_rows


def test_a_429_once_is_retried_by_the_sdk(llm: LLMClient, fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("429")
    assert llm.complete("hello").text.startswith("Fake reply")
    assert len(chat_requests(fake_provider)) == 2


def test_a_persistent_429_is_rate_limited_with_the_retry_hint(
        llm: LLMClient, fake_provider: FakeProvider, settings: Settings) -> None:
    fake_provider.queue_faults("429", "429")
    with pytest.raises(RateLimited, match="AIPM_LLM_CONCURRENCY") as caught:
        llm.complete("hello")
    assert caught.value.retry_after_s == pytest.approx(0.02)  # the fake's retry-after-ms: 20
    assert trace_rows(settings)[-1].error.startswith("rate_limited: ")
    assert ".." not in caught.value.message  # the provider's own full stop is not doubled


def test_a_500_once_is_retried_by_the_sdk(llm: LLMClient, fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("500")
    assert llm.complete("hello").text.startswith("Fake reply")


def test_persistent_500s_are_provider_unreachable(llm: LLMClient,
                                                  fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("500", "500")
    with pytest.raises(ProviderUnreachable, match="server error \\(500\\)"):
        llm.complete("hello")


def test_a_hang_past_the_timeout_is_provider_unreachable(settings: Settings) -> None:
    with FakeProvider(hang_s=2.0) as fake:
        llm = get_llm(fake_settings(fake, llm_timeout_s=0.3, llm_max_retries=0,
                                    data_dir=settings.data_dir))
        fake.queue_faults("hang")
        with pytest.raises(ProviderUnreachable, match="AIPM_LLM_TIMEOUT"):
            llm.complete("hello")


def test_a_401_is_a_bad_key_naming_the_setting(llm: LLMClient,
                                               fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("401")
    with pytest.raises(BadKey, match=r"OPENAI_API_KEY.*aipm doctor"):
        llm.complete("hello")
    assert len(chat_requests(fake_provider)) == 1  # a bad key is not retried


def test_a_404_is_model_not_found_naming_the_model(llm: LLMClient,
                                                   fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("404")
    with pytest.raises(ModelNotFound, match=r"'gpt-4.1-mini'.*AIPM_MODEL"):
        llm.complete("hello")


def test_a_closed_port_is_provider_unreachable(settings: Settings) -> None:
    with socket.socket() as probe:  # bind then close: nothing listens on this port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = settings.model_copy(update={"openai_base_url": f"http://127.0.0.1:{port}/v1",
                                         "llm_max_retries": 0})
    with pytest.raises(ProviderUnreachable, match="Could not reach openai"):
        get_llm(closed).complete("hello")


def test_a_truncated_body_once_is_retried_like_a_5xx(llm: LLMClient,
                                                     fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("truncated")
    assert llm.complete("hello").text.startswith("Fake reply")
    assert len(chat_requests(fake_provider)) == 2


def test_a_persistently_truncated_body_is_provider_unreachable(
        llm: LLMClient, fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("truncated", "truncated")
    with pytest.raises(ProviderUnreachable, match="incomplete reply after 1 retry"):
        llm.complete("hello")


def test_a_truncated_body_is_retried_on_the_async_client_too(
        llm: LLMClient, fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("truncated")
    assert asyncio.run(llm.acomplete("hello")).text.startswith("Fake reply")


def test_with_retries_off_the_message_claims_none(settings: Settings,
                                                  fake_provider: FakeProvider) -> None:
    llm = get_llm(settings.model_copy(update={"llm_max_retries": 0}))
    fake_provider.queue_faults("500")
    with pytest.raises(ProviderUnreachable) as caught:
        llm.complete("hello")
    assert "retr" not in caught.value.message


@pytest.mark.parametrize(("fault", "error"), [
    ("401", BadKey), ("404", ModelNotFound), ("truncated", ProviderUnreachable)])
def test_stream_faults_are_typed_and_traced(llm: LLMClient, fake_provider: FakeProvider,
                                            settings: Settings, fault: str,
                                            error: type[Exception]) -> None:
    fake_provider.queue_faults(fault)
    with pytest.raises(error):
        list(llm.stream("stream this please"))
    (row,) = trace_rows(settings)
    assert (row.operation, row.status) == ("stream", "error")


def test_async_faults_are_typed_too(llm: LLMClient, fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("401")
    with pytest.raises(BadKey):
        asyncio.run(llm.acomplete("hello"))
    fake_provider.queue_faults("truncated", "truncated")
    with pytest.raises(ProviderUnreachable):
        asyncio.run(llm.acomplete("hello"))


def test_embedding_faults_are_typed(llm: LLMClient, fake_provider: FakeProvider,
                                    settings: Settings) -> None:
    fake_provider.queue_faults("404")
    with pytest.raises(ModelNotFound, match="text-embedding-3-small"):
        llm.embed(["a"])
    assert trace_rows(settings)[-1].model == "text-embedding-3-small"
