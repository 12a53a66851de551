"""`make mutate`: mutation testing of the modules that decide answers, with mutmut.

Each module is mutated on its own, with its own test subset (``[tool.reformgraph.mutate]`` in
pyproject.toml), in a scratch copy of the repository under ``.reformgraph/mutate/<module>``:
mutmut reads its configuration from the ``pyproject.toml`` of the directory it runs in, and
one configuration per module is what lets each module run only the tests meant for it. Among
those, mutmut runs for each mutant only the tests that called the mutated function (it records
that in a first, clean run). The tests start a real engine: FalkorDB from the wheel, never Neo4j
(``NEO4J_URI`` is removed from mutmut's environment: two workers' tests would clear one Neo4j
database under each other, and two engines take twice the time; ``make test`` with
``NEO4J_URI`` runs the same tests on Neo4j). mutmut runs each mutant's tests
quickest first and stops at the first failure; a small pytest plugin
(``tests/mutation_plugin.py``) records which test that was.

Usage: ``python -m tests.mutation [MODULE ...]`` (all configured modules by default). Prints,
and writes to ``.reformgraph/mutate/report.md``, the mutants, killed and survived per module
(with the minutes and the load average they took), each survivor's diff, and the tests that
killed mutants, for docs/testing.md.

Why mutmut: it forks a worker per mutant from a process that has already imported the
service and its tests, and runs only the tests that reach the mutated function, so a module
costs minutes, not the hours a fresh ``pytest`` per mutant would. It mutates functions and
methods, not module-level constants, class bodies or decorated functions (Strawberry
resolvers): see docs/testing.md for how those are covered.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".reformgraph" / "mutate"

#: What a scratch copy needs besides the tests: every package (the mutated module's and the
#: ones it imports) and what the tests read or import (data/, docs/, the Cypher files of cypher/,
#: bench/ and tools/).
PACKAGES = ["server", "schema", "graph_store", "graph_loaders", "cypher"]
ALSO_COPY = ["data", "docs", "bench", "tools"]

#: mutmut's statuses, grouped as the report counts them.
KILLED = {"killed", "caught by type check"}
SURVIVED = {"survived"}


@dataclass
class ModuleResult:
    """One module's run: mutant names by status, and each survivor's diff."""

    module: str
    statuses: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)
    commit: str = ""
    minutes: float = 0.0
    #: the 1-minute load average, sampled through the run: mean and highest
    load: tuple[float, float] = (0.0, 0.0)
    #: test node id → the mutants it was the first to fail on
    killers: Counter[str] = field(default_factory=Counter)

    def count(self, statuses: set[str]) -> int:
        return sum(1 for s in self.statuses.values() if s in statuses)

    @property
    def other(self) -> dict[str, str]:
        """Mutants neither killed nor survived (no tests, timeout, suspicious, ...)."""
        return {k: s for k, s in self.statuses.items() if s not in KILLED | SURVIVED}


def configured_modules() -> dict[str, list[str]]:
    """Module path → its test subset, from pyproject.toml."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    modules: dict[str, list[str]] = data["tool"]["reformgraph"]["mutate"]["modules"]
    return modules


def _slug(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def _scratch(module: str, tests: list[str]) -> Path:
    """A fresh copy of the repository whose pyproject.toml configures mutmut for ``module``."""
    work = WORK / _slug(module)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "artifacts", "results")
    for name in [*PACKAGES, "tests", *ALSO_COPY]:
        shutil.copytree(REPO / name, work / name, ignore=ignore)
    config = {
        "source_paths": PACKAGES,
        "only_mutate": [module],
        "also_copy": ALSO_COPY,
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "tests.mutation_plugin"],
        # a mutant's tests get this many times their clean run (plus a constant) before it
        # counts as a timeout: generous, since the two cores are shared
        "timeout_multiplier": 10.0,
        "timeout_constant": 10.0,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(text + "\n[tool.mutmut]\n" + "\n".join(lines) + "\n")
    return work


def _mutmut(work: Path, *args: str, capture: bool = False) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}  # FalkorDB only
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mutmut"), *args],
        cwd=work,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if result.returncode != 0 and args[0] == "run":
        raise SystemExit(f"mutmut {' '.join(args)} failed in {work} ({result.returncode})")
    return result.stdout or ""


def _statuses(work: Path, module: str) -> dict[str, str]:
    """Every mutant of ``module`` and its status, from mutmut's record of the run."""
    from mutmut.stats import status_by_exit_code

    meta = json.loads((work / "mutants" / f"{module}.meta").read_text(encoding="utf-8"))
    codes: dict[str, int | None] = meta["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in sorted(codes.items())}


def _killers(work: Path) -> Counter[str]:
    """Each test and how many mutants it was the first to fail on (tests/mutation_plugin.py)."""
    path = work / "mutants" / "mutmut-killers.tsv"
    if not path.is_file():
        return Counter()
    first: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        mutant, _, test = line.partition("\t")
        first.setdefault(mutant, test)
    return Counter(first.values())


class LoadSampler:
    """The 1-minute load average every few seconds while a module runs: the machine is shared,
    and a module's minutes mean little without it."""

    def __init__(self, every_s: float = 15.0) -> None:
        self.samples = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every_s,), daemon=True)
        self._thread.start()

    def _sample(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])
        return sum(self.samples) / len(self.samples), max(self.samples)


def _commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True, capture_output=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=REPO, text=True, capture_output=True
    )
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def run_module(module: str, tests: list[str], children: int) -> ModuleResult:
    """Mutate one module with its test subset; the statuses and the survivors' diffs."""
    commit = _commit()  # what the scratch copy is taken from
    work = _scratch(module, tests)
    started = time.monotonic()
    load = LoadSampler()
    _mutmut(work, "run", "--max-children", str(children))
    minutes = (time.monotonic() - started) / 60
    result = ModuleResult(
        module,
        _statuses(work, module),
        commit=commit,
        minutes=minutes,
        load=load.stop(),
        killers=_killers(work),
    )
    for name, status in result.statuses.items():
        if status not in KILLED:
            result.diffs[name] = _mutmut(work, "show", name, capture=True)
    return result


def report(results: list[ModuleResult]) -> str:
    """Markdown: a table of the modules, then each survivor's diff, then the killing tests."""
    lines = [
        "| module | commit | mutants | killed | survived | other | minutes | load (mean, max) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| `{r.module}` | {r.commit} | {len(r.statuses)} | {r.count(KILLED)} "
            f"| {r.count(SURVIVED)} | {len(r.other)} | {r.minutes:.1f} "
            f"| {r.load[0]:.1f}, {r.load[1]:.1f} |"
        )
    if len(results) > 1:
        total = sum(r.minutes for r in results)
        lines.append(f"\nTotal: {total:.1f} minutes.")
    for r in results:
        for name, diff in r.diffs.items():
            lines += ["", f"### {name}: {r.statuses[name]}", "", "```diff", diff.strip(), "```"]
    for r in results:
        lines += ["", f"### `{r.module}`: the tests that killed its mutants (first to fail)", ""]
        lines += [f"- {n} `{test}`" for test, n in r.killers.most_common()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: all configured)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    configured = configured_modules()
    modules = args.modules or list(configured)
    unknown = [m for m in modules if m not in configured]
    if unknown:
        parser.error(f"not configured in [tool.reformgraph.mutate]: {', '.join(unknown)}")
    results = []
    for module in modules:  # each module's report as soon as it is done
        results.append(run_module(module, configured[module], args.children))
        (WORK / f"{_slug(module)}.md").write_text(report(results[-1:]), encoding="utf-8")
    text = report(results)
    (WORK / "report.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
