"""The case-study page opens in headless Chromium with every request off the file blocked,
and shows the real numbers of the latest eval report and its SVG charts."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Route, sync_playwright
from typer.testing import CliRunner

from frontdoors.cli import build_app
from pm.facts import latest_metrics, product_paths
from products import available_products
from tests.e2e.test_hub_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("spec", available_products(), ids=lambda s: s.name)
def test_the_case_study_opens_offline_with_real_numbers(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(build_app(available_products()),
                                ["portfolio", spec.cli_name, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page_file = tmp_path / f"{spec.name}-case-study.html"
    _, metrics = latest_metrics(product_paths(spec.name))
    blocked: list[str] = []

    def block(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            context.route("**/*", block)
            page = context.new_page()
            page.goto(page_file.as_uri())
            text = page.inner_text("body")
            charts = page.locator("svg").count()
            page.screenshot(path=str(tmp_path / "case-study.png"), full_page=True)
        finally:
            browser.close()
    assert blocked == []
    assert charts >= 1
    assert f"Case study: {spec.title}" in text
    for metric in metrics:
        assert metric.value in text
