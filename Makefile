# One command each for a newcomer: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: setup lock demo serve test test-floors lint imports pytest bench browser reports screenshots clean

setup: $(STAMP)

# Re-installs only when pyproject.toml or requirements.lock changed since the last install.
# requirements.lock pins every package to the versions CI has run (`make lock` refreshes it).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

lock: setup
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^aipm-starter-kit' > requirements.lock

# `make demo PORT=8600` (or `make serve PORT=8001`) when the default port is taken.
demo: setup
	$(BIN)/aipm hub $(if $(PORT),--port $(PORT))

serve: setup
	$(BIN)/aipm serve $(if $(PORT),--port $(PORT))

# Debian's Chromium for the one end-to-end browser test (Playwright drives it via executable_path).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser test..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; \
	fi

lint: setup
	$(BIN)/ruff check .

# The layers (.importlinter): front doors -> PM -> products -> shared, no product imports
# another, no import circles.
imports: setup
	$(BIN)/lint-imports

pytest: setup browser
	$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint imports pytest

# The floors in pyproject.toml are versions the suite has passed on: a separate venv gets the
# lowest version every direct dependency allows (uv's lowest-direct resolution; uv is installed
# into that venv only), then runs the suite without the fork test, which installs the forks'
# own pins. Slow (a full install plus the suite): run it when a floor changes.
FLOORS_VENV := .venv-floors
test-floors: browser
	@test -x $(FLOORS_VENV)/bin/python || $(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/python -m pip install -q uv
	$(FLOORS_VENV)/bin/uv pip install -q --python $(FLOORS_VENV)/bin/python \
		--resolution lowest-direct -e '.[dev]'
	$(FLOORS_VENV)/bin/uv pip freeze --python $(FLOORS_VENV)/bin/python > $(FLOORS_VENV)/floors.txt
	$(FLOORS_VENV)/bin/python -m pytest -n 2 --dist loadfile --deselect tests/e2e/test_fork.py

# Every committed report (eval, stress, portfolio) regenerated in a temp dir and moved in only
# when every run succeeded; unchanged numbers leave the files untouched (git diff stays empty).
reports: setup
	$(BIN)/python -m pm.reports

# The README's screenshots (docs/screenshots/), one per hub page at 1280x800, from the same
# Chromium tour the browser test checks (tests/e2e/page_tour.py).
screenshots: setup browser
	$(BIN)/python -m tests.e2e.page_tour --out docs/screenshots

bench: setup
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(FLOORS_VENV) .aipm .pytest_cache .ruff_cache
