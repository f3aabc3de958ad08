"""Test-wide guards: no provider keys, a private data dir, and no connection off this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.testing.fake_provider import FakeProvider
from tests.chroma_server import free_port, start_chroma_server, stop
from tests.leftovers import kill_all, leftover_processes, mark_this_session

PROVIDER_ENV = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL",
    "AIPM_PROVIDER", "AIPM_MODEL", "OLLAMA_HOST", "AIPM_EMBEDDER", "CHROMA_HOST",
    "CHROMA_PORT", "AIPM_API_TOKEN", "AIPM_DATA_DIR", "CHROMA_TIMEOUT", "AIPM_CACHE",
    "AIPM_MASK_PII",
)

# Set before any test module imports chromadb or streamlit, so neither phones home.
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
os.environ["HF_HUB_OFFLINE"] = "1"
SESSION_TOKEN = mark_this_session()


@pytest.fixture(scope="session", autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    """The suite ends with no process of its own running: after every other fixture has been
    torn down, a leftover is killed (so the next run starts clean) and fails the run."""
    yield
    leftovers = leftover_processes(SESSION_TOKEN)
    kill_all(leftovers)
    lines = "; ".join(f"pid {pid}: {command[:160]}" for pid, command in leftovers.items())
    assert not leftovers, f"Processes started by the tests were still running (killed): {lines}"


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like never leave the machine
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to reach anything but loopback."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried a non-loopback connection to {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried a non-loopback connection to {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _offline_and_isolated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """Every test: no keys, data dir in tmp, `.env` of the working tree ignored, loopback only."""
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "aipm-data"
    monkeypatch.setenv("AIPM_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)  # a developer's own .env must not leak into tests
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    yield data_dir


@pytest.fixture
def repo_root() -> Path:
    """The checkout's top folder, for tests that read shipped files."""
    return Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    """A started fake OpenAI + Anthropic server on loopback (default responder), stopped after.

    Point SDKs or Settings at `fake_provider.openai_base_url` / `.anthropic_base_url`; queue
    faults with `fake_provider.queue_faults("429", ...)`. See CONTRIBUTING.md, "The fake provider".
    """
    with FakeProvider() as fake:
        yield fake


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` on loopback, shared by one test module: (host, port)."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    process = start_chroma_server(root / "data", port, root / "server.log")
    yield "127.0.0.1", port
    stop(process)
