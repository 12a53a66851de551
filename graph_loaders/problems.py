"""One problem found in a dataset: where it is and what is wrong.

A dataset file with an error is rejected whole, and the person who fixes it needs every
problem at once, each pointing at a file, a record, a field and, where the parser knows it, a
line ("row") of the file. Problems are values (frozen, hashable) so callers can
de-duplicate and sort them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: ``error`` blocks an import; ``warning`` is listed the same way but does not (a column a
#: published list shape lacks, say): the person loading the file should see it, not fix it.
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """A problem in a dataset file.

    ``location`` is the record (``regions[3]``), empty for problems about the whole file;
    ``field`` the field inside it (``provenance[0].quote``), empty when the whole record or file
    is at fault; ``line`` the 1-based line in the file where the record or field starts, when
    known (JSON files read without YAML marks and derived problems may have none).
    """

    file: str
    location: str
    field: str
    reason: str
    line: int | None = None
    severity: Severity = "error"

    @property
    def blocks(self) -> bool:
        """True for an error: a dataset with one is not imported."""
        return self.severity == "error"

    def __str__(self) -> str:
        where = self.file
        row = f"row {self.line}" if self.line is not None else None
        if self.location and self.location != row:
            where += f": {self.location}"
            if row:
                where += f" ({row})"
        elif row:
            where += f": {row}"  # a table's row is its location: said once
        prefix = "warning: " if self.severity == "warning" else ""
        if self.field:
            return f"{prefix}{where}: {self.field}: {self.reason}"
        return f"{prefix}{where}: {self.reason}"


def format_problems(problems: list[Problem]) -> str:
    """All problems as text, one a line, in file and line order (for CLIs and test output)."""
    ordered = sorted(problems, key=lambda p: (p.file, p.line or 0, p.location, p.field, p.reason))
    return "\n".join(str(p) for p in ordered)


def blocking(problems: list[Problem]) -> list[Problem]:
    """The problems that stop an import (errors, not warnings)."""
    return [p for p in problems if p.blocks]
