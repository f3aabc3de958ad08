"""A real `chroma run` server on a free loopback port, for the tests of server mode.

The `chroma_server` fixture (tests/conftest.py) starts one per test module; tests that stop a
server on purpose call these helpers directly.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SERVER_START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_chroma_server(path: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """`chroma run` from this interpreter's venv, returned once its heartbeat answers."""
    chroma = Path(sys.executable).parent / "chroma"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1.0).raise_for_status()
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"chroma run did not start: {log_path.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


__all__ = ["SERVER_START_TIMEOUT_S", "free_port", "start_chroma_server", "stop"]
