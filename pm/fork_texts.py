"""The text of the files `aipm fork` writes (Makefile, CI, README, page entry, entry test).

Templates only; `fork_files` decides what goes in them.
"""

from __future__ import annotations

import datetime as dt

from products import ProductSpec

CI_RUN = """#!/usr/bin/env bash
# CI entry point: the same single command a developer runs.
set -euo pipefail
cd "$(dirname "$0")/.."
make test
"""

# What a free Streamlit host (and `make demo`) reads: headless, no usage statistics.
STREAMLIT_CONFIG = """[server]
headless = true
# The kit's upload cap (AIPM_MAX_UPLOAD_MB, default 25): the widget says what is accepted.
maxUploadSize = 25

[browser]
gatherUsageStats = false
"""


def makefile_text() -> str:
    """`make demo` and `make test`, installing with the pins the kit ran (`requirements*.txt`).

    PIP_FLAGS passes options to pip (a wheel folder: `PIP_FLAGS="--find-links DIR"`)."""
    return """# Two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_FLAGS ?=
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: setup demo test lint pytest clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.txt requirements-dev.txt
\t@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install -q $(PIP_FLAGS) -c requirements.txt -c requirements-dev.txt \\
\t\t-e '.[dev]'
\t@touch $(STAMP)

demo: setup
\t$(BIN)/python -m streamlit run streamlit_app.py

lint: setup
\t$(BIN)/python -m ruff check .

pytest: setup
\t$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint pytest

clean:
\trm -rf $(VENV) .aipm .pytest_cache .ruff_cache
"""


def streamlit_app_text(spec: ProductSpec) -> str:
    """The page entry a Streamlit host runs from the repository root."""
    return f'''"""{spec.title}: the page, as `streamlit run streamlit_app.py` runs it.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent / "products" / "{spec.name}" / "ui.py"),
               run_name="__main__")
'''


def entry_test_text(spec: ProductSpec) -> str:
    """The fork's own test of its two entries: the page runs, the CLI answers."""
    return f'''"""The entries: the page (`streamlit_app.py`) and the `{spec.cli_name}` CLI.
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from products.{spec.name}.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_the_page_runs_without_an_exception() -> None:
    page = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not page.exception, [error.value for error in page.exception]
    assert page.title or page.header, "the page shows no title"


def test_the_cli_lists_its_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Commands" in result.output
'''


def readme_text(spec: ProductSpec, date: str | None = None) -> str:
    home = f"products/{spec.name}"
    return f"""# {spec.title}

{spec.pitch}

Forked on {date or dt.date.today().isoformat()} from the AI PM Starter Kit with
`aipm fork {spec.name}`: the product, the parts of the kit's platform (`shared/`) it imports,
its data, eval set and reports, its PRD and decision log, and its tests.

## Two commands

```bash
make demo   # creates .venv, installs, opens the page on http://127.0.0.1:8501 — no API key needed
make test   # creates .venv, installs with dev extras, runs ruff and every test
```

The command line: `.venv/bin/{spec.cli_name} --help` (or `python -m products.{spec.name}`).

## Put it online for free (Streamlit Community Cloud)

1. Push this repository to GitHub (`git remote add origin …` then `git push -u origin main`).
2. On share.streamlit.io choose "Create app", pick the repository, branch `main` and the main
   file `streamlit_app.py`; the host installs `requirements.txt` (the versions tested here).
3. Optional: under the app's Settings → Secrets add `OPENAI_API_KEY = "…"` (or
   `ANTHROPIC_API_KEY`) for the LLM engine; without one the page runs its keyless baseline.

## Where things are

- [{home}/README.md]({home}/README.md) — what the product does and a tour of its commands
- [{home}/PRD.md]({home}/PRD.md) — the PRD
- [{home}/DECISIONS.md]({home}/DECISIONS.md) — the decision log
- `{home}/evals/` — the eval set and its reports

Add `OPENAI_API_KEY` or `ANTHROPIC_API_KEY` to `.env` (see `.env.example`) to run the LLM engine.
"""


__all__ = ["CI_RUN", "STREAMLIT_CONFIG", "entry_test_text", "makefile_text", "readme_text",
           "streamlit_app_text"]
