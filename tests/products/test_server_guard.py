"""The local API against web pages and odd clients: tokens, Host, cross-site posts, Unicode.

Probes pinned here: `AIPM_API_TOKEN=` (empty, as .env.example ships it) let `aipm serve
--host 0.0.0.0` serve an open API with no warning; any page could POST a multipart upload to
127.0.0.1 and plant a document; the Host header was not checked (DNS rebinding); a lone
surrogate in a query was a 500.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from frontdoors.cli import app as cli_app
from frontdoors.server import create_app
from products import get_product
from shared.config import Settings, load_settings

RAG = [get_product("rag")]
MARKDOWN = ("notes.md", b"# Notes\n\nRefunds reach the card in five days.\n", "text/markdown")


def client(settings: Settings | None = None, *, host: str = "127.0.0.1:8000",
           allowed_hosts: tuple[str, ...] = ()) -> TestClient:
    """A client that sends no kit header unless a test adds one."""
    return TestClient(create_app(settings or load_settings(), products=RAG,
                                 allowed_hosts=allowed_hosts),
                      base_url=f"http://{host}", raise_server_exceptions=False)


def test_an_empty_api_token_means_unset() -> None:
    assert load_settings(api_token="").api_token is None
    assert load_settings(api_token="  ").api_token is None
    assert load_settings(api_token="tok").api_token is not None


def test_serve_on_all_interfaces_with_an_empty_token_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIPM_API_TOKEN", "")
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 1
    assert "Refusing to serve on 0.0.0.0 without AIPM_API_TOKEN" in result.stderr
    assert "--insecure" in result.stderr and result.stderr.count("\n") == 1


def test_a_cross_site_multipart_upload_is_refused_without_the_kit_header() -> None:
    response = client().post("/v1/rag/ingest", files=[("files", MARKDOWN)])
    assert response.status_code == 403
    assert "X-AIPM-Client" in response.json()["error"]["message"]
    listing = client().get("/v1/rag/collections").json()["collections"]
    assert listing == []  # nothing was planted


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_other_simple_posts_are_refused_without_the_kit_header(content_type: str) -> None:
    response = client().post("/v1/rag/search", content=b'{"query": "refund"}',
                             headers={"content-type": content_type})
    assert response.status_code == 403


def test_the_kit_header_or_a_json_body_or_a_token_lets_requests_through() -> None:
    with_header = client().post("/v1/rag/ingest", files=[("files", MARKDOWN)],
                                headers={"X-AIPM-Client": "my-script"})
    assert with_header.status_code == 200, with_header.text
    as_json = client().post("/v1/rag/search", json={"query": "refund"})
    assert as_json.status_code == 200
    secured = client(load_settings(api_token="tok")).post(
        "/v1/rag/ingest", files=[("files", MARKDOWN)], headers={"Authorization": "Bearer tok"})
    assert secured.status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8000", "attacker.test", "127.0.0.1.nip.io"])
def test_a_rebound_host_name_is_refused(host: str) -> None:
    response = client(host=host).get("/v1/rag/collections")
    assert response.status_code == 403
    assert "refused" in response.json()["error"]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000",
                                  "192.168.1.20:8000"])
def test_localhost_and_ip_addresses_are_answered(host: str) -> None:
    assert client(host=host).get("/v1/rag/collections").status_code == 200


def test_the_host_serve_was_started_on_is_answered_and_a_token_lifts_the_check() -> None:
    assert client(host="my-box.lan:8000", allowed_hosts=("my-box.lan",)).get(
        "/health").status_code == 200
    secured = client(load_settings(api_token="tok"), host="api.example.com")
    assert secured.get("/health").status_code == 200


@pytest.mark.parametrize(("path", "field"), [("/v1/rag/search", "query"),
                                             ("/v1/rag/ask", "question"),
                                             ("/v1/rag/ask/stream", "question")])
def test_a_lone_surrogate_is_a_422_not_a_500(path: str, field: str) -> None:
    kit = client()
    kit.post("/v1/rag/ingest", files=[("files", MARKDOWN)], headers={"X-AIPM-Client": "t"})
    response = kit.post(path, content=b'{"%s": "refund \\ud800"}' % field.encode(),
                        headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert "surrogate" in response.json()["error"]["message"]
