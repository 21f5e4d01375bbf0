# hullwatch: all set-up is done by these targets on a fresh machine (Python 3.11 + make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## make demo: install, then run the main job on the built-in default (the PrK story).
demo: $(STAMP)
	$(BIN)/hullwatch demo --out hullwatch-demo

## make test: lint, type-check, and run the whole test suite (slow benchmarks excluded).
test: $(STAMP) lint
	$(BIN)/python -m pytest -m "not slow" -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## make bench: the slow benchmarks and Monte Carlo checks (simulator year, read speed,
## leak-rate Monte Carlo, 400-run interval coverage), printed with ratios.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_simulate.py
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_rate_mc.py
	$(BIN)/python benchmarks/bench_detect.py
	$(BIN)/python benchmarks/bench_detect_bound.py
	$(BIN)/python benchmarks/bench_isolation.py
	$(BIN)/python -m pytest -m slow -q

clean:
	rm -rf $(VENV) hullwatch-demo .pytest_cache .mypy_cache .ruff_cache
