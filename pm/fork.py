"""`aipm fork PRODUCT DEST`: one product as a repository of its own, ready to clone and test.

What goes in: the product package (code, prompts, data, evals, PRD, decision log), the
front doors that run it (CLI, hub, API) and the PM commands, its tests, and only the kit
modules all of those import (`fork_imports`). The registry is narrowed to the one product,
the pyproject lists only the dependencies the copied code imports, and `git init` makes the
first commit, so `git clone DEST && make test` is the whole story.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from pydantic import BaseModel

from pm.facts import product_paths
from pm.fork_files import (
    CI_RUN,
    fork_dependencies,
    makefile_text,
    pyproject_text,
    readme_text,
)
from pm.fork_imports import import_closure
from products import PRODUCTS_DIR, ProductSpec
from shared.errors import BadInput

KIT_ROOT = PRODUCTS_DIR.parent
FRONT_DOORS = ("frontdoors/hub.py", "frontdoors/cli.py", "frontdoors/server.py")
KIT_FILES = (".gitignore", ".env.example", "prd_templates")
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
    paths = product_paths(product)
    _check_dest(dest)
    closure = import_closure(kit_root, _start_files(kit_root, paths.spec.name))
    for path in sorted(closure.files):
        _copy(path, kit_root.resolve(), dest)
    _copy_tree(kit_root / "products" / paths.spec.name, dest / "products" / paths.spec.name)
    _copy_kit_files(kit_root, dest)
    _narrow_registry(dest, paths.spec.name)
    runtime, dev = fork_dependencies(kit_root / "pyproject.toml", closure.third_party)
    _write_repo_files(dest, paths.spec, kit_root, runtime, dev)
    commit = _git_first_commit(dest, paths.spec.title)
    files = sum(1 for p in dest.rglob("*") if p.is_file() and ".git" not in p.parts)
    return ForkResult(product=paths.spec.name, dest=str(dest), files=files,
                      dependencies=runtime, dev_dependencies=dev, commit=commit)


def _check_dest(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        raise BadInput(f"{dest} already exists and is not empty. Pick a new folder.")
    dest.mkdir(parents=True, exist_ok=True)


def _start_files(kit_root: Path, name: str) -> list[Path]:
    """The product, its tests, the front doors and every hub page they register."""
    starts = list((kit_root / "products" / name).rglob("*.py"))
    starts += list((kit_root / "tests" / "products" / name).rglob("*.py"))
    starts += list((kit_root / "products" / "hub_pages").glob("*.py"))
    starts += [kit_root / door for door in FRONT_DOORS] + [kit_root / "tests" / "conftest.py"]
    return [path for path in starts if "__pycache__" not in path.parts]


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
    """Templates the PM commands read, settings example, ignore list."""
    for name in KIT_FILES:
        source = kit_root / name
        if source.is_dir():
            _copy_tree(source, dest / name)
        elif source.is_file():
            shutil.copy2(source, dest / name)


def _narrow_registry(dest: Path, name: str) -> None:
    """The fork's registry lists its one product, so the hub and CLI show nothing unbuilt."""
    registry = dest / "products" / "__init__.py"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        f"\n\n# This repository was forked with `aipm fork {name}`: it carries one product.\n"
        f"PRODUCTS = tuple(spec for spec in PRODUCTS if spec.name == {name!r})\n"),
        encoding="utf-8")


def _write_repo_files(dest: Path, spec: ProductSpec, kit_root: Path, runtime: list[str],
                      dev: list[str]) -> None:
    needs_browser = any(r.startswith("playwright") for r in dev)
    (dest / "pyproject.toml").write_text(pyproject_text(spec, kit_root / "pyproject.toml",
                                                        runtime, dev), encoding="utf-8")
    (dest / "Makefile").write_text(makefile_text(needs_browser), encoding="utf-8")
    (dest / "README.md").write_text(readme_text(spec, dt.date.today().isoformat()),
                                    encoding="utf-8")
    ci = dest / ".ci" / "run"
    ci.parent.mkdir(exist_ok=True)
    ci.write_text(CI_RUN, encoding="utf-8")
    ci.chmod(0o755)


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


__all__ = ["ForkResult", "fork_product"]
