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

.PHONY: help install run migrate test test-unit test-e2e test-postgres test-kit test-core test-users test-projects test-monolith fuzz \
        lint lock test-lower-bounds format clean contracts bench bench-clients bench-api bench-events \
        wheels images images-offline image-sizes compose-env compose-plugin split split-down split-reset split-local \
        split-local-down extract extract-rehearsal swarm swarm-down test-swarm k8s

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# The project's own distributions (tools/distributions.py): the pure kit, core, each contract,
# each service. Third-party dependencies come pinned from locks/ (`make lock` rewrites them).
LOCAL_DISTS := shared/kit shared/core services/users/contracts services/projects/contracts \
               services/users services/projects

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(LOCAL_DISTS)) locks/monolith-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r locks/monolith-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps $(addprefix -e ,$(LOCAL_DISTS)) -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

lock: $(STAMP)  ## Re-pin every third-party dependency (locks/) after a pyproject.toml change
	$(BIN)/python -m tools.lock

test-lower-bounds: $(STAMP)  ## Every suite but the monolith's, with each dependency at its declared lower bound
	$(BIN)/python -m tools.lower_bounds

install: $(STAMP)  ## Create the virtualenv: the pinned dependencies (locks/), then every distribution here, editable

migrate: $(STAMP)  ## Make var/ (SQLite files, dev keys) and apply every hosted service's migrations
	$(BIN)/python manage.py prepare_local_state
	$(BIN)/python manage.py migrate_all

run: migrate  ## Run the monolith on HOST:PORT (default 127.0.0.1:8000); Ctrl-C stops it
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: test-unit  ## The whole suite: unit suites, coverage, import rules, e2e, the unit suites on PostgreSQL, k8s manifests
	$(MAKE) --no-print-directory test-e2e test-postgres k8s

test-unit: $(STAMP)  ## Everything but the end-to-end tests (no Docker needed)
	rm -f .coverage
	$(MAKE) --no-print-directory test-kit test-core test-users test-projects test-monolith
	$(BIN)/coverage report --fail-under=90
	$(BIN)/lint-imports
	export VAR_DIR=$$(mktemp -d) && $(BIN)/python manage.py prepare_local_state >/dev/null && \
	  $(BIN)/python manage.py makemigrations --check --dry-run

test-e2e: images compose-plugin  ## Every topology end to end (monolith, split-local, compose); TOPOLOGY=compose runs one
	TESTCONTAINERS_RYUK_DISABLED=true TOPOLOGY=$(TOPOLOGY) $(PYTEST) tests_e2e

test-postgres: images  ## The core, users, projects and monolith suites again, on PostgreSQL (testcontainers)
	$(BIN)/python -m tests.with_postgres \
	  $(MAKE) --no-print-directory test-core test-users test-projects test-monolith COV=

test-kit: $(STAMP)  ## The pure-Python kit's suite, without Django
	$(PYTEST) -c shared/kit/pyproject.toml shared/kit $(COV)

test-core: $(STAMP)  ## Core's own suite, with no service installed
	$(PYTEST) -c shared/core/pyproject.toml shared/core $(COV)

test-users: $(STAMP)  ## The users service alone (projects not installed)
	$(PYTEST) -c services/users/pyproject.toml services/users $(COV)

test-projects: $(STAMP)  ## The projects service alone (users not installed)
	$(PYTEST) -c services/projects/pyproject.toml services/projects $(COV)

test-monolith: $(STAMP)  ## Everything in one process: both services and the cross-service tests
	SERVICES=users,projects $(PYTEST) services tests $(COV)

FUZZ_MAX_EXAMPLES ?= 300
fuzz: $(STAMP)  ## Fuzz both OpenAPI documents in-process and through split-local's gateway, FUZZ_MAX_EXAMPLES per operation and mode (default 300)
	SERVICES=users,projects FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(PYTEST) tests/test_fuzz_openapi.py
	FUZZ_GATEWAY_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(PYTEST) tests_e2e/test_fuzz_gateway.py

