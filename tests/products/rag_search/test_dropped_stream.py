"""A client that drops `/ask/stream` mid-way still leaves a trace row for the LLM call.

Through a real uvicorn (TestClient buffers whole responses, so it cannot drop a stream):
the probe found the last dropped stream of a run untraced, since the suspended generator
was only closed when the garbage collector reached it, which an idle server may never do.
"""

from __future__ import annotations

import gc
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from frontdoors.server import create_app
from products import get_product
from products.rag_search.core import ingest_uploads
from shared.config import Settings, load_settings
from shared.testing.fake_provider import FakeProvider
from shared.tracing import LOCAL_PROVIDER, TraceStore

DROPS = 4
ANSWER = "Annual plans can be refunded within 30 days of purchase [S1]. " * 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    with FakeProvider(responder=lambda request: ANSWER) as fake:
        settings = load_settings(data_dir=tmp_path / "data", openai_api_key="k",
                                 openai_base_url=fake.openai_base_url, llm_max_retries=0)
        ingest_uploads(settings, [("refunds.md", b"# Refunds\n\nAnnual plans can be refunded "
                                                 b"within 30 days of purchase.\n")])
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(
            create_app(settings, products=[get_product("rag")]), host="127.0.0.1", port=port,
            log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started and thread.is_alive():
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", settings
        server.should_exit = True
        thread.join(10)


def drop_after_first_event(url: str) -> None:
    with httpx.Client(timeout=10) as client, client.stream(
            "POST", f"{url}/v1/rag/ask/stream", json={"question": "Can annual plans be refunded?"}
    ) as response:
        for line in response.iter_lines():
            if line.startswith("data"):  # a delta arrived: the call reached the provider
                return


def rag_rows(settings: Settings) -> list[str]:
    rows = TraceStore(settings.data_path("traces.sqlite")).recent(1000)
    return [row.error or "" for row in rows
            if row.product == "rag_search" and row.provider != LOCAL_PROVIDER]  # LLM calls only


def test_every_dropped_stream_is_traced(served: tuple[str, Settings]) -> None:
    """The cyclic garbage collector is paused, as on a quiet server where it has no reason
    to run: the rows must not depend on it."""
    url, settings = served
    gc.disable()
    try:
        for _ in range(DROPS):
            drop_after_first_event(url)
        deadline = time.monotonic() + 15  # rows land as the server notices each drop
        while len(rag_rows(settings)) < DROPS and time.monotonic() < deadline:
            time.sleep(0.1)
        errors = rag_rows(settings)
    finally:
        gc.enable()
    assert len(errors) == DROPS
    assert all(error.startswith("stream_closed") for error in errors)
