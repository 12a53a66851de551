# The two commands of the README. Each sets up its own virtual environment from
# pyproject.toml on a fresh machine, then does its job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test bench bench-quick schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## serve: start the API on :8000 with the local FalkorDB engine and data/ loaded
serve: $(STAMP)
	exec $(BIN)/reformgraph serve

## test: ruff, mypy and the whole pytest suite; fails if any of them fails
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

## bench: import and query benchmarks on both synthetic profiles (results in bench/results/
## and docs/performance.md); bench-quick finishes in a few minutes
bench: $(STAMP)
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.query_bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench.import_bench --quick
	$(BIN)/python -m bench.query_bench --quick

## schema: rewrite schema.graphql from the code
schema: $(STAMP)
	$(BIN)/reformgraph export-schema

clean:
	rm -rf $(VENV) .reformgraph .mypy_cache .ruff_cache .pytest_cache
