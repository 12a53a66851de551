"""The pytest plugin ``make mutate`` loads in mutmut's test runs (``-p tests.mutation_plugin``):
it records which test killed each mutant.

mutmut runs a mutant's tests quickest first (by their durations in its clean run) and stops
at the first failure, but keeps only the verdict. This plugin appends the first test that
fails (in set-up, call or tear-down) and the mutant's name to ``mutmut-killers.tsv``;
``tests/mutation.py`` sums it into the report. That is what a module's test subset is chosen
from: the tests that kill something, and which of them are slow (a survivor runs every test
of the subset that reaches its function, so a slow test that kills nothing costs its time once
per survivor); and a narrowed subset is shown to kill the same mutants by a run on it.

It does nothing outside a run against a mutant (mutmut names the mutant in
``MUTANT_UNDER_TEST``): not in mutmut's stats, clean and forced-fail runs, and ``make test``
never loads it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Beside mutmut's own records, in the directory its test runs start in (``mutants/``).
KILLERS = Path("mutmut-killers.tsv")


def _mutant() -> str | None:
    """The mutant under test, or None in mutmut's own runs (stats, clean, forced fail)."""
    name = os.environ.get("MUTANT_UNDER_TEST", "")
    return name if "__mutmut_" in name else None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record the test that failed against the mutant."""
    mutant = _mutant()
    if mutant is None or not report.failed:
        return
    with KILLERS.open("a", encoding="utf-8") as killers:
        killers.write(f"{mutant}\t{report.nodeid}\n")
