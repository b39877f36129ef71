# Everyday commands. `make run` and `make test` are all a new user needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/pytest
COV := --cov --cov-append --cov-report=

.PHONY: help install run migrate test test-core test-users test-projects test-monolith \
        lint format clean contracts bench-clients

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml shared/core/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e shared/core -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Create the virtualenv and install the project (core as its own package)

migrate: $(STAMP)  ## Apply migrations to every hosted service's database
	$(BIN)/python manage.py migrate_all

run: migrate  ## Run the monolith on HOST:PORT (default 127.0.0.1:8000); Ctrl-C stops it
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)  ## The whole suite: core alone, each service alone, the monolith, coverage, import rules
	rm -f .coverage
	$(MAKE) --no-print-directory test-core test-users test-projects test-monolith
	$(BIN)/coverage report --fail-under=90
	$(BIN)/lint-imports

test-core: $(STAMP)  ## Core's own suite, with no service installed
	$(PYTEST) shared/core --ds=shared.core.tests.settings $(COV)

test-users: $(STAMP)  ## The users service alone (projects not installed)
	SERVICES=users $(PYTEST) services/users $(COV)

test-projects: $(STAMP)  ## The projects service alone (users not installed)
	SERVICES=projects $(PYTEST) services/projects $(COV)

test-monolith: $(STAMP)  ## Everything in one process: both services and the cross-service tests
	SERVICES=users,projects $(PYTEST) services tests $(COV)

contracts: $(STAMP)  ## Rewrite the committed JSON Schema snapshots of every contract version
	for service in users projects; do \
	  $(BIN)/python -m shared.core.contracts.snapshot write \
	    services.$$service.contracts.v1 services/$$service/contracts/v1/schema.json; \
	done

bench-clients: $(STAMP)  ## get_users(20) through local, wsgi and http: medians and ratios
	$(BIN)/python -m bench.clients

lint: $(STAMP)  ## ruff (lint + format check) and import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)  ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:  ## Remove the virtualenv, local databases, dev keys and caches
	rm -rf $(VENV) var .coverage .pytest_cache .ruff_cache .import_linter_cache
