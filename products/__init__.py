"""The product registry: what the hub, the API and the `aipm` CLI show and mount.

Adding a product is one `ProductSpec` entry here plus its own package (`products/<name>/`
with `api.py` exposing `router`, `cli.py` exposing a typer `app` and a `run_eval` command for
`aipm eval <cli name>`, and `ui.py`, a Streamlit page).
A product whose package does not exist yet is listed as "Not built yet" and mounted nowhere.
Nothing here imports a product: the front doors import one only when they mount it, and a
product's `cli.py` must keep its own top-level imports light because `aipm --help` loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRODUCTS_DIR = Path(__file__).resolve().parent
DIST_NAME = "aipm-starter-kit"


@dataclass(frozen=True)
class ProductSpec:
    """One product and where each front door finds its adapter (import paths, never imports)."""

    name: str
    title: str
    pitch: str
    cli_name: str
    module: str
    router: str
    cli_app: str
    page: Path
    eval_command: str = ""

    @property
    def api_path(self) -> str:
        """Where the API mounts the product's router: the one place the prefix is spelled, so
        `GET /v1/products`, the hub's home card and the mount itself can never disagree."""
        return f"/v1/{self.cli_name}"

    @property
    def available(self) -> bool:
        """True once the product's package exists; computed on each call, never cached stale."""
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    @property
    def status(self) -> str:
        """What the hub and `aipm doctor` print next to the product."""
        return "Available" if self.available else "Not built yet"


def product(name: str, title: str, pitch: str, cli_name: str) -> ProductSpec:
    """A spec that follows the package convention `products/<name>/{api,cli,ui}.py`."""
    return ProductSpec(
        name=name,
        title=title,
        pitch=pitch,
        cli_name=cli_name,
        module=f"products.{name}",
        router=f"products.{name}.api:router",
        cli_app=f"products.{name}.cli:app",
        page=PRODUCTS_DIR / name / "ui.py",
        eval_command=f"products.{name}.cli:run_eval",
    )


PRODUCTS: tuple[ProductSpec, ...] = (
    product(
        "rag_search",
        "RAG knowledge search",
        "Ask questions of your help-centre docs and get answers that cite their sources.",
        "rag",
    ),
    product(
        "feedback_analyzer",
        "Feedback analyzer",
        "Turn a CSV of customer feedback into themes, sentiment and a cost estimate.",
        "feedback",
    ),
    product(
        "resume_assistant",
        "Résumé assistant",
        "Match a résumé to a job description, then tailor it and draft a cover letter.",
        "resume",
    ),
)


def available_products() -> list[ProductSpec]:
    """The products whose package exists, in registry order."""
    return [spec for spec in PRODUCTS if spec.available]


def get_product(name: str) -> ProductSpec:
    """Look a product up by its name or its CLI name."""
    for spec in PRODUCTS:
        if name in (spec.name, spec.cli_name):
            return spec
    known = ", ".join(spec.name for spec in PRODUCTS)
    raise KeyError(f"No product named '{name}'. Known products: {known}.")


def load_object(import_path: str) -> Any:
    """Import `package.module:attribute` on demand (a product's router or typer app)."""
    module_name, _, attribute = import_path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def kit_version() -> str:
    """The installed kit's version, from the package metadata (pyproject.toml).

    `importlib.metadata` is imported here, not at the top: it costs ~40 ms of `aipm --help`.
    """
    from importlib import metadata

    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return "unknown (not installed: run `make setup`)"


__all__ = [
    "PRODUCTS",
    "PRODUCTS_DIR",
    "ProductSpec",
    "available_products",
    "get_product",
    "kit_version",
    "load_object",
]
