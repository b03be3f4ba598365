# Developer entry points. Every target that runs a tool first makes sure the
# toolchain is provisioned (CPython 3.14, uv, the .venv synced from uv.lock);
# the stamp file makes that check free until one of its inputs changes.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BIN := .venv/bin
STAMP := .venv/.provisioned
# uv as scripts/provision.sh finds or installs it.
UV := $(or $(shell command -v uv 2>/dev/null),$(or $(EPISODIC_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/episodic)/uv/bin/uv)
# Tools run in environments of their own (uv tool run), pinned here: installed in
# .venv, their dependencies (rich, requests) would load into every process of the
# site through structlog and REST framework, which import them when present.
IMPORT_LINTER := import-linter==2.16

PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help run test test-services test-host check-fmt lint typecheck check fmt bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml uv.lock scripts/provision.sh
	bash scripts/provision.sh
	touch $@

run: $(STAMP) ## Serve the site on 127.0.0.1:PORT (default 8000) with a task-queue worker
	bash scripts/run-site.sh

test: $(STAMP) ## Run the tests (extra pytest options in PYTEST_ARGS)
	$(BIN)/pytest $(PYTEST_ARGS)

test-services: $(STAMP) ## Integration tests on real PostgreSQL + Redis, once per broker (starts them)
	bash scripts/test-services.sh $(PYTEST_ARGS)

test-host: $(STAMP) ## Build the app's wheel and install it into a new project as its README says (needs PyPI)
	EPISODIC_TEST_HOST=1 UV=$(UV) $(BIN)/pytest tests/host $(PYTEST_ARGS)

check-fmt: $(STAMP) ## Fail if any file is not formatted
	$(BIN)/ruff format --check .

lint: $(STAMP) ## Lint with ruff, and check the app's layers with import-linter
	$(BIN)/ruff check .
	PYTHONPATH=packages/django-interp-exec/src $(UV) tool run --python $(BIN)/python \
		--from "$(IMPORT_LINTER)" lint-imports

typecheck: $(STAMP) ## Type-check with mypy (strict)
	$(BIN)/mypy .

check: check-fmt lint typecheck test test-services test-host ## All of the above: what CI runs

fmt: $(STAMP) ## Format the code and sort imports
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Benchmark the executors (options in BENCH_ARGS)
	$(BIN)/python manage.py run_interp_bench $(BENCH_ARGS)

clean: ## Remove caches and build output (keeps .venv, the database and the secret key)
	rm -rf .mypy_cache .ruff_cache .pytest_cache test-artifacts var/static
	rm -f var/test-db.sqlite3 var/test-db.sqlite3-wal var/test-db.sqlite3-shm
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
