"""Who may write: API keys stored as SHA-256 hashes, presented as ``Authorization: Bearer``.

Reads are open by default; writes (mutations) need a key whose hash is configured. The keys
themselves are never stored, so a leaked configuration does not leak a credential.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.permission import BasePermission

from schema.errors import ApiError, ErrorCode


def hash_key(key: str) -> str:
    """The hex SHA-256 of an API key, as it is stored in configuration."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if that is what it is."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def key_is_valid(token: str | None, key_hashes: Iterable[str]) -> bool:
    """True if ``token`` hashes to one of ``key_hashes`` (compared in constant time)."""
    if token is None:
        return False
    presented = hash_key(token)
    return any(hmac.compare_digest(presented, h.strip().lower()) for h in key_hashes)


def require_editor(info: strawberry.Info) -> None:
    """Raise the coded error a write without a valid key gets: FORBIDDEN when no key is
    configured at all, UNAUTHENTICATED when the request has none that is valid.

    For mutations whose dry run is open (an import's preview) and whose write is not."""
    context = info.context
    if not context.writes_enabled:
        raise ApiError(ErrorCode.FORBIDDEN, "Writes are disabled: no API key is configured.")
    if not context.is_editor:
        raise ApiError(
            ErrorCode.UNAUTHENTICATED,
            "A valid API key is required: send `Authorization: Bearer <key>`.",
        )


class IsEditor(BasePermission):
    """Mutations: a configured, valid bearer key is required."""

    message = "A valid API key is required."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        require_editor(info)
        return True
