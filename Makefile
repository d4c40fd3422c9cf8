# tierdesk: `make run` sets up and starts the desk with its demo world; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint typecheck pytest fix demo clean mail-servers soak bench browser

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

# The e-mail tests run a real IMAP server: Dovecot from Debian's packages, started by the suite
# itself on a free loopback port. Installed here when missing (needs root, as on CI).
mail-servers:
	@command -v dovecot >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd; \
		else \
			echo "Dovecot is missing: run 'sudo apt-get install dovecot-imapd' (the mail tests need it)" >&2; exit 1; \
		fi; }

# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
# Installed here when missing (needs root, as on CI).
browser:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Chromium is missing: run 'sudo apt-get install chromium' (the browser tests need /usr/bin/chromium)" >&2; exit 1; \
		fi; }

# The 1,000-message soak of mail intake on both engines (make test runs 200 on SQLite).
soak: $(VENV)/.installed-dev mail-servers
	TIERDESK_SOAK_MESSAGES=1000 TIERDESK_SOAK_ENGINES=sqlite,postgresql \
		$(BIN)/pytest -p no:cacheprovider tests/email/test_soak.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# Every storage-backed test runs on SQLite and on PostgreSQL (started by the suite itself,
# or TIERDESK_TEST_DATABASE_URL).
pytest: $(VENV)/.installed-dev mail-servers browser
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

fix: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/ruff format src tests scripts

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# Retrieval quality on ../shared/datasets and search speed at 10k/100k tickets (bench/README.md).
# Not part of `make test`: together they take tens of minutes on 2 cores.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
