"""Visit every hub page in headless Chromium at a desktop and a phone size, and judge it.

One tour feeds two things, so the README's pictures are what the test checked:
- `tests/e2e/test_hub_pages_browser.py` fails on a console error, an uncaught page error, a
  deprecation warning (console, page or server log), or a text element whose text does not
  fit (its `scrollWidth` exceeds its `clientWidth`, i.e. clipped or cut with an ellipsis),
  and keeps one screenshot per page per size under the data dir (a CI artefact);
- `make screenshots` (`python -m tests.e2e.page_tour --out docs/screenshots`) writes the
  README's screenshots from the same tour at the desktop size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from frontdoors.cli import hub_command, widget_upload_mb

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BADGE = "Baseline mode — no LLM key found"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
# url path → (name used in file names, a text the page shows once it has rendered)
PAGES = {
    "": ("home", "AI PM Starter Kit"),
    "ops": ("ops", "Ops"),
    "pm": ("pm", "PM"),
    "rag_search": ("rag_search", "RAG knowledge search"),
    "feedback_analyzer": ("feedback_analyzer", "Feedback analyzer"),
    "resume_assistant": ("resume_assistant", "Résumé assistant"),
}
DEPRECATION_WORDS = ("deprecat", "will be removed")
# Opened at /ops, Streamlit's frontend first asks /ops/_stcore/health and host-config, gets a
# 404 and retries at the root: its own probe, not a fault of a page (docs/decisions.md).
STREAMLIT_PROBE = re.compile(r"/[\w-]+/_stcore/(health|host-config)$")

# Every visible element that holds text of its own and whose content is wider than its box.
# Code blocks and tables scroll sideways by design, and an <input> scrolls its value, so
# they are left out; everything else that is wider than its box is text a person cannot read.
TRUNCATED_JS = """
() => {
  const skip = 'pre, code, textarea, input, select, [data-testid="stDataFrame"], '
             + '[data-testid="stTable"], .stCodeBlock, svg, canvas, [aria-hidden="true"]';
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest(skip)) continue;
    const own = Array.from(el.childNodes).some(
      n => n.nodeType === Node.TEXT_NODE && n.textContent.trim().length > 0);
    if (!own) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'inline') continue;
    if (box.right <= 0 || box.left >= window.innerWidth) continue;  // a closed sidebar
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 60)}" `
                 + `(${el.scrollWidth}px of text in ${el.clientWidth}px)`);
    }
  }
  return found;
}
"""


UPLOAD_CAP = re.compile(r"\d+mb per file")  # what Streamlit's uploader says, lower-cased


@dataclass
class PageVisit:
    """What one page at one size showed: the problems found and where its screenshot is."""

    page: str
    size: str
    screenshot: Path
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    deprecations: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    upload_caps: list[str] = field(default_factory=list)  # a widget's cap not the kit's
    exceptions: int = 0

    def problems(self) -> list[str]:
        where = f"{self.page} at {self.size}"
        return ([f"{where}: console error: {e}" for e in self.console_errors]
                + [f"{where}: page error: {e}" for e in self.page_errors]
                + [f"{where}: deprecation warning: {e}" for e in self.deprecations]
                + [f"{where}: truncated text: {e}" for e in self.truncated]
                + [f"{where}: upload widget says {e}, not the kit's {widget_upload_mb()}MB"
                   for e in self.upload_caps]
                + ([f"{where}: {self.exceptions} Streamlit exception(s)"]
                   if self.exceptions else []))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_hub(workdir: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run frontdoors/hub.py` on a free loopback port; stopped on exit."""
    port = free_port()
    command = [*hub_command(port), "--server.headless", "true"]  # as `aipm hub` starts it
    with log.open("wb") as sink:
        # cwd is a scratch dir, so a developer's own .env (with real keys) is never read.
        process = subprocess.Popen(command, cwd=workdir, env=env or dict(os.environ),
                                   stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):  # not listening yet
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        time.sleep(0.3)
    raise RuntimeError(f"hub did not answer within 90 s:\n{log.read_text()}")


