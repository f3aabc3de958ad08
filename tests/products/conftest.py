"""Fixtures for the front-door tests: a sample product spec the front doors can mount."""

from __future__ import annotations

from pathlib import Path

import pytest

from products import ProductSpec

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_product"


@pytest.fixture
def sample_spec() -> ProductSpec:
    """A registry entry for tests/products/sample_product, shaped like a real product's."""
    return ProductSpec(
        name="sample_product",
        title="Sample product",
        pitch="A product that exists only in the tests.",
        cli_name="sample",
        module="tests.products.sample_product",
        router="tests.products.sample_product.api:router",
        cli_app="tests.products.sample_product.cli:app",
        page=SAMPLE_DIR / "ui.py",
    )
