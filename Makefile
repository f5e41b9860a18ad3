# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean postgres

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/goalline demo

test: $(STAMP) lint postgres
	$(BIN)/pytest -n auto

# The tests start a throwaway PostgreSQL of their own (tests/postgres.py) from the system's
# programs; a machine without them gets Debian's.
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends postgresql; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP) postgres
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/engines_bench.py
	$(BIN)/python bench/service_time_bench.py
	$(BIN)/python bench/tui_bench.py
	$(BIN)/python bench/notify_bench.py
	$(BIN)/python bench/reload_memory_bench.py
	$(BIN)/python bench/backtest_bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
