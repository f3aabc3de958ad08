"""The files a forked product's repository gets that the kit does not have as such: its
pyproject (exactly the distributions its files import), `requirements.txt` (the kit's lock,
narrowed to what those need), Makefile, CI entry point, README, the page entry a free
Streamlit host runs (`streamlit_app.py`, `.streamlit/config.toml`) and a test of its entries.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pm.fork_texts import (
    CI_RUN,
    STREAMLIT_CONFIG,
    entry_test_text,
    makefile_text,
    readme_text,
    streamlit_app_text,
)
from products import ProductSpec

# Packages a used package needs at run time without the code importing them by name.
COMPANIONS = {"fastapi": ("python-multipart",), "bm25s": ("PyStemmer",)}
# What the fork's own make test and entry test run (pytest plugins are not imported by name).
ALWAYS_DEV = ("pytest", "pytest-timeout", "pytest-xdist", "ruff")
ENTRY_TEST_IMPORTS = ("streamlit", "typer")
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = REQUIREMENT_NAME.match(requirement)
    return normalise(match.group(1)) if match else ""


def needed_distributions(modules: set[str]) -> set[str]:
    """Distributions (normalised) that provide the imported top-level modules, plus companions."""
    providers = metadata.packages_distributions()
    needed = {normalise(dist) for module in modules for dist in providers.get(module, [])}
    needed |= {normalise(c) for dist in list(needed) for c in COMPANIONS.get(dist, ())}
    return needed


def read_lock(lock: Path) -> dict[str, str]:
    """`name==version` lines of requirements.lock, by normalised name."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[normalise(name)] = version.strip()
    return pins


def runtime_requires(dist: str) -> set[str]:
    """A distribution's own requirements (normalised names), leaving out optional extras."""
    try:
        requires = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return set()
    return {requirement_name(r) for r in requires if "extra ==" not in r.replace('"', "")
            .replace("'", "") and "extra==" not in r.replace(" ", "")}


def transitive(dists: set[str], pins: dict[str, str]) -> set[str]:
    """Every locked distribution the given ones need, themselves included."""
    seen: set[str] = set()
    queue = [d for d in dists if d in pins]
    while queue:
        dist = queue.pop()
        if dist in seen:
            continue
        seen.add(dist)
        queue += [d for d in runtime_requires(dist) if d in pins and d not in seen]
    return seen


@dataclass
class ForkPlan:
    """The fork's dependencies, decided once and written into several files."""

    spec: ProductSpec
    kit_tools: str  # the kit's `[tool.*]` tables (ruff, pytest), copied as they are
    runtime: list[str]
    dev: list[str]
    runtime_pins: list[str]
    dev_pins: list[str]

    @classmethod
    def build(cls, spec: ProductSpec, kit_root: Path, code_modules: set[str],
              test_modules: set[str]) -> ForkPlan:
        """Requirement lines: the kit's own where it declares the distribution (same floor),
        else the locked version as the floor."""
        pyproject = tomllib.loads((kit_root / "pyproject.toml").read_text(encoding="utf-8"))
        declared = {requirement_name(r): r for r in [  # a runtime line wins over a dev one
            *pyproject["project"]["optional-dependencies"]["dev"],
            *pyproject["project"]["dependencies"]]}
        pins = read_lock(kit_root / "requirements.lock")
        runtime_names = needed_distributions(code_modules)
        dev_names = (needed_distributions(test_modules | set(ENTRY_TEST_IMPORTS))
                     | {normalise(d) for d in ALWAYS_DEV}) - runtime_names

        def line(name: str) -> str:
            return declared.get(name) or (f"{name}>={pins[name]}" if name in pins else name)

        runtime_closure = transitive(runtime_names, pins)
        dev_closure = transitive(dev_names, pins) - runtime_closure
        text = (kit_root / "pyproject.toml").read_text(encoding="utf-8")
        return cls(spec=spec, kit_tools=text[text.index("[tool.ruff]"):],
                   runtime=sorted(line(n) for n in runtime_names),
                   dev=sorted(line(n) for n in dev_names),
                   runtime_pins=sorted(f"{n}=={pins[n]}" for n in runtime_closure),
                   dev_pins=sorted(f"{n}=={pins[n]}" for n in dev_closure))


def pyproject_text(plan: ForkPlan) -> str:
    """A pyproject with the kit's tool settings, the fork's dependencies and its CLI."""
    spec = plan.spec
    listed = ",\n".join(f'    "{r}"' for r in plan.runtime)
    listed_dev = ",\n".join(f'    "{r}"' for r in plan.dev)
    return f'''[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "{spec.name.replace("_", "-")}"
version = "0.1.0"
description = "{spec.title}: {spec.pitch}"
readme = "README.md"
requires-python = ">=3.11"
license = {{ text = "MIT" }}
dependencies = [
{listed},
]

[project.optional-dependencies]
dev = [
{listed_dev},
]

[project.scripts]
{spec.cli_name} = "products.{spec.name}.cli:app"

[tool.hatch.build.targets.wheel]
packages = ["shared", "products"]
dev-mode-dirs = ["."]

{plan.kit_tools}'''


def write_repo_files(dest: Path, plan: ForkPlan) -> None:
    """Everything the fork has that the kit does not: build, CI, entries, hosting, README."""
    spec = plan.spec
    files = {
        "pyproject.toml": pyproject_text(plan),
        "requirements.txt": "\n".join(plan.runtime_pins) + "\n",
        "requirements-dev.txt": "\n".join(plan.dev_pins) + "\n",
        "Makefile": makefile_text(),
        "README.md": readme_text(spec),
        "streamlit_app.py": streamlit_app_text(spec),
        ".streamlit/config.toml": STREAMLIT_CONFIG,
        "tests/test_fork_entries.py": entry_test_text(spec),
        ".ci/run": CI_RUN,
    }
    for name, text in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (dest / ".ci" / "run").chmod(0o755)


__all__ = ["ForkPlan", "pyproject_text", "read_lock", "write_repo_files"]
