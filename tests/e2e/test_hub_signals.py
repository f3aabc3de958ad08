"""Stopping `aipm hub` stops its Streamlit child too: the port is free once `aipm` has exited,
whether it got SIGTERM (`kill`) or SIGINT (Ctrl-C); `make demo PORT=...` passes the port on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

AIPM = str(Path(sys.executable).parent / "aipm")

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_hub(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true"}
    with log.open("wb") as sink:
        process = subprocess.Popen([AIPM, "hub", "--port", str(port)], env=env, stdout=sink,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok":
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"hub did not start:\n{log.read_text()}")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_aipm_hub_stops_streamlit_and_frees_the_port(
        signum: signal.Signals, tmp_path: Path) -> None:
    port = free_port()
    process = start_hub(port, tmp_path / "hub.log")
    process.send_signal(signum)
    try:
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert port_is_free(port), "Streamlit still answers after `aipm hub` exited"


def test_make_demo_passes_the_port_on(repo_root: Path) -> None:
    dry_run = subprocess.run(["make", "-n", "-C", str(repo_root), "demo", "PORT=8600"],
                             capture_output=True, text=True, check=True)
    assert ".venv/bin/aipm hub --port 8600" in dry_run.stdout
    default = subprocess.run(["make", "-n", "-C", str(repo_root), "demo"],
                             capture_output=True, text=True, check=True)
    hub_line = next(line for line in default.stdout.splitlines() if "aipm hub" in line)
    assert hub_line.strip() == ".venv/bin/aipm hub", default.stdout
