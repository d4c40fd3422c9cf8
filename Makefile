# tierdesk: `make run` sets up and starts the desk with its demo world; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint typecheck pytest fix demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/tierdesk db upgrade
	$(BIN)/tierdesk demo
	$(BIN)/tierdesk serve --host $(HOST) --port $(PORT)

demo: $(VENV)/.installed
	$(BIN)/tierdesk db upgrade
	$(BIN)/tierdesk demo

test: lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# Every storage-backed test runs on SQLite and on PostgreSQL (started by the suite itself,
# or TIERDESK_TEST_DATABASE_URL).
pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

fix: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/ruff format src tests scripts

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
