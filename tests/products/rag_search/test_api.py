"""`/v1/rag/...` via TestClient on the platform app: upload, search, ask, stream, collections."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from frontdoors.server import create_app
from products import get_product
from shared.config import Settings, load_settings
from shared.testing.fake_provider import FakeProvider
from tests.products.rag_search.responders import answer_from_s1

REFUNDS_MD = """# Refunds

Annual subscriptions can be refunded within 30 days of purchase. Refunds reach the original
card within five business days.
"""
SECURITY_TXT = """Two-factor sign-in.

Turn on two-factor authentication from Profile, then Security, using an authenticator app.
Recovery codes let you sign in when the phone is lost.
"""
EXPORT_HTML = """<html><head><title>Exporting boards</title></head><body>
<h1>Exporting boards</h1><p>Boards export to a CSV spreadsheet from the board menu. Large
exports are emailed as a zip archive.</p></body></html>
"""
UPLOADS = [("refunds.md", REFUNDS_MD), ("security.txt", SECURITY_TXT),
           ("export.html", EXPORT_HTML)]
ANSWERABLE = "How many days after purchase can annual subscriptions be refunded?"
OFF_TOPIC = "What is the boiling point of liquid nitrogen on Neptune?"


def client_for(settings: Settings) -> TestClient:
    """The platform app with only this product mounted, so other products' state cannot leak."""
    return TestClient(create_app(settings, products=[get_product("rag")]),
                      raise_server_exceptions=False,
                      base_url="http://127.0.0.1", headers={"X-AIPM-Client": "tests"})


