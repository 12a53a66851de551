# The two commands of the README. Each sets up its own virtual environment from
# pyproject.toml on a fresh machine, then does its job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint typecheck pytest schema clean

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

## schema: rewrite schema.graphql from the code
schema: $(STAMP)
	$(BIN)/reformgraph export-schema

clean:
	rm -rf $(VENV) .reformgraph .mypy_cache .ruff_cache .pytest_cache
