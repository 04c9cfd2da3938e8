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
# `make test` runs on those defaults whatever the shell exports; `make test-postgres` (and CI)
# runs on the local PostgreSQL and Redis, with a real Celery worker.
SQLITE_ENV := env -u DATABASE_URL -u REDIS_URL -u CACHE_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND
PG_SERVER ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= pmks_ci
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
POSTGRES_ENV := DATABASE_URL=$(PG_SERVER)/$(PG_TEST_DB) REDIS_URL=$(TEST_REDIS_URL)
# pytest's exit 5 means it ran no test: say so, and fail.
PYTEST_CHECK_EMPTY := rc=$$?; [ $$rc -ne 5 ] || echo "pytest ran no test (exit 5): check the -m expression and PYTEST_ARGS"; exit $$rc

.PHONY: help setup run test test-calendar test-postgres test-chaos lint bench messages clean

help:
	@echo "make run    set up (virtualenv, assets, database, regions, demo users) and serve the demo"
	@echo "make test   run the whole test suite (SQLite, Celery eager, headless Chromium)"
	@echo "make test-calendar  the date-sensitive tests again at each of the calendar's edges"
	@echo "make test-postgres  the suite on PostgreSQL + Redis with a real Celery worker (as CI)"
	@echo "make test-chaos     Redis stopped, workers killed, a connection ended (PostgreSQL, as CI)"
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
	$(DEMO) $(MANAGE) refresh_summary

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
	$(SQLITE_ENV) $(PY) -m pytest -m "not worker and not postgres" $(PYTEST_ARGS); $(PYTEST_CHECK_EMPTY)

# The tests marked `calendar` again with the whole process moved to each edge of the calendar
# (tests/clock.py: the 1st, around the KUBE due day, 31 December, 29 February, just before and
# after midnight WITA), so a test that only passes on most days fails here on any day.
test-calendar: $(STAMP) $(ASSETS) messages $(CHROMIUM)
	$(SQLITE_ENV) scripts/test-calendar.sh $(PY) $(PYTEST_ARGS)

test-postgres: $(STAMP) $(ASSETS) messages $(CHROMIUM)
	@command -v psql >/dev/null || { echo "psql is missing: apt-get install postgresql-client"; exit 1; }
	@psql "$(PG_SERVER)/postgres" -qtAc "SELECT 1" >/dev/null || { echo "PostgreSQL does not answer at $(PG_SERVER) (.ci/run starts it)"; exit 1; }
	@$(PY) -c 'import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()' "$(TEST_REDIS_URL)" 2>/dev/null \
	  || { echo "Redis does not answer at $(TEST_REDIS_URL) (.ci/run starts it)"; exit 1; }
	@psql "$(PG_SERVER)/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$(PG_TEST_DB)'" | grep -q 1 \
	  || psql "$(PG_SERVER)/postgres" -qc 'CREATE DATABASE "$(PG_TEST_DB)"'
	$(POSTGRES_ENV) $(PY) -m pytest -m "not chaos" $(PYTEST_ARGS); $(PYTEST_CHECK_EMPTY)

# The chaos tests (tests/chaos/): a Redis of their own stopped, workers killed, a connection
# terminated; on PostgreSQL, after test-postgres. -s: they print their figures.
test-chaos: $(STAMP) $(ASSETS) messages
	@command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server"; exit 1; }
	$(POSTGRES_ENV) $(PY) -m pytest -m chaos -s $(PYTEST_ARGS); $(PYTEST_CHECK_EMPTY)

# `make bench`: a million synthetic cases in PostgreSQL database $(BENCH_DB) (seeded once, then
# reused), then list, search, detail and import timings against the goals, then the dashboards and
# the 11 monthly reports; figures in bench-results/latest.txt and reports-latest.txt.
BENCH_DB ?= pmks_bench
# The report bench publishes to a real worker it starts; a Redis db of its own.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/12
BENCH_ENV := $(DEMO) DJANGO_SETTINGS_MODULE=pmks_portal.settings DATABASE_URL=$(PG_SERVER)/$(BENCH_DB)

bench: $(STAMP) $(ASSETS) messages
	@command -v psql >/dev/null || { echo "psql is missing: apt-get install postgresql-client"; exit 1; }
	@psql "$(PG_SERVER)/postgres" -qtAc "SELECT 1" >/dev/null || { echo "PostgreSQL does not answer at $(PG_SERVER)"; exit 1; }
	@psql "$(PG_SERVER)/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
	  || psql "$(PG_SERVER)/postgres" -qc 'CREATE DATABASE "$(BENCH_DB)"'
	$(BENCH_ENV) $(PY) bench/run.py
	$(BENCH_ENV) REDIS_URL=$(BENCH_REDIS_URL) $(PY) bench/reports_bench.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) node_modules var
