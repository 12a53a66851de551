"""Query cost limits, enforced by Strawberry's own extensions before anything runs.

A query over a limit is refused at parse or validation time, so it never reaches the graph;
:class:`schema.errors.CodedErrors` turns the refusal into ``LIMIT_EXCEEDED`` with the limit's
name, so a client can tell which one it hit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)


@dataclass(frozen=True)
class Limits:
    """The configurable ceilings of one schema."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_page_size: int = 500


#: How each limiter words its refusal, and the limit name clients see.
LIMIT_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"exceeds maximum operation depth"), "depth"),
    (re.compile(r"aliases found\. Allowed"), "aliases"),
    (re.compile(r"Document contains more than \d+ tokens"), "tokens"),
)


def limit_of(message: str) -> str | None:
    """The name of the limit a validation message reports, if it reports one."""
    for pattern, name in LIMIT_MESSAGES:
        if pattern.search(message):
            return name
    return None


def limit_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """Fresh limiter extensions per request, configured from ``limits``."""
    return [
        lambda: QueryDepthLimiter(max_depth=limits.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
    ]
