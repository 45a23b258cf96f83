# zhibu — `make run` for a trial on this machine, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a trial on one machine: DEBUG on, SQLite in var/ unless DATABASE_URL is set.
RUN_ENV := ZHIBU_DEBUG=1

.PHONY: install run test e2e lint format demo clean

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(RUN_ENV) $(BIN)/python manage.py demo_data

run: demo
	@$(RUN_ENV) $(BIN)/python manage.py demo_logins
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite: unit, integration and browser tests, on SQLite (and on PostgreSQL when
# DATABASE_URL points at one; .ci/run runs both).
test: install
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# Only the browser tests (Debian's chromium driven by Playwright).
e2e: install
	$(BIN)/python -m pytest -q -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	ZHIBU_DEBUG=1 $(BIN)/mypy zhibu

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules var
