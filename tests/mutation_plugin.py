"""The pytest plugin ``make mutate`` loads in mutmut's test runs (``-p tests.mutation_plugin``).

Two jobs, both only in a run against a mutant (mutmut names it in ``MUTANT_UNDER_TEST``):

- **Quickest tests first.** mutmut hands a mutant's worker the tests that reached the mutated
  function as an unordered set and stops at the first failure (``-x``), so a mutant that a
  0.1-second test kills could first sit through a 10-second one. The tests are put in the order
  of their duration in mutmut's clean run (``mutmut-stats.json``), quickest first: a killed
  mutant then costs about its quickest killer. Survivors still run every test, in any order.
- **Which test killed it.** The first test that fails is appended, with the mutant's name, to
  ``mutmut-killers.tsv``: ``tests/mutation.py`` sums it into the report, so a module's test
  subset can be narrowed to the tests that kill something, and a narrowed subset shown to kill
  the same mutants.

Outside a mutant's run (mutmut's stats, clean and forced-fail runs, and ``make test``, which
never loads this plugin) it does nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

#: Written by mutmut in the directory its test runs start in (``mutants/``).
STATS = Path("mutmut-stats.json")
KILLERS = Path("mutmut-killers.tsv")


def _mutant() -> str | None:
    """The mutant under test, or None in mutmut's own runs (stats, clean, forced fail)."""
    name = os.environ.get("MUTANT_UNDER_TEST", "")
    return name if "__mutmut_" in name else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Quickest first, by the clean run's durations; ties (and unknown tests) keep their
    collection order, so the tests of one module stay together where they can."""
    if _mutant() is None or not STATS.is_file():
        return
    durations: dict[str, float] = json.loads(STATS.read_text(encoding="utf-8"))[
        "duration_by_test"
    ]
    position = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (durations.get(item.nodeid, 0.0), position[id(item)]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record the test (set-up, call or tear-down) that failed against the mutant."""
    mutant = _mutant()
    if mutant is None or not report.failed:
        return
    with KILLERS.open("a", encoding="utf-8") as killers:
        killers.write(f"{mutant}\t{report.nodeid}\n")
