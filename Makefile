# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/goalline demo

test: $(STAMP) lint
	$(BIN)/pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/service_time_bench.py
	$(BIN)/python bench/tui_bench.py
	$(BIN)/python bench/notify_bench.py
	$(BIN)/python bench/reload_memory_bench.py
	$(BIN)/python bench/backtest_bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