def tour(url: str, out: Path, sizes: dict[str, tuple[int, int]] = SIZES,
         name_by_size: bool = True) -> list[PageVisit]:
    """Every page at every size; screenshots go to `out` as `<page>-<WxH>.png`."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    visits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size, (width, height) in sizes.items():
                for path, (name, marker) in PAGES.items():
                    shot = out / (f"{name}-{width}x{height}.png" if name_by_size else f"{name}.png")
                    visits.append(_visit(browser, f"{url}/{path}", name, marker, size,
                                         (width, height), shot))
        finally:
            browser.close()
    return visits


def _visit(browser, url: str, name: str, marker: str, size: str,  # type: ignore[no-untyped-def]
           viewport: tuple[int, int], shot: Path) -> PageVisit:
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    visit = PageVisit(page=name, size=f"{size} {viewport[0]}x{viewport[1]}", screenshot=shot)
    page.on("console", lambda message: _on_console(visit, message))
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    try:
        page.goto(url)
        page.get_by_text(BADGE).first.wait_for(timeout=60_000)
        page.locator("h1", has_text=marker).first.wait_for(timeout=60_000)
        _wait_until_idle(page)
        visit.exceptions = page.locator('[data-testid="stException"]').count()
        visit.truncated = page.evaluate(TRUNCATED_JS)
        body = page.locator("body").inner_text().lower()
        visit.deprecations += [w for w in DEPRECATION_WORDS if w in body]
        visit.upload_caps = [cap for cap in UPLOAD_CAP.findall(body)
                             if cap != f"{widget_upload_mb()}mb per file"]
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    return visit


def _on_console(visit: PageVisit, message) -> None:  # type: ignore[no-untyped-def]
    text = message.text
    if message.type == "error" and not STREAMLIT_PROBE.search(message.location.get("url", "")):
        visit.console_errors.append(text[:300])
    if any(word in text.lower() for word in DEPRECATION_WORDS):
        visit.deprecations.append(text[:300])


def _wait_until_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Until Streamlit's "running" indicator is gone, then a moment for charts to draw."""
    deadline = time.monotonic() + 60
    running = page.locator('[data-testid="stStatusWidget"]')
    while time.monotonic() < deadline and running.count() and running.first.is_visible():
        page.wait_for_timeout(250)
    page.wait_for_timeout(1500)


def server_deprecations(log: Path) -> list[str]:
    """Deprecation warnings Streamlit (or the kit) printed in the server log."""
    return [line.strip() for line in log.read_text(errors="replace").splitlines()
            if any(word in line.lower() for word in DEPRECATION_WORDS)]


def seed_traces(data_dir: Path) -> None:
    """A few LLM calls (one failed), a keyless operation and a rating, so Ops has something
    to draw: the test checks that page with its tables and charts, not its empty state."""
    from shared.ratings import rate_answer
    from shared.tracing import TraceRow, TraceStore, traced_operation

    store = TraceStore(data_dir / "traces.sqlite")
    for latency, status in ((180.0, "ok"), (420.0, "ok"), (900.0, "error")):
        store.record(TraceRow(product="rag_search", provider="openai", model="gpt-4.1-mini",
                              latency_ms=latency, input_tokens=300, output_tokens=40,
                              cost_usd=0.0002, status=status,
                              error="rate_limited" if status == "error" else None))
    store.close()
    with traced_operation(data_dir, product="rag_search", operation="ask", engine="bm25") as row:
        row.items = 5
    rate_answer(data_dir, row.trace_id or "", "up", "Found the refund rule")


def main(argv: list[str] | None = None) -> int:
    """`make screenshots`: the README's pictures, one per page, from a fresh data dir."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aipm-screens-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIPM_", "OPENAI_",
                                                                         "ANTHROPIC_"))}
        env.update(AIPM_DATA_DIR=str(Path(tmp) / "data"), ANONYMIZED_TELEMETRY="False",
                   PYTHONPATH=str(REPO_ROOT))
        seed_traces(Path(tmp) / "data")
        with running_hub(Path(tmp), Path(tmp) / "streamlit.log", env) as url:
            visits = tour(url, options.out, {"desktop": SIZES["desktop"]}, name_by_size=False)
    for visit in visits:
        sys.stdout.write(f"{visit.screenshot}\n")
    problems = [p for visit in visits for p in visit.problems()]
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
