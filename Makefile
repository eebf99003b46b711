# covernote — everything runs through uv, which this Makefile installs itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
TOOLS  := .tools
UV     := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
RUN    := $(UV) run --frozen --extra spark
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= covernote.settings.dev

.PHONY: help env run test test-fast check fmt bench rules goldens clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv

env: $(if $(filter $(TOOLS)/bin/uv,$(UV)),$(TOOLS)/bin/uv) ## create .venv from the lock file
	$(UV) sync --frozen --extra spark -q
	@# axe-core for the browser accessibility walk (tests/web/test_every_page_phone_and_axe.py
	@# installs it itself too); skipped quietly where npm is missing.
	@[ -f var/axe/node_modules/axe-core/axe.min.js ] || ! command -v npm >/dev/null || \
	  npm install --no-save --no-audit --no-fund --silent --prefix var/axe axe-core@4

run: env ## start the platform with demo data on SQLite and print the URL and logins
	@mkdir -p var
	$(RUN) covernote migrate --no-input -v0
	$(RUN) covernote products load
	$(RUN) covernote demo
	@echo ""
	@echo "  covernote is running at http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/docs)"
	@echo ""
	$(RUN) covernote runserver $(HOST):$(PORT)

test: env ## run the whole test suite (DATABASE_URL selects PostgreSQL)
	DJANGO_SETTINGS_MODULE=covernote.settings.test $(RUN) pytest -q

test-fast: env ## the domain unit tests only (no database, no browser)
	DJANGO_SETTINGS_MODULE=covernote.settings.test $(RUN) pytest -q tests/unit

check: env ## ruff, format check, mypy, import-linter, migrations check
	$(RUN) ruff check src tests bench scripts
	$(RUN) ruff format --check src tests bench scripts
	$(RUN) mypy src
	$(RUN) lint-imports
	$(RUN) python scripts/rules_index.py --check
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=covernote.settings.test $(RUN) covernote makemigrations --check --dry-run

fmt: env ## apply ruff fixes and formatting
	$(RUN) ruff check --fix src tests bench scripts
	$(RUN) ruff format src tests bench scripts

rules: env ## regenerate docs/rules.md (rule id -> code -> tests)
	$(RUN) python scripts/rules_index.py

goldens: env ## rewrite the letter goldens (tests/goldens/letters) after a deliberate change
	DJANGO_SETTINGS_MODULE=covernote.settings.test $(RUN) covernote letters goldens --update

bench: env ## run the benchmarks and print the tables
	$(RUN) python bench/run.py

clean: ## remove the environment and local data
	rm -rf .venv $(TOOLS) var staticfiles
