"""Answer ratings end to end, keyless: a product traces an operation, a person rates the answer
in the widget or through `POST /v1/ratings`, and Ops (page, `aipm ops`, `GET /v1/ops`) shows
the operation per product and engine and the 👍 rate per product and operation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import products
from frontdoors.cli import app
from frontdoors.server import create_app
from shared.config import load_settings
from shared.errors import BadInput, NotFound
from shared.ratings import rate_answer, rating_summary, recent_ratings
from shared.tracing import trace_store_for, traced_operation
from tests.kit_client import kit_client

HUB = str(Path(products.__file__).resolve().parents[1] / "frontdoors" / "hub.py")


def keyless_answers(data_dir: Path, count: int = 2) -> list[str]:
    """What a keyless session leaves: baseline operations, each with its trace id."""
    ids = []
    for _ in range(count):
        with traced_operation(data_dir, product="rag_search", operation="ask",
                              engine="bm25") as row:
            row.items = 5
        ids.append(row.trace_id or "")
    return ids


def test_a_rating_takes_product_and_operation_from_its_trace(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    first, second = keyless_answers(data_dir)
    rate_answer(data_dir, first, "up")
    rate_answer(data_dir, second, "down", "Cited the wrong page; mail me at pm@example.com")
    rate_answer(data_dir, second, "up")  # changing one's mind replaces the rating
    (summary,) = rating_summary(data_dir)
    assert (summary.product, summary.operation, summary.up, summary.down) == (
        "rag_search", "ask", 2, 0)
    assert summary.up_rate == 1.0
    comment = next(r.comment for r in recent_ratings(data_dir) if r.trace_id == second)
    assert comment is None  # the second rating carried no comment


def test_a_comment_is_stored_with_personal_data_masked(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    (answer,) = keyless_answers(data_dir, 1)
    rating = rate_answer(data_dir, answer, "down", "  Wrong page; mail pm@example.com  ")
    assert rating.comment is not None and "pm@example.com" not in rating.comment
    assert rating.comment.startswith("Wrong page")


def test_an_unknown_trace_or_a_huge_comment_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    (answer,) = keyless_answers(data_dir, 1)
    with pytest.raises(NotFound, match="No traced answer has id 'nope'"):
        rate_answer(data_dir, "nope", "up")
    with pytest.raises(BadInput, match="keep it under 2000"):
        rate_answer(data_dir, answer, "up", "x" * 2001)
    assert rating_summary(data_dir) == []


def test_a_store_that_cannot_be_written_warns_and_the_operation_goes_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with traced_operation(blocker, product="rag_search", operation="ask", engine="bm25"):
        answer = 42
    assert answer == 42 and "Could not write the trace row" in caplog.text


def test_the_api_rates_at_v1_ratings_not_under_the_feedback_product(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    (answer,) = keyless_answers(data_dir, 1)
    client = kit_client(create_app(load_settings()), raise_server_exceptions=False)
    created = client.post("/v1/ratings", json={"trace_id": answer, "rating": "down",
                                                "comment": "Too long"})
    assert created.status_code == 201 and created.json()["product"] == "rag_search"
    missing = client.post("/v1/ratings", json={"trace_id": "nope", "rating": "up"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.post("/v1/ratings", json={"trace_id": answer, "rating": "meh"}).status_code \
        == 422
    listed = client.get("/v1/ratings").json()["ratings"]
    assert listed == [{"product": "rag_search", "operation": "ask", "up": 0, "down": 1,
                       "comments": 1, "up_rate": 0.0}]
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/v1/feedback") and "rating" in p]


def rating_page(trace_id: str) -> None:
    from shared.ui_support import current_settings, rating_widget

    rating_widget(current_settings(), trace_id)


def test_the_widget_stores_thumbs_and_comment(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    (answer,) = keyless_answers(data_dir, 1)
    page = AppTest.from_function(rating_page, args=(answer,), default_timeout=30).run()
    page.button[0].click().run()  # sent without a choice: asks for one, stores nothing
    assert "Pick 👍 or 👎" in page.warning[0].value and rating_summary(data_dir) == []
    page.feedback[0].set_value(1)
    page.text_input[0].input("Spot on")
    page.button[0].click().run()
    assert not page.exception and "Thanks" in page.success[0].value
    (rating,) = recent_ratings(data_dir)
    assert (rating.trace_id, rating.thumbs, rating.comment) == (answer, "up", "Spot on")


def test_ops_page_shows_a_keyless_session_and_its_ratings(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    first, second = keyless_answers(data_dir)
    rate_answer(data_dir, first, "up", "Clear answer")
    rate_answer(data_dir, second, "down")
    page = AppTest.from_file(HUB, default_timeout=30).run()
    page.switch_page("hub_pages/ops.py").run()
    assert not page.exception
    assert "No LLM calls yet" in page.caption[0].value
    operations, ratings, *_ = page.dataframe
    assert operations.value.iloc[0][["product", "engine", "operations", "items"]].tolist() == [
        "rag_search", "bm25", 2, 10]
    assert ratings.value.iloc[0]["👍 rate"] == "50.0%"
    assert any("Clear answer" in caption.value for caption in page.caption)


def test_aipm_ops_shows_operations_and_the_rating_rate(tmp_path: Path) -> None:
    data_dir = tmp_path / "aipm-data"
    first, second = keyless_answers(data_dir)
    rate_answer(data_dir, first, "up")
    rate_answer(data_dir, second, "down")
    human = CliRunner().invoke(app, ["ops"], env={"COLUMNS": "200"}).stdout
    assert "Keyless operations" in human and "Answer ratings" in human and "50%" in human
    report = json.loads(CliRunner().invoke(app, ["ops", "--json"]).stdout)
    assert report["totals"]["calls"] == 0  # operations are not LLM calls
    assert report["operations"][0]["model"] == "bm25" and report["operations"][0]["items"] == 10
    assert report["ratings"][0]["up_rate"] == 0.5
    assert trace_store_for(data_dir).find(first) is not None


def test_ratings_on_a_fresh_or_broken_data_dir(tmp_path: Path) -> None:
    client = kit_client(create_app(load_settings()), raise_server_exceptions=False)
    assert client.get("/v1/ratings").json() == {"ratings": [], "recent": []}  # nothing yet
    data_dir = tmp_path / "aipm-data"
    (data_dir / "traces.sqlite").write_bytes(b"this is not a sqlite file" * 100)
    broken = client.get("/v1/ratings")
    assert broken.status_code == 400 and "cannot be opened" in broken.json()["error"]["message"]
