# rasd — the two commands are `make demo` and `make test`; everything else here serves them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RASD := $(BIN)/rasd
RASD_PORT ?= 8000
export RASD_PORT

.PHONY: help setup demo test lint typecheck pytest system-packages test-system-packages frontend messages \
        compilemessages lock clean odk-client

help:
	@echo "make demo    set everything up, load the demo (facility list, questionnaire, open round, collectors, 300 simulated submissions, administrator), serve on http://127.0.0.1:$(RASD_PORT)"
	@echo "make setup   the same preparation without serving (safe to re-run)"
	@echo "make test    ruff, mypy and the whole test suite (SQLite, plus PostgreSQL if RASD_TEST_DATABASE_URL is set)"
	@echo "make messages   update the ar/ckb/en translation catalogues from the source"
	@echo "make lock       re-resolve requirements.lock and requirements-dev.lock from pyproject.toml"

system-packages:
	@scripts/system-packages.sh

test-system-packages:
	@scripts/system-packages.sh --test

# The virtualenv is rebuilt only when the lock files change.
$(BIN)/.installed: requirements.lock requirements-dev.lock pyproject.toml | system-packages
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rasd needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json | system-packages
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/.built: frontend/node_modules/.installed frontend/build.mjs $(wildcard frontend/webforms/*)
	node frontend/build.mjs
	touch $@

frontend: frontend/dist/.built

# The headless ODK client of the end-to-end test (tests/e2e/odk_client): ODK's XForms engine from npm.
tests/e2e/odk_client/node_modules/.installed: tests/e2e/odk_client/package.json tests/e2e/odk_client/package-lock.json | system-packages
	npm ci --prefix tests/e2e/odk_client --no-audit --no-fund --loglevel=error
	touch $@

odk-client: tests/e2e/odk_client/node_modules/.installed

compilemessages: $(BIN)/.installed
	cd src/rasd && ../../$(RASD) compilemessages --verbosity 0

setup: $(BIN)/.installed frontend compilemessages
	$(RASD) migrate --noinput --verbosity 0
	$(RASD) load_reference_data
	@echo "rasd is set up. Start it with: make demo"

demo: setup
	$(RASD) load_demo --submissions 300
	@echo "Serving rasd on http://127.0.0.1:$(RASD_PORT) with a background worker for imports (Ctrl-C stops both)"
	$(RASD) db_worker --verbosity 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(RASD) runserver 127.0.0.1:$(RASD_PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(BIN)/.installed
	$(BIN)/mypy src

pytest: $(BIN)/.installed frontend odk-client compilemessages test-system-packages
	$(RASD) makemigrations --check --dry-run --verbosity 1
	@echo "== tests on SQLite =="
	env -u RASD_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$RASD_TEST_DATABASE_URL" ]; then \
	  echo "== tests on PostgreSQL ($$RASD_TEST_DATABASE_URL) =="; \
	  RASD_DATABASE_URL="$$RASD_TEST_DATABASE_URL" $(BIN)/pytest $(PYTEST_ARGS); \
	else \
	  echo "(PostgreSQL run skipped: set RASD_TEST_DATABASE_URL=postgres://USER@HOST:5432/DB to include it)"; \
	fi

test: lint typecheck pytest

messages: $(BIN)/.installed
	cd src/rasd && ../../$(RASD) makemessages --locale ar --locale ckb --locale en --no-obsolete --no-location \
	  --ignore 'static/*'

lock: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet \
	  -o requirements-dev.lock

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist tests/e2e/odk_client/node_modules
