# lindung: the two commands of README.md are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The BPJS simulator (the demo branch's partner API) runs beside the web app and stops with it:
# the trap ends it however `lindung serve` ends (Ctrl-C, an error), so the port is free again
# for the next `make run`.
SIMULATOR_PORT ?= 8001
SIMULATOR_TOKEN ?= simulator-demo

run: $(STAMP)
	$(BIN)/lindung rules check
	$(BIN)/lindung db upgrade
	$(BIN)/lindung demo
	$(BIN)/lindung demo-data
	@$(BIN)/lindung simulator serve --port $(SIMULATOR_PORT) --token $(SIMULATOR_TOKEN) & \
	  sim=$$!; trap 'kill $$sim 2>/dev/null; wait $$sim 2>/dev/null' EXIT INT TERM; \
	  LINDUNG_BPJS_API_URL__BPJS_KCP_METRO=http://127.0.0.1:$(SIMULATOR_PORT) \
	  LINDUNG_BPJS_API_TOKEN__BPJS_KCP_METRO=$(SIMULATOR_TOKEN) $(BIN)/lindung serve

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy tests benchmarks
	$(BIN)/lint-imports

test: lint
	./scripts/ensure-postgres.sh
	./scripts/ensure-chromium.sh
	$(BIN)/lindung rules check
	$(BIN)/pytest -q

bench: $(STAMP)
	./scripts/ensure-postgres.sh
	$(BIN)/python benchmarks/bench_rules.py
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
