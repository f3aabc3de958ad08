"""The fake provider in its own process, as a real provider would be, for benchmarks.

In-process, the fake's server thread competes with the client for the GIL, so every call that
releases it (an SQLite commit, a socket read) is charged for the server's work as well.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fake_provider_process(*args: str) -> Iterator[str]:
    """Start `python -m shared.testing.fake_provider` and yield its base URL (no `/v1`)."""
    port = free_port()
    command = [sys.executable, "-m", "shared.testing.fake_provider", "--port", str(port), *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The fake provider exited with code {process.returncode}.")
        try:
            httpx.get(f"{url}/v1/models", timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"The fake provider did not answer at {url} within 15 s.")
