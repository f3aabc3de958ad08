"""The files a forked product's repository gets that the kit does not have as such:
its pyproject (only the dependencies its code imports), Makefile, CI entry point and README.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from products import ProductSpec

# Packages a used package needs at run time without the code importing them by name.
COMPANIONS = {"fastapi": ("python-multipart",), "bm25s": ("PyStemmer",)}
ALWAYS_DEV = ("pytest", "pytest-timeout", "pytest-xdist", "ruff")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])


def needed_distributions(modules: set[str]) -> set[str]:
    """Distributions (normalised) that provide the imported top-level modules, plus companions."""
    providers = metadata.packages_distributions()
    needed = {normalise(dist) for module in modules for dist in providers.get(module, [])}
    needed |= {normalise(c) for dist in list(needed) for c in COMPANIONS.get(dist, ())}
    return needed


def fork_dependencies(kit_pyproject: Path, modules: set[str]) -> tuple[list[str], list[str]]:
    """The kit's own requirement lines (runtime, dev) that the fork's imports need."""
    project = tomllib.loads(kit_pyproject.read_text(encoding="utf-8"))["project"]
    needed = needed_distributions(modules) | set(ALWAYS_DEV)
    runtime = [r for r in project["dependencies"] if requirement_name(r) in needed]
    dev = [r for r in project["optional-dependencies"]["dev"] if requirement_name(r) in needed]
    return runtime, dev


def pyproject_text(spec: ProductSpec, kit_pyproject: Path, runtime: list[str],
                   dev: list[str]) -> str:
    """A pyproject with the kit's tool settings and only the fork's dependencies."""
    kit_text = kit_pyproject.read_text(encoding="utf-8")
    tools = kit_text[kit_text.index("[tool.ruff]"):]
    listed = ",\n".join(f'    "{r}"' for r in runtime)
    listed_dev = ",\n".join(f'    "{r}"' for r in dev)
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
aipm = "frontdoors.cli:main"

[tool.hatch.build.targets.wheel]
packages = ["shared", "products"]
dev-mode-dirs = ["."]

{tools}'''


def makefile_text(needs_browser: bool) -> str:
    """`make demo` and `make test`; PIP_FLAGS lets CI install offline from a warm environment."""
    browser = ("\nbrowser:\n\t@test -x /usr/bin/chromium || (sudo apt-get update -qq && "
               "sudo apt-get install -y -qq chromium)\n") if needs_browser else ""
    pytest_deps = "setup browser" if needs_browser else "setup"
    return f"""# Two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_FLAGS ?=
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: setup demo test lint pytest clean{" browser" if needs_browser else ""}

setup: $(STAMP)

$(STAMP): pyproject.toml
\t@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install -q $(PIP_FLAGS) -e '.[dev]'
\t@touch $(STAMP)

demo: setup
\t$(BIN)/aipm hub

lint: setup
\t$(BIN)/python -m ruff check .

pytest: {pytest_deps}
\t$(BIN)/python -m pytest -n 2 --dist loadfile
{browser}
test: lint pytest

clean:
\trm -rf $(VENV) .aipm .pytest_cache .ruff_cache
"""


CI_RUN = """#!/usr/bin/env bash
# CI entry point: the same single command a developer runs.
set -euo pipefail
cd "$(dirname "$0")/.."
make test
"""


def readme_text(spec: ProductSpec, date: str) -> str:
    home = f"products/{spec.name}"
    return f"""# {spec.title}

{spec.pitch}

Forked on {date} from the AI PM Starter Kit with `aipm fork {spec.name}`: the product, the parts
of the kit's platform (`shared/`) it imports, its data, eval set and reports, its PRD and
decision log, and its tests.

## Two commands

```bash
make demo   # creates .venv, installs, opens the page on http://127.0.0.1:8501 — no API key needed
make test   # creates .venv, installs with dev extras, runs ruff and every test
```

## Where things are

- [{home}/README.md]({home}/README.md) — what the product does and a tour of its commands
- [{home}/PRD.md]({home}/PRD.md) — the PRD; `aipm prd check {home}/PRD.md` keeps it honest
- [{home}/DECISIONS.md]({home}/DECISIONS.md) — the decision log
- `{home}/evals/` — the eval set, `report.md` (`aipm eval {spec.cli_name}`) and `stress.md`
  (`aipm stress {spec.cli_name}`)

Add `OPENAI_API_KEY` or `ANTHROPIC_API_KEY` to `.env` (see `.env.example`) to run the LLM engine.
"""


__all__ = ["CI_RUN", "fork_dependencies", "makefile_text", "pyproject_text", "readme_text"]