contracts: $(STAMP)  ## Rewrite the committed JSON Schema snapshots of every contract version
	for service in users projects; do \
	  $(BIN)/python -m shared.kit.snapshot write \
	    $${service}_contracts.v1 services/$$service/contracts/$${service}_contracts/v1/schema.json; \
	done

bench-clients: $(STAMP)  ## get_users(20) through local, wsgi and http: medians and ratios
	$(BIN)/python -m bench.clients

bench-api: $(STAMP) images compose-plugin  ## Throughput and p99 as ratios: monolith vs its bare view, logging on/off, split-local and compose vs the monolith (var/bench/api.json)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python -m bench.api --split-local --compose

bench-events: $(STAMP)  ## Integration events in split-local: events/s end to end, lag p50/p99 at 100/s (var/bench/events.json)
	$(BIN)/python -m bench.events

bench: bench-clients bench-api bench-events  ## Every benchmark

# --- Split mode ---------------------------------------------------------------------------------
COMPOSE ?= docker compose
GATEWAY_PORT ?= 8080
COMPOSE_ENV_DIR ?= var/compose
export GATEWAY_PORT COMPOSE_ENV_DIR

DEPS_WHEELS := build/wheels/deps/.built

$(DEPS_WHEELS): locks/monolith.txt | $(STAMP)
	rm -rf build/wheels/deps build/lib $(addsuffix /build,$(LOCAL_DISTS)) && mkdir -p build/wheels/deps
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir build/wheels/deps -r locks/monolith.txt
	touch $@

wheels: $(DEPS_WHEELS)  ## Build the wheels the images install (build/wheels/{deps,app})
	rm -rf build/wheels/app build/lib $(addsuffix /build,$(LOCAL_DISTS)) && mkdir -p build/wheels/app
	SOURCE_DATE_EPOCH=315532800 $(BIN)/pip wheel --quiet --no-deps --wheel-dir build/wheels/app \
	  $(addprefix ./,$(LOCAL_DISTS)) .
	rm -rf $(addsuffix /build,$(LOCAL_DISTS))

images-offline:  ## Build the missing local Debian bases, one per role (python, nginx, postgres, broker)
	docker/build-offline-base.sh

compose-env: $(STAMP)
	$(BIN)/python docker/compose_env.py write $(COMPOSE_ENV_DIR)

images: wheels compose-env  ## Build the app, gateway, postgres and broker images (offline bases if no registry)
	$(BIN)/python -m gateway.render
	set -e; eval "$$(docker/base-images.sh)"; \
	export DOCKER_BUILDKIT=0; \
	docker build -q -f docker/app/Dockerfile --build-arg BASE_IMAGE=$$BASE_IMAGE -t split-ready/app:local . ; \
	docker build -q --build-arg NGINX_IMAGE=$$NGINX_IMAGE -t split-ready/gateway:local gateway ; \
	docker build -q --build-arg POSTGRES_IMAGE=$$POSTGRES_IMAGE -t split-ready/postgres:local docker/postgres ; \
	docker build -q --build-arg BROKER_BASE_IMAGE=$$BROKER_BASE_IMAGE -t split-ready/broker:local docker/broker

image-sizes:  ## The built images' sizes against their limits (table, var/bench/images.json); fails over one
	python3 docker/image_sizes.py --json var/bench/images.json

compose-plugin:
	docker/install-compose-v2.sh >/dev/null

split: images compose-plugin  ## Build and start the compose stack; prints the gateway URL
	$(BIN)/python docker/compose_env.py check $(COMPOSE_ENV_DIR)
	$(COMPOSE) up --detach --no-build --wait
	@echo "split mode is up: http://127.0.0.1:$(GATEWAY_PORT)/  (make split-down stops it)"

split-down: compose-plugin  ## Stop the compose stack (volumes are kept)
	$(COMPOSE) down --remove-orphans

