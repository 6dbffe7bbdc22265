# Slice of Culture: `make run` serves the app with demo data; `make test` runs every test.
# Both install what they need first (venv + pinned packages, bun from npm, Chromium from apt).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.5
BUN := .tools/node_modules/.bin/bun
AXE_VERSION := 4.14.1
AXE := .tools/node_modules/axe-core/axe.min.js

# Reflex uses our project-local bun (the machine's Node is too old for Reflex 0.10).
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export TELEMETRY_ENABLED := false
export REFLEX_TELEMETRY_ENABLED := false
export TF_USE_LEGACY_KERAS := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint bench clean chromium

$(VENV)/.installed: requirements.txt
	@echo "==> Python packages (pinned, $(VENV))"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(BUN):
	@echo "==> bun $(BUN_VERSION) from the npm registry into .tools/"
	@npm install --silent --no-fund --no-audit --prefix .tools bun@$(BUN_VERSION)
	@$(BUN) --version >/dev/null

install: $(VENV)/.installed $(BUN)

# axe-core checks contrast in the browser tests (tests/browser/test_accessibility_browser.py).
$(AXE):
	@echo "==> axe-core $(AXE_VERSION) from the npm registry into .tools/"
	@npm install --silent --no-fund --no-audit --prefix .tools axe-core@$(AXE_VERSION)

chromium:
	@command -v chromium >/dev/null || { echo "==> Chromium from apt"; \
		(apt-get update -qq || sudo apt-get update -qq) && \
		(apt-get install -y -qq chromium || sudo apt-get install -y -qq chromium); }

run: install
	@echo "==> Database: migrations and demo data"
	@$(PY) -m slice_of_culture.manage setup
	@echo "==> Serving on http://localhost:$${PORT:-3000}  (demo login: maria / culture-demo)"
	@$(VENV)/bin/reflex run --env prod

# Two workers: one drives the browser tests (mostly waiting on the app and Chromium), the other
# runs the database tests meanwhile (tests/conftest.py keeps the browser tests together).
TEST_WORKERS ?= 2

test: install chromium $(AXE)
	@echo "==> Tests (SQLite, PostgreSQL, Chromium) on $(TEST_WORKERS) workers"
	@$(VENV)/bin/pytest -n $(TEST_WORKERS)

lint: install
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# Benchmarks print figures and write them to bench/RESULTS.md (they take a while; see bench/README.md).
bench: install
	@$(PY) -m bench.feed_bench --keep
	@$(PY) -m bench.search_sqlite_bench
	@$(PY) -m bench.people_sqlite_bench
	@$(PY) -m bench.recs_serve_bench --keep
	@$(PY) -m bench.forum_bench
	@$(PY) -m bench.import_bench
	@$(PY) -m bench.history_read_bench

clean:
	rm -rf .web .states
