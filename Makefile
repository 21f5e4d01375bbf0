# hullwatch: all set-up is done by these targets on a fresh machine (Python 3.11 + make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench bench-service clean browser openmct

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## make demo: install, then run the main job on the built-in default (the PrK story).
demo: $(STAMP)
	$(BIN)/hullwatch demo --out hullwatch-demo

## make browser: Debian's chromium for the headless-browser tests (apt-get, only if absent).
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "installing chromium for the browser tests (apt-get)"; \
		$$SUDO apt-get update -q && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

## make openmct: Open MCT from npm for the Open MCT browser test (npm ci, only if absent).
OPENMCT_DIR := web/openmct
$(OPENMCT_DIR)/node_modules/openmct/dist/openmct.js: $(OPENMCT_DIR)/package-lock.json
	cd $(OPENMCT_DIR) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@
openmct: $(OPENMCT_DIR)/node_modules/openmct/dist/openmct.js

## make test: lint, type-check, and run the whole test suite (slow benchmarks excluded),
## on two workers (pytest-xdist), one BLAS thread each: the small matrices gain nothing
## from more, and two workers would fight over the two cores.
test: $(STAMP) lint browser openmct
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "not slow" -q -n 2

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
	$(BIN)/python benchmarks/bench_rate_fit.py
	$(BIN)/python benchmarks/bench_detect.py
	$(BIN)/python benchmarks/bench_detect.py --setting station --statistics glr-level --clean-seeds 273 --no-pelt
	$(BIN)/python benchmarks/bench_detect_online.py --setting prk --seeds 90
	$(BIN)/python benchmarks/bench_detect_online.py --setting station
	$(BIN)/python benchmarks/bench_detect_bound.py
	$(BIN)/python benchmarks/bench_isolation.py --campaigns 6 --max-steps 6 --seed 1
	$(BIN)/python benchmarks/bench_locate_calibration.py --cases 300
	$(BIN)/python benchmarks/bench_forecast_mc.py --runs 200
	$(BIN)/python benchmarks/bench_archive.py --days 1,10,100
	$(BIN)/python -m pytest -m slow -q

## make bench-service: the live service under load for 10 minutes (loopback only).
bench-service: $(STAMP)
	$(BIN)/python benchmarks/bench_service_load.py --soak 600

clean:
	rm -rf $(VENV) hullwatch-demo .pytest_cache .mypy_cache .ruff_cache