split-reset: compose-plugin  ## Delete the compose stack's data volumes and secrets (asks first; CONFIRM=yes skips)
	@if [ "$(CONFIRM)" != yes ]; then \
	  read -r -p "Delete the compose databases (all their data) and $(COMPOSE_ENV_DIR)? [y/N] " answer; \
	  [ "$$answer" = y ] || [ "$$answer" = Y ] || { echo "nothing deleted"; exit 1; }; \
	fi
	$(COMPOSE) down --volumes --remove-orphans
	rm -rf $(COMPOSE_ENV_DIR)

split-local: $(STAMP)  ## users and projects under gunicorn + a host nginx gateway, no containers
	docker/split-local.sh up

split-local-down:  ## Stop split-local; nothing is left running
	docker/split-local.sh down

# --- Beyond one machine: Docker Swarm and Kubernetes (docs/OPERATIONS.md) -----------------------
SWARM_DIR ?= var/swarm
SWARM_STACK ?= split-ready
export SWARM_DIR SWARM_STACK

swarm: images compose-plugin  ## The compose stack on a single-node Docker Swarm (initialised if none): docker stack deploy
	$(BIN)/python docker/swarm.py up

swarm-down: $(STAMP) compose-plugin  ## Remove the swarm stack (volumes kept); leaves the swarm as make swarm found it
	$(BIN)/python docker/swarm.py down

test-swarm: $(STAMP) compose-plugin  ## The smoke scenario and zero-downtime rolls on a swarm stack of its own (images from make images)
	TOPOLOGY=swarm $(PYTEST) -p no:cacheprovider -s tests_e2e/test_swarm.py

K8S_TOOLS := build/k8s-tools
KUBECTL ?= kubectl

$(K8S_TOOLS)/.installed: deploy/k8s/requirements-tools.txt
	test -x $(K8S_TOOLS)/bin/python || $(BIN)/python -m venv $(K8S_TOOLS)
	$(K8S_TOOLS)/bin/python -m pip install --quiet -r deploy/k8s/requirements-tools.txt
	touch $@

k8s: $(STAMP) $(K8S_TOOLS)/.installed  ## Render every Kubernetes overlay (kubectl kustomize) and validate each resource offline
	command -v $(KUBECTL) >/dev/null || (apt-get update -qq && apt-get install -y -qq kubernetes-client >/dev/null)
	KUBECTL=$(KUBECTL) K8S_VALIDATE=$(K8S_TOOLS)/bin/kubernetes-validate $(BIN)/python -m tools.k8s_manifests
	KUBECTL=$(KUBECTL) $(PYTEST) -p no:cacheprovider deploy/k8s/test_manifests.py

# --- Leaving: one service's own repository (docs/MICROSERVICES_EXTRACTION.md) --------------------
extract: $(STAMP)  ## Write one service's standalone repository: make extract SERVICE=users DEST=../users
	@[ -n "$(SERVICE)" ] && [ -n "$(DEST)" ] || { echo "usage: make extract SERVICE=<name> DEST=<new folder>" >&2; exit 2; }
	$(BIN)/python -m tools.extract $(SERVICE) $(DEST)

extract-rehearsal: $(STAMP)  ## Extract each service, install it alone, run its suite, serve it beside the other; IMAGES=1 builds its image too
	$(BIN)/python -m tools.extract_rehearsal $(if $(IMAGES),--images)

lint: $(STAMP)  ## ruff (lint + format check) and import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)  ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:  ## Remove the virtualenv, local databases, dev keys, wheels and caches (not var/compose)
	rm -rf $(VENV) build shared/core/build .coverage .pytest_cache .ruff_cache \
	       .import_linter_cache .hypothesis
	@# var/compose holds the passwords the compose volumes were made with: `make split-reset`
	@# deletes both together, never one without the other.
	find var -mindepth 1 -maxdepth 1 ! -name compose -exec rm -rf {} + 2>/dev/null || true
