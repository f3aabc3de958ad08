"""Every fault kind, as the real SDKs experience it: the right exception class, or bad output."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import anthropic
import openai
import pytest

from shared.testing._faults import FaultPlan
from shared.testing.fake_provider import FAULT_KINDS, FakeProvider

SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}},
          "required": ["answer"]}


def _openai(fake: FakeProvider, **options: Any) -> openai.OpenAI:
    options = {"max_retries": 0, "timeout": 2.0, **options}
    return openai.OpenAI(base_url=fake.openai_base_url, api_key="test-key", **options)


def _anthropic(fake: FakeProvider, **options: Any) -> anthropic.Anthropic:
    options = {"max_retries": 0, "timeout": 2.0, **options}
    return anthropic.Anthropic(base_url=fake.anthropic_base_url, api_key="test-key", **options)


def _chat(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "Say hello"}], **kwargs)


def _message(client: anthropic.Anthropic, **kwargs: Any) -> Any:
    return client.messages.create(model="claude-haiku-4-5", max_tokens=64,
                                  messages=[{"role": "user", "content": "Say hello"}], **kwargs)


@pytest.mark.parametrize(("kind", "error"), [
    ("429", openai.RateLimitError), ("500", openai.InternalServerError),
    ("401", openai.AuthenticationError), ("404", openai.NotFoundError)])
def test_openai_error_faults_raise_the_sdks_own_class(fake_provider: FakeProvider, kind: str,
                                                      error: type[Exception]) -> None:
    fake_provider.queue_faults(kind)
    with pytest.raises(error):
        _chat(_openai(fake_provider))
    assert _chat(_openai(fake_provider)).choices[0].message.content  # next call is clean


@pytest.mark.parametrize(("kind", "error"), [
    ("429", anthropic.RateLimitError), ("500", anthropic.InternalServerError),
    ("401", anthropic.AuthenticationError), ("404", anthropic.NotFoundError)])
def test_anthropic_error_faults_raise_the_sdks_own_class(fake_provider: FakeProvider, kind: str,
                                                         error: type[Exception]) -> None:
    fake_provider.queue_faults(kind)
    with pytest.raises(error):
        _message(_anthropic(fake_provider))


def test_error_bodies_use_each_providers_real_shape(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("404", "401")
    with pytest.raises(openai.NotFoundError) as not_found:
        _chat(_openai(fake_provider))
    assert not_found.value.code == "model_not_found"
    with pytest.raises(anthropic.AuthenticationError) as bad_key:
        _message(_anthropic(fake_provider))
    assert bad_key.value.body["error"]["type"] == "authentication_error"  # type: ignore[index]


def test_429_is_retried_by_the_sdk_then_succeeds(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("429", "429")
    reply = _chat(_openai(fake_provider, max_retries=2))
    assert reply.choices[0].message.content.startswith("Fake reply")
    fake_provider.queue_faults("429")
    assert _message(_anthropic(fake_provider, max_retries=1)).content[0].text
    assert len(fake_provider.requests) == 5
    assert fake_provider.pending_faults == []


def test_429_carries_a_short_retry_after(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("429")
    with pytest.raises(openai.RateLimitError) as limited:
        _chat(_openai(fake_provider))
    assert limited.value.response.headers["retry-after-ms"] == "20"
    assert limited.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize("stream", [False, True])
def test_hang_trips_the_client_timeout(stream: bool) -> None:
    with FakeProvider(hang_s=5.0) as fake:
        fake.queue_faults("hang", "hang")
        with pytest.raises(openai.APITimeoutError):
            list(_chat(_openai(fake, timeout=0.2), stream=True)) if stream else _chat(
                _openai(fake, timeout=0.2))
        with pytest.raises(anthropic.APITimeoutError):
            _message(_anthropic(fake, timeout=0.2), stream=stream)


def test_a_hung_request_does_not_block_others() -> None:
    with FakeProvider(hang_s=5.0) as fake:
        fake.queue_faults("hang")
        outcome: list[str] = []
        hung = threading.Thread(target=lambda: outcome.append(
            _outcome(lambda: _chat(_openai(fake, timeout=0.3)))))
        hung.start()
        while fake.pending_faults:  # wait until the hang has been taken by the first call
            threading.Event().wait(0.01)
        assert _chat(_openai(fake)).choices[0].message.content  # served while the other hangs
        hung.join()
    assert outcome == ["APITimeoutError"]


def test_truncated_body_fails_json_decoding_in_both_sdks(fake_provider: FakeProvider) -> None:
    """Both SDKs surface a cut body as json.JSONDecodeError (a ValueError), not an APIError."""
    fake_provider.queue_faults("truncated", "truncated")
    with pytest.raises(json.JSONDecodeError):
        _chat(_openai(fake_provider))
    with pytest.raises(json.JSONDecodeError):
        _message(_anthropic(fake_provider))


def test_truncated_stream_fails_mid_stream(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("truncated", "truncated")
    with pytest.raises(json.JSONDecodeError):
        list(_chat(_openai(fake_provider), stream=True))
    with pytest.raises(json.JSONDecodeError):
        list(_message(_anthropic(fake_provider), stream=True))


def test_malformed_structured_output_is_broken_json(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("malformed", "malformed")
    reply = _chat(_openai(fake_provider), response_format={
        "type": "json_schema", "json_schema": {"name": "a", "schema": SCHEMA, "strict": True}})
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.choices[0].message.content)
    tool = {"name": "answer", "input_schema": SCHEMA}
    message = _message(_anthropic(fake_provider), tools=[tool],
                       tool_choice={"type": "tool", "name": "answer"})
    assert message.content[0].type == "text"  # the model "ignored" the tool with broken JSON


def test_malformed_plain_output_is_garbled_but_a_200(fake_provider: FakeProvider) -> None:
    clean = _chat(_openai(fake_provider)).choices[0].message.content
    fake_provider.queue_faults("malformed")
    garbled = _chat(_openai(fake_provider)).choices[0].message.content
    assert garbled != clean and "\ufffd" in garbled


def test_malformed_embeddings_drop_a_vector(fake_provider: FakeProvider) -> None:
    fake_provider.queue_faults("malformed")
    result = _openai(fake_provider).embeddings.create(model="text-embedding-3-small",
                                                      input=["a", "b"], encoding_format="float")
    assert len(result.data) == 1


def test_unknown_fault_kind_is_refused(fake_provider: FakeProvider) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        fake_provider.queue_faults("418")


def _outcomes(seed: int, calls: int = 30) -> list[str]:
    """What each of `calls` sequential calls experienced under a 50% error rate."""
    with FakeProvider(error_rate=0.5, seed=seed, hang_s=1.0) as fake:
        client = _openai(fake, timeout=0.2)
        return [_outcome(lambda: _chat(client)) for _ in range(calls)]


def _outcome(call: Callable[[], Any]) -> str:
    try:
        text = call().choices[0].message.content
    except (openai.APIError, ValueError) as exc:
        return type(exc).__name__
    return "garbled" if "\ufffd" in text else "ok"


def test_error_rate_replays_exactly_with_the_same_seed() -> None:
    first = _outcomes(seed=7)
    assert first == _outcomes(seed=7)
    assert first != _outcomes(seed=8)
    assert {"ok", "RateLimitError", "InternalServerError"} <= set(first)


def test_fault_plan_hands_each_queued_fault_out_once_across_threads() -> None:
    plan = FaultPlan()
    plan.queue(*(FAULT_KINDS * 20))
    taken: list[str | None] = []
    lock = threading.Lock()

    def drain() -> None:
        for _ in range(50):
            fault = plan.next_fault()
            with lock:
                taken.append(fault)

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    served = sorted(f for f in taken if f is not None)
    assert served == sorted(FAULT_KINDS * 20)
    assert taken.count(None) == 200 - len(FAULT_KINDS) * 20


def test_error_rate_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        FakeProvider(error_rate=1.5)
