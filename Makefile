# Roadmap Portal. `make demo` starts the portal with the demo dataset; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT  # seed_demo prints the address the demo will serve

.PHONY: demo install seed recalc run test worker beat lint check lock clean bench backup restore load

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## demo: install, migrate the embedded SQLite database, seed (and compute compliance), serve at http://127.0.0.1:8000
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Roadmap Portal: http://$(HOST):$(PORT)/  (log in with a demo user printed above)"
	$(PY) manage.py runserver $(HOST):$(PORT)

seed: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

recalc: install
	$(PY) manage.py recalculate_compliance

run: install
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite; PostgreSQL and Redis/Celery when DATABASE_URL and CELERY_BROKER_URL are set,
## otherwise SQLite and eager Celery (the tests that need a service are skipped and listed).
test: install
	$(PY) -m pytest -rs $(PYTEST_ARGS)

## bench: the performance benchmark on PostgreSQL at 2,000,000 cells (BENCH_FACILITIES=20 for a quick run); prints one table
bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py

## backup: dump the database (PostgreSQL: pg_dump -Fc; SQLite: a copy) to backups/roadmap-<date-time>.dump, or FILE=...
backup: install
	$(PY) manage.py backup $(if $(FILE),--output $(FILE))

## restore FILE=backups/roadmap-....dump: restore a dump into the (empty) database; REPLACE=1 drops its tables first
restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/roadmap-YYYYMMDD-HHMMSS.dump [REPLACE=1]"; exit 2)
	$(PY) manage.py restore $(FILE) $(if $(REPLACE),--replace)

## load: gunicorn (2 workers) + wrk, 16 connections for 30 s on the read API and the dashboard (PostgreSQL); fails on any error
load: install
	$(PY) bench/load.py

worker: install
	$(VENV)/bin/celery -A roadmap_portal worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A roadmap_portal beat --loglevel=info

## lint: ruff (lint and format check), mypy (pyproject.toml [tool.mypy]) and, once pyproject.toml has
## [tool.importlinter] contracts, lint-imports
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	@if grep -q '^\[tool\.importlinter\]' pyproject.toml; then echo "$(VENV)/bin/lint-imports"; $(VENV)/bin/lint-imports; \
	else echo "lint-imports: no [tool.importlinter] section in pyproject.toml, skipped"; fi

## check: Django's system check, no missing migration, and check --deploy under the production settings
## (a throwaway secret key; nothing connects to the database)
check: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=roadmap_portal.settings_production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')" \
	ALLOWED_HOSTS=portal.example.kz DATABASE_URL=postgres://portal@127.0.0.1:5432/portal \
	$(PY) manage.py check --deploy --fail-level WARNING

## lock: recompile requirements.txt and requirements-dev.txt from requirements*.in (pip-tools), keeping
## every pin that still fits; UPGRADE=1 upgrades every package, UPGRADE=django upgrades one
PIP_COMPILE = CUSTOM_COMPILE_COMMAND='make lock' $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	$(if $(filter 1,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE)))
lock: install
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
