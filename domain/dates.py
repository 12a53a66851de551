"""Partial dates: the sources give a date to the year, the month or the day, and the graph
keeps the precision they give (``2019``, ``2019-02``, ``2019-02-01``).

Whatever a date is checked by (a dataset file, an uploaded table, ``applyMerger``), it must be
a real calendar date: ``2019-02-29`` and ``2021-13-99`` are refused, with the reason.
"""

from __future__ import annotations

import calendar
import re
from typing import Final

#: How the forms are named in messages.
DATE_FORMS: Final = "YYYY, YYYY-MM or YYYY-MM-DD"

_SHAPE: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_leap_year(year: int) -> bool:
    """Whether February of ``year`` has 29 days (Gregorian calendar)."""
    return calendar.isleap(year)


def check_partial_date(value: str) -> str:
    """``value`` if it is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and names a real day (or
    month); else ``ValueError`` saying what is wrong with it."""
    match = _SHAPE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a date: write {DATE_FORMS}")
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} is not a date: month {month} is not 01-12")
    if month is not None and day is not None:
        days = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= days:
            why = (
                f"{year} is not a leap year, so February has 28 days"
                if int(month) == 2 and int(day) == 29
                else f"month {month} of {year} has {days} days"
            )
            raise ValueError(f"{value!r} is not a date: {why}")
    return value
