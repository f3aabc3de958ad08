"""The command line: a real subprocess on a free port, the responder flag, loopback only."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import openai
import pytest

from shared.testing.fake_provider import FakeProvider, load_responder, require_loopback

MODULE = "shared.testing.fake_provider"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cli_server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The CLI in the foreground of a child process; yields it and its announced URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", MODULE, "--port", str(port), "--responder",
         "shared.testing.responders:echo_context", "--latency-ms", "1"],
        stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stderr.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}" in banner, banner
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_cli_serves_on_the_announced_port(
        cli_server: tuple[subprocess.Popen[str], str]) -> None:
    _, url = cli_server
    client = openai.OpenAI(base_url=url + "/v1", api_key="test-key", max_retries=0, timeout=5)
    reply = client.chat.completions.create(model="gpt-4.1-mini", messages=[
        {"role": "user", "content": "Question: when? Context: Refunds take 5 days. Ask us."}])
    assert reply.choices[0].message.content == "Refunds take 5 days."


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_cli_stops_cleanly_on_ctrl_c_or_kill(cli_server: tuple[subprocess.Popen[str], str],
                                            stop_signal: int) -> None:
    process, _ = cli_server
    process.send_signal(stop_signal)
    assert process.wait(timeout=10) == 0
    assert "stopped" in process.stderr.read()  # type: ignore[union-attr]


def test_cli_refuses_a_non_loopback_host() -> None:
    done = subprocess.run([sys.executable, "-m", MODULE, "--host", "0.0.0.0", "--port", "0"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "only listens on loopback" in done.stderr and "0.0.0.0" in done.stderr


def test_cli_names_a_responder_it_cannot_load() -> None:
    done = subprocess.run([sys.executable, "-m", MODULE, "--responder", "shared.testing:nope"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "has no function 'nope'" in done.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_constructor_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ValueError, match="only listens on loopback"):
        FakeProvider(host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    require_loopback(host)


def test_responder_spec_must_name_module_and_function() -> None:
    with pytest.raises(ValueError, match="module:function"):
        load_responder("shared.testing.responders")
    assert load_responder("shared.testing.responders:lying")({}).startswith("Sure!")
