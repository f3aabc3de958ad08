"""The guard itself must work, or every 'offline' test proves nothing."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_non_loopback_connection_fails_the_test() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlocked, match="non-loopback"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed, and never attempted here
    sock.close()


def test_loopback_connection_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket()
    client.connect(server.getsockname())
    client.close()
    server.close()


def test_provider_keys_are_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    assert "OPENAI_API_KEY" not in os.environ
    assert "ANTHROPIC_API_KEY" not in os.environ
    assert os.environ["AIPM_DATA_DIR"].endswith("aipm-data")
