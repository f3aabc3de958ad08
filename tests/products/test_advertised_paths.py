"""Every path a front door advertises answers: `GET /v1/products` and the hub's home card both
read `ProductSpec.api_path`, and the API mounts each router there."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import products
from frontdoors.server import create_app
from products import ProductSpec, available_products
from shared.config import load_settings
from tests.kit_client import kit_client

HUB = str(Path(products.__file__).resolve().parents[1] / "frontdoors" / "hub.py")


def test_every_advertised_product_path_answers_with_its_routes() -> None:
    client = kit_client(create_app(load_settings()), raise_server_exceptions=False)
    listed = client.get("/v1/products").json()["products"]
    advertised = [entry["path"] for entry in listed if entry["path"]]
    assert len(advertised) == len(available_products()) >= 1
    openapi = client.get("/openapi.json").json()["paths"]
    for path in advertised:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        routes = response.json()["routes"]
        assert routes and all(route["path"] in openapi for route in routes), routes


def test_every_parameterless_get_route_answers(tmp_path: Path) -> None:
    """No GET in the OpenAPI schema that takes no input is a 404 or a 500."""
    client = kit_client(create_app(load_settings()), raise_server_exceptions=False)
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path or any(p.get("required") for p in get.get("parameters", [])):
            continue
        if path.endswith("/doctor"):
            continue  # answers too, but opens the vector store; covered by test_server
        assert client.get(path).status_code == 200, path


def test_rag_is_advertised_where_it_is_mounted() -> None:
    spec = products.get_product("rag_search")
    assert spec.api_path == "/v1/rag"
    client = kit_client(create_app(load_settings(), products=[spec]))
    entry = next(p for p in client.get("/v1/products").json()["products"]
                 if p["name"] == "rag_search")
    assert entry["path"] == "/v1/rag/"
    assert client.get(entry["path"]).json()["product"] == "rag_search"


def test_unmounted_product_has_no_path(sample_spec: ProductSpec) -> None:
    client = kit_client(create_app(load_settings(), products=[sample_spec]))
    listed = {p["name"]: p["path"] for p in client.get("/v1/products").json()["products"]}
    assert listed["rag_search"] is None
    assert client.get("/v1/sample/").json()["routes"][0]["path"].startswith("/v1/sample/")


def test_hub_home_card_shows_the_mounted_api_path() -> None:
    app = AppTest.from_file(HUB, default_timeout=30).run()
    captions = [caption.value for caption in app.caption]
    for spec in available_products():
        assert f"CLI: `aipm {spec.cli_name}` · API: `{spec.api_path}/`" in captions
