"""Which of the kit's files one product needs: an import walk over the syntax trees.

Starting from the product's package (and, separately, from each of its tests), every
`import` (top-level or inside a function) is followed into the kit's own packages. A
sub-package that is reached is taken whole (`shared/llm/` with its `pricing.json`),
because registries inside a package import their members by name; a top-level module is
taken alone (`shared/embeddings.py` without `shared/vectorstore.py` if nothing uses it).
Everything else imported is a third-party module, mapped to its distribution later.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

LOCAL_PACKAGES = ("shared", "products", "pm", "frontdoors", "tests")
LOOKUPS = ("find_spec", "import_module")


@dataclass
class ImportClosure:
    """The kit files one product needs, and the third-party modules they import."""

    root: Path
    files: set[Path] = field(default_factory=set)
    third_party: set[str] = field(default_factory=set)


def import_closure(root: Path, start: list[Path]) -> ImportClosure:
    """Follow imports from `start` (files under `root`) to a fixed point."""
    closure = ImportClosure(root=root)
    queue = [path.resolve() for path in start]
    while queue:
        path = queue.pop()
        if path in closure.files:
            continue
        closure.files.add(path)
        queue += _package_inits(root, path)
        for name in imported_modules(path, root):
            queue += _resolve(root, name, closure)
    return closure


def imported_modules(path: Path, root: Path) -> set[str]:
    """Absolute module names a file imports, anywhere in it (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.resolve().relative_to(root.resolve()).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
        elif named := _looked_up_by_name(node):
            names.add(named)
    return names


def _looked_up_by_name(node: ast.AST) -> str:
    """`find_spec("wordllama")` / `import_module("x")` with a literal name: a dependency too
    (the WordLlama embedder finds its model files that way without importing the package)."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return ""
    function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
        node.func, "id", "")
    return node.args[0].value if function in LOOKUPS else ""


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*parts, node.module] if node.module else parts)


def _resolve(root: Path, name: str, closure: ImportClosure) -> list[Path]:
    """The kit files behind one module name; a third-party name is only recorded."""
    top = name.split(".")[0]
    if top not in LOCAL_PACKAGES:
        if top and not top.startswith("_"):
            closure.third_party.add(top)
        return []
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return _whole_subpackage(root, candidate.resolve())
    return []


def _whole_subpackage(root: Path, path: Path) -> list[Path]:
    """A module inside `shared/llm/` brings every module of `shared/llm/` (registries)."""
    relative = path.relative_to(root.resolve())
    if len(relative.parts) >= 3 and relative.parts[0] == "shared":
        package_dir = root.resolve().joinpath(*relative.parts[:2])
        return sorted(package_dir.glob("*.py"))
    return [path]


def _package_inits(root: Path, path: Path) -> list[Path]:
    """Every `__init__.py` between the repository root and this file."""
    inits = []
    folder = path.parent
    while folder != root.resolve() and root.resolve() in folder.parents:
        if (folder / "__init__.py").is_file():
            inits.append(folder / "__init__.py")
        folder = folder.parent
    return inits


__all__ = ["LOCAL_PACKAGES", "ImportClosure", "import_closure", "imported_modules"]
