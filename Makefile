# The two commands of the README. Each sets up its own virtual environment from
# pyproject.toml on a fresh machine, then does its job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test mutate test-deps browser-deps bench bench-quick redteam schema clean

# What the browser tests (tests/test_web_explorer.py) drive: Debian's Chromium and its
# ChromeDriver (/usr/bin/chromium, /usr/bin/chromedriver) and a small CJK font to render
# Chinese. Selenium is given both paths, so it never downloads a browser or a driver.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-microhei
# What the deployment tests (tests/test_deployment.py) run: Compose, to validate
# docker-compose.yml with `config` (Debian 12 packages Compose as docker-compose, not the
# Docker client's `docker compose` plugin; the tests use the plugin where it is there).
DEPLOY_PACKAGES := docker-compose
TEST_PACKAGES := $(BROWSER_PACKAGES) $(DEPLOY_PACKAGES)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## serve: start the API on :8000 with the local FalkorDB engine and data/ loaded
serve: $(STAMP)
	exec $(BIN)/reformgraph serve

# Line coverage of the store and the service (and the schema), reported after the tests
COVERAGE := --cov=graph_store --cov=server --cov=schema --cov-report=term

## test: ruff, mypy and the whole pytest suite (with its coverage report); fails if any of
## them fails
test: $(STAMP) test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest $(COVERAGE)

## mutate: mutation testing (mutmut) of the modules that decide answers, each with its own
## tests (pyproject.toml [tool.reformgraph.mutate]); MODULES="schema/claims.py ..." for some
## of them. Not part of `make test` or CI: too long (docs/testing.md, "Time", has what was measured)
mutate: $(STAMP)
	$(BIN)/python -m tests.mutation $(MODULES)

## test-deps: apt-get install the TEST_PACKAGES that are missing (needs root then;
## nothing is installed, and root is not needed, when all are there); browser-deps: the same
browser-deps: test-deps
test-deps:
	@missing=""; \
	for pkg in $(TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "make: the tests need Debian's$$missing (no apt-get here)" >&2; exit 1; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "make: the tests need Debian's$$missing; as root: make test-deps" >&2; \
	  exit 1; fi; \
	echo "apt-get install$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null

## bench: import and query benchmarks on both synthetic profiles, on FalkorDB and on Neo4j
## (NEO4J_URI, or the shared server started for the run: bench/with_neo4j.py), then the
## side-by-side with @neo4j/graphql on Neo4j, then serve --workers 1 against 2 and two services
## on one engine (results in bench/results/ and
## docs/performance.md); bench-quick finishes in a few minutes per engine
BENCH_WITH_NEO4J := $(BIN)/python -m bench.with_neo4j --

bench: $(STAMP)
	$(BENCH_WITH_NEO4J) sh -c '$(BIN)/python -m bench.import_bench \
	  && $(BIN)/python -m bench.query_bench && $(BIN)/python -m bench.peer_bench \
	  && $(BIN)/python -m bench.workers_bench'

bench-quick: $(STAMP)
	$(BENCH_WITH_NEO4J) sh -c '$(BIN)/python -m bench.import_bench --quick \
	  && $(BIN)/python -m bench.query_bench --quick && $(BIN)/python -m bench.peer_bench --quick \
	  && $(BIN)/python -m bench.workers_bench --quick'

## schema: rewrite schema.graphql from the code
## redteam: issue 14's attacks, fuzzing and faults replayed against `reformgraph serve` in a
## process of its own, on FalkorDB and on Neo4j (NEO4J_URI, or the shared server started for
## the run); loopback only, a few minutes per engine; its table goes to bench/results/ and
## docs/reliability.md
redteam: $(STAMP)
	$(BIN)/python -m bench.redteam --docs

schema: $(STAMP)
	$(BIN)/reformgraph export-schema

clean:
	rm -rf $(VENV) .reformgraph .mypy_cache .ruff_cache .pytest_cache
