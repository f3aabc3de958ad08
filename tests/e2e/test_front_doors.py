"""`aipm serve` and `aipm hub` start the real servers on loopback and answer their health checks;
`aipm doctor` finds a real Chroma server when CHROMA_HOST points at one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from frontdoors.cli import app

AIPM = str(Path(sys.executable).parent / "aipm")
CHROMA = str(Path(sys.executable).parent / "chroma")

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true"}  # never open a browser tab
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def get_when_up(url: str, process: subprocess.Popen[bytes], log: Path) -> httpx.Response:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited early:\n{log.read_text()}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"nothing answered at {url} within 90 s:\n{log.read_text()}")


def test_aipm_serve_answers_health(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with running([AIPM, "serve", "--port", str(port)], log) as process:
        response = get_when_up(f"http://127.0.0.1:{port}/health", process, log)
    assert response.json()["status"] == "ok" and response.json()["engine"] == "baseline"


def test_aipm_hub_answers_health(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "hub.log"
    with running([AIPM, "hub", "--port", str(port)], log) as process:
        response = get_when_up(f"http://127.0.0.1:{port}/_stcore/health", process, log)
    assert response.text == "ok"


def test_doctor_reaches_a_real_chroma_server(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "chroma.log"
    command = [CHROMA, "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1",
               "--port", str(port)]
    with running(command, log) as process:
        get_when_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, log)
        result = CliRunner().invoke(app, ["doctor", "--json"],
                                    env={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)})
    report = json.loads(result.stdout)
    check = next(c for c in report["checks"] if c["name"] == "vector store (server)")
    assert result.exit_code == 0 and check["ok"] is True, report
    assert report["vector_store"] == {"mode": "server", "location": f"127.0.0.1:{port}"}