def upload(client: TestClient, files: list[tuple[str, str | bytes]],
           collection: str | None = None) -> httpx.Response:
    form = {"collection": collection} if collection else {}
    parts = [("files", (name, data.encode() if isinstance(data, str) else data))
             for name, data in files]
    return client.post("/v1/rag/ingest", files=parts, data=form)


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code
    return response.json()["error"]["message"]


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) pairs from an event-stream body."""
    events = []
    for frame in filter(None, text.split("\n\n")):
        fields = dict(line.split(": ", 1) for line in frame.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


@pytest.fixture
def client() -> TestClient:
    return client_for(load_settings())


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    assert upload(client, UPLOADS).status_code == 200
    return client


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    """The conftest fake provider, but answering from the <source> blocks it is sent."""
    with FakeProvider(responder=answer_from_s1) as server:
        yield server


@pytest.fixture
def llm_client(loaded: TestClient, fake: FakeProvider) -> TestClient:
    """The same knowledge base, answered by the LLM engine (real OpenAI SDK, fake server)."""
    return client_for(load_settings(openai_api_key="test", llm_max_retries=0,
                                    openai_base_url=fake.openai_base_url))


def test_ingest_reports_the_upload_and_reupload_is_unchanged(client: TestClient) -> None:
    first = upload(client, UPLOADS).json()
    assert (first["collection"], first["files_seen"], first["files_indexed"]) == (
        "knowledge_base", 3, 3)
    assert first["chunks_added"] >= 3 and first["files_skipped"] == []
    again = upload(client, UPLOADS).json()
    assert (again["files_unchanged"], again["files_indexed"], again["chunks_added"]) == (3, 0, 0)


def test_corrupt_pdf_in_an_upload_is_skipped_not_an_error(client: TestClient) -> None:
    response = upload(client, [("broken.pdf", b"%PDF-1.4 not a real pdf"), UPLOADS[0]],
                      collection="mixed")
    assert response.status_code == 200
    report = response.json()
    assert report["files_indexed"] == 1
    assert [skipped["path"] for skipped in report["files_skipped"]] == ["broken.pdf"]
    assert report["files_skipped"][0]["error"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize(("query", "source"), [
    ("refund annual subscriptions purchase", "refunds.md"),
    ("two-factor authenticator app recovery codes", "security.txt"),
    ("export boards CSV spreadsheet", "export.html"),
])
def test_search_puts_the_right_source_first(loaded: TestClient, mode: str, query: str,
                                            source: str) -> None:
    body = loaded.post("/v1/rag/search", json={"query": query, "mode": mode, "k": 3}).json()
    assert body["mode"] == mode and body["query"] == query
    assert body["results"][0]["source"] == source and body["results"][0]["rank"] == 1


def test_search_where_filters_by_metadata(loaded: TestClient) -> None:
    body = loaded.post("/v1/rag/search", json={"query": "refund CSV two-factor",
                                               "where": {"source": "export.html"}}).json()
    assert {result["source"] for result in body["results"]} == {"export.html"}


def test_ask_baseline_gives_a_cited_extractive_answer(loaded: TestClient) -> None:
    answer = loaded.post("/v1/rag/ask", json={"question": ANSWERABLE}).json()
    assert answer["engine"] == "extractive" and answer["abstained"] is False
    assert "30 days" in answer["answer"]
    retrieved = {result["chunk_id"] for result in answer["retrieved"]}
    citation = answer["citations"][0]
    assert citation["verified"] and citation["chunk_id"] in retrieved
    assert citation["source"] == "refunds.md"


def test_off_topic_question_abstains(loaded: TestClient) -> None:
    answer = loaded.post("/v1/rag/ask", json={"question": OFF_TOPIC}).json()
    assert answer["abstained"] is True and answer["citations"] == []
    assert answer["abstain_reason"]


def test_ask_stream_ends_with_the_answer_event(loaded: TestClient) -> None:
    response = loaded.post("/v1/rag/ask/stream", json={"question": ANSWERABLE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    assert [name for name, _ in events][-1] == "answer"
    assert events[-1][1]["engine"] == "extractive" and events[-1][1]["citations"]


def test_ask_with_the_llm_engine_verifies_its_citation(llm_client: TestClient) -> None:
    answer = llm_client.post("/v1/rag/ask", json={"question": ANSWERABLE}).json()
    assert answer["engine"] == "llm" and answer["abstained"] is False
    assert answer["model"] == "openai:gpt-4.1-mini"
    citation = answer["citations"][0]
    assert citation["label"] == "S1" and citation["verified"] is True
    assert citation["chunk_id"] == answer["retrieved"][0]["chunk_id"]
    assert answer["cost_usd"] > 0 and answer["latency_ms"] > 0


def test_ask_stream_with_the_llm_engine_emits_deltas(llm_client: TestClient) -> None:
    response = llm_client.post("/v1/rag/ask/stream", json={"question": ANSWERABLE})
    events = sse_events(response.text)
    deltas = "".join(data["text"] for name, data in events if name == "delta")
    assert deltas and "QUOTES" not in deltas
    name, final = events[-1]
    assert name == "answer" and final["engine"] == "llm"
    assert final["answer"].startswith(deltas.split(" [S1]")[0])


def test_a_provider_failure_streams_the_extractive_fallback_with_a_note(
        llm_client: TestClient, fake: FakeProvider) -> None:
    fake.queue_faults("500")
    response = llm_client.post("/v1/rag/ask/stream", json={"question": ANSWERABLE})
    assert response.status_code == 200
    name, data = sse_events(response.text)[-1]
    assert name == "answer" and data["engine"] == "extractive"
    assert "server error" in data["note"] and "30 days" in data["answer"]


def test_a_rejected_key_mid_stream_is_a_final_error_event(llm_client: TestClient,
                                                          fake: FakeProvider) -> None:
    fake.queue_faults("401")
    response = llm_client.post("/v1/rag/ask/stream", json={"question": ANSWERABLE})
    assert response.status_code == 200
    name, data = sse_events(response.text)[-1]
    assert (name, set(data), data["code"]) == ("error", {"code", "message"}, "bad_key")


def test_collections_list_and_delete(loaded: TestClient) -> None:
    listed = loaded.get("/v1/rag/collections").json()["collections"]
    assert [(info["name"], info["count"] > 0) for info in listed] == [("knowledge_base", True)]
    assert loaded.delete("/v1/rag/collections/knowledge_base").json() == {
        "deleted": "knowledge_base"}
    assert loaded.get("/v1/rag/collections").json() == {"collections": []}
    assert_error(loaded.delete("/v1/rag/collections/knowledge_base"), 404, "not_found")


@pytest.mark.parametrize("name", ["../../evil.md", "..\\..\\evil.md"])
def test_upload_names_cannot_escape_the_uploads_folder(client: TestClient, tmp_path: Path,
                                                       name: str) -> None:
    report = upload(client, [(name, REFUNDS_MD)], collection="safe").json()
    assert report["files_indexed"] == 1
    uploads = tmp_path / "aipm-data" / "rag_search" / "uploads" / "safe"
    assert list(tmp_path.rglob("evil.md")) == [uploads / "evil.md"]
    assert not (tmp_path.parent.parent / "evil.md").exists()  # "../../" from the working dir
    hits = client.post("/v1/rag/search", json={"query": "refund", "collection": "safe"}).json()
    assert {result["source"] for result in hits["results"]} == {"evil.md"}


@pytest.mark.parametrize("name", ["..", "../", "uploads/.."])
def test_unusable_upload_names_are_400(client: TestClient, name: str) -> None:
    assert "not a usable file name" in assert_error(upload(client, [(name, "text")]), 400,
                                                    "bad_input")


def test_empty_upload_name_is_400(client: TestClient) -> None:
    body = (b'--b\r\nContent-Disposition: form-data; name="files"; filename=""\r\n\r\n'
            b"text\r\n--b--\r\n")
    response = client.post("/v1/rag/ingest", content=body,
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert_error(response, 400, "bad_input")


def test_oversize_upload_is_413() -> None:
    client = client_for(load_settings(max_upload_mb=0.001))  # 1048 bytes
    message = assert_error(upload(client, [("big.md", "# Big\n" + "words " * 1000)]), 413,
                           "too_large")
    assert "AIPM_MAX_UPLOAD_MB" in message


def test_unknown_collection_is_404(client: TestClient) -> None:
    message = assert_error(client.post("/v1/rag/search", json={"query": "refund",
                                                               "collection": "nope"}),
                           404, "not_found")
    assert "aipm rag ingest" in message
    assert_error(client.post("/v1/rag/ask/stream", json={"question": "refund?",
                                                         "collection": "nope"}), 404, "not_found")


def test_empty_question_is_400_even_when_streaming(loaded: TestClient) -> None:
    for path in ("/v1/rag/ask", "/v1/rag/ask/stream"):
        assert_error(loaded.post(path, json={"question": "   "}), 400, "bad_input")


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/rag/search", {"query": "refund", "k": 0}),
    ("/v1/rag/search", {"query": "refund", "k": 51}),
    ("/v1/rag/ask", {"question": "refund?", "k": 51}),
    ("/v1/rag/search", {"query": "refund", "mode": "fuzzy"}),
])
def test_out_of_range_options_are_422(client: TestClient, path: str,
                                      body: dict[str, Any]) -> None:
    assert "body." in assert_error(client.post(path, json=body), 422, "validation_error")
