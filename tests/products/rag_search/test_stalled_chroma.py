"""A real `chroma run` that stops answering (SIGSTOP) mid-ingest and mid-query.

Before CHROMA_TIMEOUT, chromadb's HTTP client waited forever once connected: a paused server
hung a CLI ingest and an API request indefinitely. Now every call gives up within the setting
with one line naming the server, and the API answers 503. The server is always resumed
(SIGCONT) and stopped by the fixture. Timeouts below are hang guards, not timing checks.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import shared._chroma
from frontdoors.server import create_app
from products import get_product
from products.rag_search.core.ingest import ingest_paths
from products.rag_search.core.retrieval import search
from products.rag_search.core.service import existing_knowledge_base
from shared.config import Settings, load_settings
from shared.errors import ProviderUnreachable
from shared.vectorstore import open_vector_store
from tests.chroma_server import free_port, start_chroma_server, stop

TIMEOUT_S = 2.0  # while the server is paused; healthy phases use the default (10 s)
DOCS = {f"page{n}.md": f"# Page {n}\n\nRefunds for plan {n} reach the card in {n} days.\n"
        for n in range(4)}


@pytest.fixture(scope="module")
def chroma_process(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    root = tmp_path_factory.mktemp("stalled-chroma")
    port = free_port()
    process = start_chroma_server(root / "data", port, root / "server.log")
    yield port, process
    os.kill(process.pid, signal.SIGCONT)
    stop(process)


@contextmanager
def resumed_after(process: subprocess.Popen[bytes], port: int) -> Iterator[None]:
    """Whatever the test does to the server, it answers again afterwards."""
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)
        httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=30).raise_for_status()


def server_settings(port: int, timeout_s: float = TIMEOUT_S) -> Settings:
    return load_settings(chroma_host="127.0.0.1", chroma_port=port, chroma_timeout_s=timeout_s)


def healthy_settings(port: int) -> Settings:
    return load_settings(chroma_host="127.0.0.1", chroma_port=port)


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return folder


@pytest.mark.timeout(60)
def test_ingest_fails_with_one_line_when_the_server_pauses_mid_ingest(
    chroma_process: tuple[int, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port, process = chroma_process

    def pause_after_first_file(done: int, total: int, source: str) -> None:
        if done == 1:
            os.kill(process.pid, signal.SIGSTOP)

    with resumed_after(process, port), pytest.raises(ProviderUnreachable) as caught:
        ingest_paths(server_settings(port), [write_docs(tmp_path / "docs")],
                     collection="paused-ingest", progress=pause_after_first_file)
    message = caught.value.message
    assert f"127.0.0.1:{port}" in message and "did not answer within 2 s" in message
    assert "\n" not in message


@pytest.mark.timeout(60)
def test_query_fails_with_one_line_when_the_server_pauses_mid_query(
    chroma_process: tuple[int, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    port, process = chroma_process
    ingest_paths(healthy_settings(port), [write_docs(tmp_path / "docs")],
                 collection="paused-query")
    kb = existing_knowledge_base(server_settings(port), "paused-query")  # connected...
    os.kill(process.pid, signal.SIGSTOP)  # ...then the server stops answering
    with resumed_after(process, port), \
            pytest.raises(ProviderUnreachable, match=f"127.0.0.1:{port}"):
        search(kb, "refunds card", mode="dense", k=3)


@pytest.mark.timeout(60)
def test_api_answers_503_when_the_server_pauses_mid_request(
    chroma_process: tuple[int, subprocess.Popen[bytes]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, process = chroma_process
    ingest_paths(healthy_settings(port), [write_docs(tmp_path / "docs")],
                 collection="paused-api")
    settings = server_settings(port)
    open_vector_store(settings)  # the API's client is connected before the pause
    heartbeat = shared._chroma.check_server_answers

    def heartbeat_then_pause(given: Settings) -> None:  # the request is past connecting
        heartbeat(given)
        os.kill(process.pid, signal.SIGSTOP)

    monkeypatch.setattr(shared._chroma, "check_server_answers", heartbeat_then_pause)
    client = TestClient(create_app(settings, products=[get_product("rag")]),
                        base_url="http://127.0.0.1", headers={"X-AIPM-Client": "tests"},
                        raise_server_exceptions=False)
    with resumed_after(process, port):
        response = client.post("/v1/rag/search", json={"query": "refunds",
                                                       "collection": "paused-api"})
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "provider_unreachable" and f"127.0.0.1:{port}" in error["message"]
