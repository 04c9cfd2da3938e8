# Two commands: `make run` sets everything up and serves the demo; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
ASSETS := node_modules/.package-lock.json
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs on embedded defaults: SQLite in var/, Celery eager, local-memory cache.
DEMO := PMKS_DEMO=1

.PHONY: help setup run test test-postgres lint bench messages clean

help:
	@echo "make run    set up (virtualenv, assets, database, regions, demo users) and serve the demo"
	@echo "make test   run the whole test suite (SQLite, Celery eager, headless Chromium)"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks against seeded data"

$(STAMP): requirements.txt requirements-dev.txt
	@py=$$(scripts/find-python.sh) || exit 1; \
	echo "Using $$py"; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV); \
	$(PY) -m pip install --quiet --upgrade pip; \
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install gettext (apt-get install gettext)"; exit 1; }
	@$(DEMO) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

setup: $(STAMP) $(ASSETS) messages
	$(DEMO) $(MANAGE) migrate --no-input -v 0
	$(DEMO) $(MANAGE) collectstatic --no-input -v 0
	$(DEMO) $(MANAGE) load_regions
	$(DEMO) $(MANAGE) seed_demo

run: setup
	@echo "Serving the demo at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(DEMO) $(MANAGE) runserver $(HOST):$(PORT) --noreload

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; \
	fi

test: $(STAMP) $(ASSETS) messages $(CHROMIUM)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) node_modules var
