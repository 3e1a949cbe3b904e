# The two commands: `make run` (the app on SQLite with demo data) and `make test`
# (the whole suite). Both set up everything they need on a fresh Debian machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Debian packages the test suite drives: the browser, a QR decoder, PDF rasteriser.
SYSTEM_PACKAGES := chromium zbar-tools poppler-utils

.PHONY: run test test-sqlite test-postgres setup system-deps bench clean

run: setup
	$(BIN)/jijiao demo
	$(BIN)/jijiao serve --host $(HOST) --port $(PORT)

test: setup system-deps test-sqlite

test-sqlite:
	$(BIN)/python -m pytest -q

# The API suite again on PostgreSQL (a database per test, cloned from a template).
test-postgres: setup
	@if $(BIN)/python -c "import asyncio,asyncpg,sys; asyncio.run(asyncpg.connect('$(PG_TEST_URL)', timeout=3))" 2>/dev/null; then \
		command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || { \
			echo "installing postgresql-client (jijiao backup/restore on PostgreSQL)"; \
			$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql-client; }; \
		JIJIAO_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q tests/api; \
	else \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL): the PostgreSQL suite cannot run"; exit 1; \
	fi

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is required"; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		echo "installing python3-venv"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	touch $(STAMP)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

bench: setup
	$(BIN)/python -m bench.checkins

clean:
	rm -rf $(VENV) data build *.egg-info
