"""No client input makes the API answer 500: a property-based fuzz of every route.

Routes, their parameters and their JSON body fields are read from the app's own OpenAPI
schema, so a route added later (by any product) is fuzzed without editing this file. Bodies
mix the right field names with values of every JSON type, including text that is not valid
Unicode (lone surrogates), huge numbers and nested junk; uploads get odd names and bytes.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoors.server import create_app
from products.rag_search.core import DEFAULT_COLLECTION
from shared.config import load_settings

FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SURROGATES = st.sampled_from(["\ud800", "a\udfffb", "\udbff\udc00x\ud800"])
TEXT = st.one_of(st.text(max_size=60), SURROGATES, st.sampled_from(["docs", "", " ", "help"]))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=False), TEXT)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    kit = TestClient(create_app(load_settings(data_dir=data_dir)), base_url="http://127.0.0.1",
                     headers={"X-AIPM-Client": "fuzz"}, raise_server_exceptions=False)
    notes = ("notes.md", b"# Notes\n\nRefunds reach the card in five days.\n")
    for collection in ("docs", DEFAULT_COLLECTION):  # so most fuzzed requests find one
        assert kit.post("/v1/rag/ingest", files=[("files", notes)],
                        data={"collection": collection}).status_code == 200
    return kit


def operations(kit: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    schema = kit.app.openapi()  # type: ignore[attr-defined]
    return [(method.upper(), path, operation) for path, methods in schema["paths"].items()
            for method, operation in methods.items()]


def body_fields(kit: TestClient, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = kit.app.openapi()["components"]["schemas"][name]  # type: ignore[attr-defined]
    return dict(schema.get("properties", {}))


def plausible(field: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Mostly values of the field's own type (so requests get past validation and reach the
    code behind it), sometimes anything at all."""
    kind = field.get("type") or next((option.get("type") for option in field.get("anyOf", [])
                                      if option.get("type") != "null"), None)
    typed = {"string": TEXT, "integer": st.integers(-3, 60), "number": st.floats(-1, 100),
             "boolean": st.booleans(), "array": st.lists(TEXT, max_size=3),
             "object": st.dictionaries(TEXT, SCALARS, max_size=3)}.get(str(kind), JSON_VALUES)
    if "enum" in field:
        typed = st.sampled_from(field["enum"])
    return st.one_of(typed, typed, typed, JSON_VALUES)


def json_body(fields: dict[str, dict[str, Any]]) -> st.SearchStrategy[Any]:
    named = st.fixed_dictionaries({}, optional={name: plausible(field)
                                                for name, field in fields.items()})
    return st.one_of(named, named, named, JSON_VALUES)


def encoded(body: Any) -> bytes:
    """JSON as a client would send it; lone surrogates travel as \\uXXXX escapes."""
    return json.dumps(body).encode()


def call(kit: TestClient, method: str, path: str, data: st.DataObject,
         operation: dict[str, Any]) -> int:
    url = path
    for parameter in operation.get("parameters", []):
        value = data.draw(TEXT if parameter["in"] == "path" else JSON_VALUES)
        escaped = quote(str(value), safe="", errors="surrogatepass")  # invalid UTF-8 too
        if parameter["in"] == "path":
            url = url.replace(f"{{{parameter['name']}}}", escaped or "x")
        else:
            url += f"?{parameter['name']}={escaped}"
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = data.draw(json_body(body_fields(kit, operation)))
        return kit.request(method, url, content=encoded(body),
                           headers={"content-type": "application/json"}).status_code
    if "multipart/form-data" in content:
        return upload(kit, url, data)
    return kit.request(method, url).status_code


NAMES = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=0, max_size=300)


def upload(kit: TestClient, url: str, data: st.DataObject) -> int:
    suffix = data.draw(st.sampled_from([".md", ".txt", ".pdf", ".docx", ".html", ".exe", ""]))
    files = [("files", (data.draw(NAMES) + suffix, data.draw(st.binary(max_size=512))))
             for _ in range(data.draw(st.integers(1, 3)))]
    form = {"collection": data.draw(st.one_of(st.just("docs"), NAMES))}
    return kit.post(url, files=files, data=form).status_code


def test_every_route_is_in_the_fuzz(api: TestClient) -> None:
    paths = {path for _, path, _ in operations(api)}
    assert {"/v1/rag/ingest", "/v1/rag/search", "/v1/rag/ask", "/v1/rag/collections/{name}",
            "/v1/ops"} <= paths


ROUTES = [(method, path) for method, path, _ in operations(TestClient(create_app(load_settings())))
          if path != "/v1/doctor"]  # doctor takes no input and makes a real LLM call


@pytest.mark.parametrize(("method", "path"), ROUTES)
@FUZZ
@given(data=st.data())
def test_no_client_input_gets_a_500(api: TestClient, method: str, path: str,
                                    data: st.DataObject) -> None:
    operation = next(op for m, p, op in operations(api) if (m, p) == (method, path))
    status = call(api, method, path, data, operation)
    assert status < 500, (method, path)
