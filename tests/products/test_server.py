"""The FastAPI app through TestClient: health, docs, platform routes, auth, JSON errors, limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdoors.server import create_app, get_settings
from products import ProductSpec
from shared.config import Settings, load_settings
from shared.testing.fake_provider import FakeProvider
from shared.tracing import TraceRow, TraceStore

TOKEN = "s3cret-token"


def client_for(settings: Settings, products: list[ProductSpec] | None = None) -> TestClient:
    return TestClient(create_app(settings, products=products), raise_server_exceptions=False,
                      base_url="http://127.0.0.1", headers={"X-AIPM-Client": "tests"})


@pytest.fixture
def client(sample_spec: ProductSpec) -> TestClient:
    return client_for(load_settings(), [sample_spec])


@pytest.fixture
def secured(sample_spec: ProductSpec) -> TestClient:
    return client_for(load_settings(api_token=TOKEN), [sample_spec])


def assert_error(response, status: int, code: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    return body["error"]["message"]


def test_health_reports_engine_and_version(client: TestClient) -> None:
    assert client.get("/health").json() == {
        "status": "ok", "engine": "baseline", "provider": "none", "model": None,
        "version": client.app.version,  # type: ignore[attr-defined]
    }


def test_health_with_a_key_names_the_model() -> None:
    settings = load_settings(openai_api_key="sk-test")
    body = client_for(settings).get("/health").json()
    assert (body["engine"], body["provider"], body["model"]) == (
        "llm", "openai", "openai:gpt-4.1-mini")


def test_docs_and_openapi_list_the_routes(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/v1/doctor", "/v1/ops", "/v1/sample/echo"} <= set(paths)


def test_doctor_route_matches_the_cli_report(client: TestClient) -> None:
    report = client.get("/v1/doctor").json()
    assert report["engine"] == "baseline" and report["ok"] is True
    assert {check["name"] for check in report["checks"]} >= {"settings", "data dir writable"}


def test_doctor_route_makes_the_one_token_call(fake_provider: FakeProvider) -> None:
    settings = load_settings(openai_api_key="test-key", llm_max_retries=0,
                             openai_base_url=fake_provider.openai_base_url)
    report = client_for(settings).get("/v1/doctor").json()
    assert report["ok"] is True and report["model"] == "openai:gpt-4.1-mini"
    assert len(fake_provider.requests) == 1


def test_ops_route_reads_the_trace_store(client: TestClient, tmp_path: Path) -> None:
    TraceStore(tmp_path / "aipm-data" / "traces.sqlite").record(
        TraceRow(provider="anthropic", model="claude-haiku-4-5", input_tokens=7, cost_usd=0.5))
    report = client.get("/v1/ops", params={"recent": 5}).json()
    assert report["totals"]["calls"] == 1 and report["totals"]["cost_usd"] == 0.5
    assert report["recent"][0]["model"] == "claude-haiku-4-5"


def test_products_route_lists_the_registry(client: TestClient) -> None:
    names = [p["name"] for p in client.get("/v1/products").json()["products"]]
    assert names == ["rag_search", "feedback_analyzer", "resume_assistant"]


def test_product_router_is_mounted_under_v1_name(client: TestClient) -> None:
    response = client.post("/v1/sample/echo", json={"text": "hi"})
    assert response.json() == {"echo": "hi"}


def test_settings_dependency_can_be_overridden(client: TestClient) -> None:
    client.app.dependency_overrides[get_settings] = lambda: load_settings(  # type: ignore[attr-defined]
        provider="ollama")
    assert client.get("/health").json()["model"] == "ollama:llama3.2"


def test_token_required_when_set(secured: TestClient) -> None:
    message = assert_error(secured.get("/v1/ops"), 401, "unauthorized")
    assert "Authorization: Bearer" in message
    assert_error(secured.get("/v1/ops", headers={"Authorization": "Bearer wrong"}),
                 401, "unauthorized")
    assert_error(secured.get("/v1/ops", headers={"Authorization": TOKEN}), 401, "unauthorized")
    assert_error(secured.post("/v1/sample/echo", json={"text": "x"}), 401, "unauthorized")


def test_right_token_passes_and_health_and_docs_stay_open(secured: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert secured.get("/v1/ops", headers=headers).status_code == 200
    assert secured.get("/health").status_code == 200
    assert secured.get("/docs").status_code == 200


def test_no_token_configured_means_open(client: TestClient) -> None:
    assert client.get("/v1/ops").status_code == 200


def test_unknown_route_is_json_404(client: TestClient) -> None:
    message = assert_error(client.get("/v1/nope"), 404, "not_found")
    assert "/docs" in message


def test_kit_error_keeps_its_status_and_code(client: TestClient) -> None:
    message = assert_error(client.get("/v1/sample/broken-index"), 409, "index_mismatch")
    assert "Re-index" in message


def test_validation_error_is_json(client: TestClient) -> None:
    message = assert_error(client.post("/v1/sample/echo", json={}), 422,
                           "validation_error")
    assert "body.text" in message


def test_method_not_allowed_is_json(client: TestClient) -> None:
    response = client.get("/v1/sample/echo")
    assert_error(response, 405, "method_not_allowed")
    assert "GET /v1/sample/echo is not allowed: this route takes POST" in \
        response.json()["error"]["message"]


@pytest.fixture
def tiny_limit(sample_spec: ProductSpec) -> Iterator[TestClient]:
    yield client_for(load_settings(max_upload_mb=0.001), [sample_spec])  # 1048 bytes


def test_oversized_body_with_content_length_is_413(tiny_limit: TestClient) -> None:
    message = assert_error(tiny_limit.post("/v1/sample/upload", content=b"x" * 5000),
                           413, "too_large")
    assert "AIPM_MAX_UPLOAD_MB" in message


def test_oversized_chunked_body_is_413(tiny_limit: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 500

    response = tiny_limit.post("/v1/sample/upload", content=chunks())
    assert response.request.headers.get("content-length") is None
    assert_error(response, 413, "too_large")


def test_body_under_the_limit_passes(tiny_limit: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"x" * 600

    assert tiny_limit.post("/v1/sample/upload", content=chunks()).json() == {"bytes": 600}


def test_app_is_importable_for_uvicorn() -> None:
    from frontdoors import server

    assert server.app.title == "AI PM Starter Kit API"
