"""Region keys as people give them: the dataset id (``region:haibowan``) or the official code
(``150302``, ``150302101``, or the 12-digit ``150302101000``).

Every argument that names a region (``region(key:)``, ``claimMatrix(region:)``, the ``under``
filters, ``delegationChains(town:)``) goes through :func:`region_id` first, so a code works
wherever a key does. A key that is not all digits is an id and is used as it is; a code that
names no region is also returned as given, so the caller's own NOT_FOUND names what the client
sent.
"""

from __future__ import annotations

import strawberry

from graph_store.region_codes import is_code_like, normalise_code


async def region_id(info: strawberry.Info, key: str) -> str:
    """The id of the region ``key`` names (one batched look-up per request for codes)."""
    if not is_code_like(key):
        return key
    code = normalise_code(key)
    if code is None:
        return key
    found: str | None = await info.context.loaders.region_by_code.load(code)
    return found or key


async def optional_region_id(info: strawberry.Info, key: str | None) -> str | None:
    """:func:`region_id` for an optional filter (None stays None)."""
    return None if key is None else await region_id(info, key)
