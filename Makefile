# SENDplan — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := src/sendplan/web/static/govuk
# The port `make demo` and `make serve` listen on, on 127.0.0.1 (`make demo PORT=8001`).
PORT ?= 8000
GOVUK := node_modules/govuk-frontend/dist/govuk
AUTOCOMPLETE := node_modules/accessible-autocomplete/dist
export PIP_EXTRA_INDEX_URL :=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help install assets demo serve port-free test test-fast bench lint format typecheck clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements-dev.lock pulls in requirements.lock (what production installs) and adds the
# test, lint and type-checking tools.
$(VENV)/.installed: $(BIN)/python requirements.lock requirements-dev.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STATIC)/sendplan.css: node_modules/.installed frontend/sendplan.scss
	mkdir -p $(STATIC)
	npm run --silent build
	cp $(GOVUK)/govuk-frontend.min.js $(STATIC)/
	cp $(AUTOCOMPLETE)/accessible-autocomplete.min.js $(STATIC)/
	rm -rf $(STATIC)/assets && cp -r $(GOVUK)/assets $(STATIC)/assets
	rm -rf $(STATIC)/assets/fonts

install: $(VENV)/.installed $(STATIC)/sendplan.css ## Install runtime and development dependencies, build the GOV.UK assets

assets: $(STATIC)/sendplan.css ## Build the GOV.UK Frontend CSS, script and images only (for a production install)

# The demo partnership is Lambeth's. The product has no default area or partnership name, so
# the demo targets set them (and the footer's "synthetic" notice); values already in the
# environment win. `sendplan demo` prints the same three.
demo serve: export SENDPLAN_LA_CODE ?= E09000022
demo serve: export SENDPLAN_PARTNERSHIP_NAME ?= Lambeth SEND Partnership (demo)
demo serve: export SENDPLAN_DEMO ?= true
# The demo shows the service's own "page not found" and error pages, never Django's debug
# pages (WhiteNoise serves the static files either way).
demo serve: export DEBUG ?= false
# Made-up contact details for the demo's SEND information, advice and support service (the
# telephone number is in the range Ofcom keeps for drama).
demo serve: export SENDPLAN_SENDIASS_NAME ?= Lambeth SENDIASS (demo)
demo serve: export SENDPLAN_SENDIASS_PHONE ?= 020 7946 0000
demo serve: export SENDPLAN_SENDIASS_EMAIL ?= sendiass@example.org
demo serve: export SENDPLAN_SERVICE_URL ?= http://127.0.0.1:$(PORT)

# The web server and one worker for the queue of background work (ADR 0114), side by side.
# Ctrl-C stops both; so does the server stopping on its own (the trap stops the worker).
define SERVE_WITH_WORKER
	$(BIN)/sendplan db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/sendplan runserver 127.0.0.1:$(PORT)
endef

# Said before anything is built, so that nobody waits minutes to learn the port is taken.
port-free:
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", $(PORT)))' 2>/dev/null \
	  || { echo "Port $(PORT) on 127.0.0.1 is in use (another \`make demo\`?). Stop that, or choose another: make demo PORT=8001" >&2; exit 1; }

demo: port-free install ## Migrate the SQLite database, build the demo partnership, serve it on 127.0.0.1:8000 with a worker
	$(BIN)/sendplan migrate --no-input
	$(BIN)/sendplan demo
	$(BIN)/sendplan sufficiency-run
	$(SERVE_WITH_WORKER)

serve: port-free install ## Serve the existing database (and its worker) without rebuilding the demo
	$(BIN)/sendplan migrate --no-input
	$(SERVE_WITH_WORKER)

# The suite runs on every core, one test database each (ADR 0150); `make test WORKERS=0` runs
# it in one process, as a debugger needs.
WORKERS ?= auto
PYTEST := SENDPLAN_ENV=test $(BIN)/python -m pytest -n $(WORKERS) --dist worksteal

test: install ## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(PYTEST)

test-fast: install ## The suite without the browser tests
	$(PYTEST) -m "not browser"

bench: install ## Print the benchmark figures (not pass/fail)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: install ## ruff, the import contract, migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	SENDPLAN_ENV=test $(BIN)/sendplan makemigrations --check --dry-run

typecheck: install ## mypy (strict on the engine)
	$(BIN)/mypy src

format: install ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean: ## Remove the virtualenv, node_modules and local data
	rm -rf $(VENV) node_modules var $(STATIC)
