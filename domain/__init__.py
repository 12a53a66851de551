"""The reform's vocabulary, defined once: ids, partial dates and the enums with their Chinese
words.

A leaf package: it imports nothing from the project (and no library), so the loaders, the
GraphQL schema and the settings can all import it without importing each other. The loaders
validate files against it, the schema exposes its enums as GraphQL enums (each value described
by its Chinese words), and the web explorer reads those words from the API's introspection,
so no layer keeps a copy that could drift.
"""

from domain.dates import DATE_FORMS, check_partial_date, is_leap_year
from domain.ids import ID_MAX_LENGTH, ID_PATTERN, METRIC_PATTERN, check_id, is_id
from domain.terms import (
    LEVEL_ORDER,
    TOWN_LEVELS,
    BodyKind,
    ChainRelation,
    ClaimMode,
    ConflictCode,
    EventKind,
    ListKind,
    PowerType,
    RegionDivision,
    RegionLevel,
    SourceKind,
    SuperiorRelation,
    Term,
)

#: Every enum of the vocabulary, by name (the GraphQL enums carry the same names).
TERMS: tuple[type[Term], ...] = (
    RegionLevel,
    RegionDivision,
    BodyKind,
    SuperiorRelation,
    PowerType,
    ListKind,
    ClaimMode,
    EventKind,
    SourceKind,
    ConflictCode,
    ChainRelation,
)

__all__ = [
    "DATE_FORMS",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "LEVEL_ORDER",
    "METRIC_PATTERN",
    "TERMS",
    "TOWN_LEVELS",
    "BodyKind",
    "ChainRelation",
    "ClaimMode",
    "ConflictCode",
    "EventKind",
    "ListKind",
    "PowerType",
    "RegionDivision",
    "RegionLevel",
    "SourceKind",
    "SuperiorRelation",
    "Term",
    "check_id",
    "check_partial_date",
    "is_id",
    "is_leap_year",
]
