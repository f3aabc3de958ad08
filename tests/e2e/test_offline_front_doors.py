"""The front doors work with no network: `/docs` and `/redoc` render in headless Chromium whose
every request off 127.0.0.1 is refused (and recorded), and the hub loads its own favicon.

Chromium resolves no host name but loopback (`--host-resolver-rules`), and a Playwright route
aborts any request to another host, so a CDN link would leave the page blank and fail here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Route, sync_playwright

AIPM = str(Path(sys.executable).parent / "aipm")
CHROMIUM = "/usr/bin/chromium"
OFFLINE_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """`aipm serve` or `aipm hub` (by param) on a free loopback port; stopped after."""
    command, health = request.param
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true"}
    with log.open("wb") as sink:
        process = subprocess.Popen([AIPM, command, "--port", str(port)], env=env, stdout=sink,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}{health}", process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer:\n{log.read_text()}")


def offline_context(playwright: object, refused: list[str]) -> BrowserContext:
    """A browser context that lets only loopback through and records everything else."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM,  # type: ignore[attr-defined]
                                         args=OFFLINE_ARGS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def gate(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    return context


@pytest.mark.parametrize("server", [("serve", "/health")], indirect=True)
def test_docs_and_redoc_render_with_the_network_blocked(server: str, tmp_path: Path) -> None:
    refused: list[str] = []
    with sync_playwright() as playwright:
        context = offline_context(playwright, refused)
        page = context.new_page()
        page.goto(f"{server}/docs")
        page.locator(".swagger-ui .opblock").first.wait_for(timeout=60_000)
        assert page.locator(".swagger-ui .opblock").count() >= 5  # the routes, drawn
        page.screenshot(path=str(tmp_path / "docs-offline.png"), full_page=True)
        assert refused == []  # /docs asked for nothing off this machine
        page.goto(f"{server}/redoc")
        page.get_by_text("AI PM Starter Kit API").first.wait_for(timeout=60_000)
        page.locator("[data-section-id]").first.wait_for(timeout=60_000)
        context.browser.close()  # type: ignore[union-attr]
    # ReDoc's bundle still links its vendor's footer logo; the page renders without it.
    assert [urlsplit(url).hostname for url in refused] in ([], ["cdn.redoc.ly"])


@pytest.mark.parametrize("server", [("hub", "/_stcore/health")], indirect=True)
def test_hub_renders_with_its_own_favicon_and_the_network_blocked(server: str) -> None:
    refused: list[str] = []
    with sync_playwright() as playwright:
        context = offline_context(playwright, refused)
        page = context.new_page()
        page.goto(server)
        page.get_by_text("Baseline mode — no LLM key found").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)  # let late asset requests (icons, fonts) go out
        icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
        favicon = httpx.get(icon if icon.startswith("http") else f"{server}/{icon.lstrip('./')}")
        context.browser.close()  # type: ignore[union-attr]
    assert favicon.status_code == 200 and favicon.content.startswith(b"\x89PNG")
    assert refused == []
