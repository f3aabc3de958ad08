"""The Streamlit hub through AppTest: home badge and cards, product pages, the Ops page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import products
from products import PRODUCTS, ProductSpec

HUB = str(Path(products.__file__).resolve().parents[1] / "frontdoors" / "hub.py")
BASELINE_BADGE = ":orange-badge[Baseline mode — no LLM key found]"


def run_hub(page: str | None = None) -> AppTest:
    app = AppTest.from_file(HUB, default_timeout=30).run()
    if page is not None:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def markdown_of(app: AppTest) -> list[str]:
    return [element.value for element in app.markdown]


def record_calls(data_dir: Path) -> None:
    from shared.tracing import TraceRow, TraceStore

    store = TraceStore(data_dir / "traces.sqlite")
    store.record(TraceRow(product="rag_search", provider="openai", model="gpt-4.1-mini",
                          latency_ms=210, input_tokens=900, output_tokens=100, cost_usd=0.0005))
    store.record(TraceRow(product="feedback_analyzer", provider="anthropic",
                          model="claude-haiku-4-5", latency_ms=480, input_tokens=50,
                          status="error", error="rate_limited"))


def test_home_keyless_shows_the_baseline_badge_and_cards() -> None:
    app = run_hub()
    assert BASELINE_BADGE in markdown_of(app)
    assert [h.value for h in app.subheader] == [spec.title for spec in PRODUCTS]
    unbuilt = [spec for spec in PRODUCTS if not spec.available]
    assert [c.value for c in app.caption].count("Not built yet") == len(unbuilt)
    assert any("aipm doctor" in text for text in markdown_of(app))
    if not any(spec.available for spec in PRODUCTS):  # never point at a product that is not there
        assert not any("Open a product" in text for text in markdown_of(app))


def test_home_with_an_openai_key_names_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    app = run_hub()
    assert ":green-badge[LLM: openai:gpt-4.1-mini]" in markdown_of(app)
    assert BASELINE_BADGE not in markdown_of(app)


def test_invalid_setting_is_an_error_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIPM_PROVIDER", "bogus")
    app = run_hub()
    assert "AIPM_PROVIDER" in app.error[0].value


def test_available_product_gets_a_page(
    monkeypatch: pytest.MonkeyPatch, sample_spec: ProductSpec
) -> None:
    monkeypatch.setattr(products, "PRODUCTS", (*PRODUCTS, sample_spec))
    app = run_hub()
    assert "Sample product" in [h.value for h in app.subheader]
    assert any("Open a product from the sidebar" in text for text in markdown_of(app))
    page = os.path.relpath(sample_spec.page, Path(HUB).parent)
    app.switch_page(page).run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Sample product page"]
    assert BASELINE_BADGE in markdown_of(app)


def test_ops_empty_state() -> None:
    app = run_hub("hub_pages/ops.py")
    assert [t.value for t in app.title] == ["Ops"]
    assert "Nothing recorded yet" in app.info[0].value
    assert not app.metric


def test_ops_with_traces_shows_totals_tables_and_errors(tmp_path: Path) -> None:
    record_calls(tmp_path / "aipm-data")
    app = run_hub("hub_pages/ops.py")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics == {"Calls": "2", "Errors": "1", "Tokens": "1,050", "Cost (USD)": "$0.0005"}
    by_model, errors = app.dataframe
    assert list(by_model.value["product"]) == ["feedback_analyzer", "rag_search"]
    assert list(errors.value["error"]) == ["rate_limited"]


def test_ops_unreadable_trace_file_is_an_error_message(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    data_dir.mkdir()
    (data_dir / "traces.sqlite").write_bytes(b"this is not a sqlite file" * 100)
    app = run_hub("hub_pages/ops.py")
    assert "cannot be read" in app.error[0].value
