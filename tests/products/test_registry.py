"""The product registry: three products, conventions for where adapters live, honest status."""

from __future__ import annotations

from importlib.metadata import version as installed_version

import pytest

import products
from products import PRODUCTS, ProductSpec, available_products, get_product, load_object


def test_registry_lists_the_three_products_with_their_cli_names() -> None:
    names = {spec.name: (spec.title, spec.cli_name) for spec in PRODUCTS}
    assert names == {
        "rag_search": ("RAG knowledge search", "rag"),
        "feedback_analyzer": ("Feedback analyzer", "feedback"),
        "resume_assistant": ("Résumé assistant", "resume"),
    }


def test_specs_follow_the_package_convention() -> None:
    spec = get_product("rag_search")
    assert spec.module == "products.rag_search"
    assert spec.router == "products.rag_search.api:router"
    assert spec.cli_app == "products.rag_search.cli:app"
    assert spec.page == products.PRODUCTS_DIR / "rag_search" / "ui.py"
    assert all(spec.pitch and len(spec.pitch) < 120 for spec in PRODUCTS)


def test_availability_follows_whether_the_package_exists(sample_spec: ProductSpec) -> None:
    missing = [spec for spec in PRODUCTS if not (products.PRODUCTS_DIR / spec.name).is_dir()]
    assert all(spec.status == "Not built yet" and not spec.available for spec in missing)
    assert sample_spec.available and sample_spec.status == "Available"


def test_available_products_reads_the_registry(
    monkeypatch: pytest.MonkeyPatch, sample_spec: ProductSpec
) -> None:
    monkeypatch.setattr(products, "PRODUCTS", (*PRODUCTS, sample_spec))
    assert sample_spec in available_products()
    assert [s.name for s in available_products()][-1] == "sample_product"


def test_get_product_by_cli_name_and_unknown_name() -> None:
    assert get_product("resume").name == "resume_assistant"
    with pytest.raises(KeyError, match="Known products: rag_search"):
        get_product("nope")


def test_load_object_imports_lazily(sample_spec: ProductSpec) -> None:
    router = load_object(sample_spec.router)
    assert {route.path for route in router.routes} >= {"/echo", "/upload"}


def test_a_spec_whose_parent_package_is_missing_is_unavailable() -> None:
    ghost = ProductSpec(name="ghost", title="Ghost", pitch="-", cli_name="ghost",
                        module="no_such_pkg.ghost", router="x:y", cli_app="x:y",
                        page=products.PRODUCTS_DIR / "ghost.py")
    assert not ghost.available


def test_kit_version_comes_from_package_metadata() -> None:
    assert products.kit_version() == installed_version("aipm-starter-kit")
