"""Every hub page in real Chromium at 1280x800 and 390x844: no console or page error, no
deprecation warning, no truncated text, and a screenshot of each kept as a CI artefact.

Screenshots go to `$AIPM_SCREENSHOT_DIR`, else `<checkout>/.aipm/screenshots/` (the kit's
default data dir, ignored by git), so they outlive the test's tmp dir.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.page_tour import (
    PAGES,
    REPO_ROOT,
    SIZES,
    running_hub,
    seed_traces,
    server_deprecations,
    tour,
)

pytestmark = [pytest.mark.e2e]


def screenshot_dir() -> Path:
    return Path(os.environ.get("AIPM_SCREENSHOT_DIR") or REPO_ROOT / ".aipm" / "screenshots")


@pytest.mark.timeout(900)  # 18 page visits, each waiting for Streamlit to settle
def test_every_page_at_both_sizes(tmp_path: Path) -> None:
    seed_traces(Path(os.environ["AIPM_DATA_DIR"]))
    log = tmp_path / "streamlit.log"
    sizes = {**SIZES, "narrow desktop": (1000, 800)}  # three tiles side by side, tight
    with running_hub(tmp_path, log) as url:
        visits = tour(url, screenshot_dir(), sizes)
    assert len(visits) == len(PAGES) * len(sizes)
    problems = [p for visit in visits for p in visit.problems()]
    problems += [f"server log: {line}" for line in server_deprecations(log)]
    assert problems == []
    assert all(visit.screenshot.stat().st_size > 10_000 for visit in visits)


def test_the_truncation_check_sees_a_cut_label(tmp_path: Path) -> None:
    """The check itself: a label forced into a box narrower than its text is reported."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.page_tour import CHROMIUM, CHROMIUM_ARGS, TRUNCATED_JS

    html = ('<div style="width:80px"><span style="display:block;white-space:nowrap;'
            'overflow:hidden;text-overflow:ellipsis">Open RAG knowledge search</span>'
            '<p>fits</p><pre>code may scroll sideways, that is fine</pre></div>')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content(html)
        found = page.evaluate(TRUNCATED_JS)
        browser.close()
    assert len(found) == 1 and "Open RAG knowledge search" in found[0]
