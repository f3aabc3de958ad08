"""`aipm fork PRODUCT DEST`: one product as a repository of its own, ready to clone and test.

What goes in: the product package (code, prompts, data, evals, PRD, decision log), only the
`shared/` modules its code imports (`fork_imports`, followed transitively), and those of its
tests whose imports stay inside the product and `shared/` (a test that drives the kit's `aipm`
CLI or API app stays in the kit). Products never import the front doors or the PM layer
(`.importlinter`), so nothing is rewritten. The fork gets its own entry points instead: the
product's typer app as its CLI, `streamlit_app.py` for its page (what a free Streamlit host
runs), and a test of both. Its pyproject declares exactly what the copied files import, and
`git init` makes the first commit, so `git clone DEST && make test` is the whole story.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pydantic import BaseModel

from pm.facts import product_paths
from pm.fork_files import ForkPlan, write_repo_files
from pm.fork_imports import ImportClosure, import_closure
from products import PRODUCTS_DIR
from shared.errors import BadInput

KIT_ROOT = PRODUCTS_DIR.parent
UPPER_LAYERS = ("frontdoors", "pm")
DECLARED_IMPORTS_TEST = "test_declared_dependencies.py"  # the fork checks its own pyproject
KIT_FILES = (".gitignore", ".env.example")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
GIT_IDENTITY = ("-c", "user.name=aipm fork", "-c", "user.email=aipm-fork@localhost")


class ForkResult(BaseModel):
    """What was written: where, how many files, which dependencies, the first commit."""

    product: str
    dest: str
    files: int
    dependencies: list[str]
    dev_dependencies: list[str]
    commit: str


def fork_product(product: str, dest: Path, kit_root: Path = KIT_ROOT) -> ForkResult:
    """Copy, narrow, write the repository files, and commit."""
    spec = product_paths(product).spec
    _check_dest(dest)
    code = product_closure(kit_root, spec.name)
    tests = test_closure(kit_root, spec.name)
    for path in sorted(code.files | tests.files):
        _copy(path, kit_root.resolve(), dest)
    _copy_tree(kit_root / "products" / spec.name, dest / "products" / spec.name)
    _copy_kit_files(kit_root, dest)
    _narrow_registry(dest, spec.name)
    # Runtime: whatever a copied module of `shared/` or `products/` imports (the fork's
    # declared-imports test walks them all, `shared/testing/` too); dev: what only tests need.
    shipped = import_closure(kit_root, [p for p in code.files | tests.files
                                        if _layer(kit_root, p) != "tests"])
    plan = ForkPlan.build(spec, kit_root, shipped.third_party, tests.third_party)
    write_repo_files(dest, plan)
    commit = _git_first_commit(dest, spec.title)
    files = sum(1 for p in dest.rglob("*") if p.is_file() and ".git" not in p.parts)
    return ForkResult(product=spec.name, dest=str(dest), files=files,
                      dependencies=plan.runtime, dev_dependencies=plan.dev, commit=commit)


def product_closure(kit_root: Path, name: str) -> ImportClosure:
    """The product's own files and the kit files they import; refuses an upward import."""
    starts = [p for p in (kit_root / "products" / name).rglob("*.py")
              if "__pycache__" not in p.parts]
    closure = import_closure(kit_root, starts)
    upward = sorted(str(p.relative_to(kit_root.resolve())) for p in closure.files
                    if _layer(kit_root, p) in UPPER_LAYERS)
    if upward:
        raise BadInput(f"products/{name} imports {', '.join(upward)}; a product may import only "
                       "shared/ and itself. Move what it needs into shared/, then fork again.")
    return closure


def test_closure(kit_root: Path, name: str) -> ImportClosure:
    """The product's tests that need only the product and `shared/`, with their helpers."""
    folder = kit_root / "tests" / "products" / name
    kept = [kit_root / "tests" / "conftest.py", kit_root / "tests" / DECLARED_IMPORTS_TEST]
    for path in sorted([*folder.rglob("test_*.py"), *folder.rglob("conftest.py")]):
        reached = import_closure(kit_root, [path]).files
        if not any(_layer(kit_root, p) in UPPER_LAYERS for p in reached):
            kept.append(path)
    return import_closure(kit_root, kept)


def _layer(kit_root: Path, path: Path) -> str:
    return path.resolve().relative_to(kit_root.resolve()).parts[0]


def _check_dest(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        raise BadInput(f"{dest} already exists and is not empty. Pick a new folder.")
    dest.mkdir(parents=True, exist_ok=True)


def _copy(path: Path, root: Path, dest: Path) -> None:
    target = dest / path.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    _copy_package_data(path.parent, target.parent)


def _copy_package_data(folder: Path, target: Path) -> None:
    """Data files beside copied modules (`shared/llm/pricing.json`)."""
    for item in folder.iterdir():
        if item.is_file() and item.suffix not in (".py", ".pyc"):
            shutil.copy2(item, target / item.name)


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=SKIP, dirs_exist_ok=True)


def _copy_kit_files(kit_root: Path, dest: Path) -> None:
    """Settings example and ignore list."""
    for name in KIT_FILES:
        if (kit_root / name).is_file():
            shutil.copy2(kit_root / name, dest / name)


def _narrow_registry(dest: Path, name: str) -> None:
    """The fork's registry (tests read it) lists its one product."""
    registry = dest / "products" / "__init__.py"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        f"\n\n# This repository was forked with `aipm fork {name}`: it carries one product.\n"
        f"PRODUCTS = tuple(spec for spec in PRODUCTS if spec.name == {name!r})\n"),
        encoding="utf-8")


def _git_first_commit(dest: Path, title: str) -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=dest, check=True,
                              capture_output=True, text=True)
        return done.stdout.strip()

    try:
        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-q", "-m", f"{title}, forked from the AI PM Starter Kit")
        return git("rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError) as err:
        raise BadInput(f"The files are in {dest}, but `git` failed ({err}). Install git, then "
                       "run `git init && git add -A && git commit` there.") from err


__all__ = ["ForkResult", "fork_product", "product_closure", "test_closure"]
