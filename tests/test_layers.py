"""The layer rules, checked on the import graph of the source (tests/import_graph.py):

- `shared/` has no import cycle and never imports `products/`;
- a product's `core/` never imports streamlit, fastapi, typer or uvicorn;
- products never import each other, and a product imports only `shared` and itself (not the
  registry, the PM layer or a front door: a fork carries the product and `shared` alone).

`lint-imports` (`.importlinter`, tests/test_import_contracts.py) checks the layers too.

Run alone: `.venv/bin/python -m pytest -q tests/test_layers.py`.
"""

from __future__ import annotations

from tests.import_graph import ROOT, cycles, import_graph

FRONT_DOOR_LIBRARIES = ("streamlit", "fastapi", "typer", "uvicorn", "starlette")
GRAPH = import_graph()


def product_packages() -> list[str]:
    """`products.<name>` for every folder under products/ that is a package."""
    return sorted(f"products.{path.parent.name}"
                  for path in (ROOT / "products").glob("*/__init__.py"))


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_shared_has_no_import_cycle() -> None:
    assert cycles(GRAPH, "shared") == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"shared.a": {"shared.b"}, "shared.b": {"shared.c"}, "shared.c": {"shared.a"},
             "shared.d": {"shared.a"}}
    assert cycles(graph, "shared") == [["shared.a", "shared.b", "shared.c"]]


def test_shared_never_imports_products() -> None:
    offenders = {module: sorted(t for t in targets if _under(t, "products"))
                 for module, targets in GRAPH.items() if _under(module, "shared")}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_product_cores_never_import_a_front_door_library() -> None:
    cores = [f"{package}.core" for package in product_packages()]
    assert cores, "no product core found"
    offenders = {module: sorted(t for t in targets
                                for lib in FRONT_DOOR_LIBRARIES if _under(t, lib))
                 for module, targets in GRAPH.items()
                 if any(_under(module, core) for core in cores)}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_products_never_import_each_other() -> None:
    packages = product_packages()
    offenders = {}
    for package in packages:
        others = [other for other in packages if other != package]
        for module, targets in GRAPH.items():
            if _under(module, package):
                bad = sorted(t for t in targets for other in others if _under(t, other))
                if bad:
                    offenders[module] = bad
    assert offenders == {}


KIT_PACKAGES = ("shared", "products", "pm", "frontdoors", "tests")


def test_a_product_imports_only_shared_and_itself() -> None:
    offenders = {}
    for package in product_packages():
        for module, targets in GRAPH.items():
            if _under(module, package):
                bad = sorted(t for t in targets if t.split(".")[0] in KIT_PACKAGES
                             and not _under(t, "shared") and not _under(t, package))
                if bad:
                    offenders[module] = bad
    assert offenders == {}
