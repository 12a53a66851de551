"""Service configuration from environment variables (``REFORMGRAPH_*``, and ``NEO4J_*``).

With no ``NEO4J_URI`` the service starts its own local FalkorDB engine under ``data_dir``;
with one, it uses that Neo4j and starts nothing.

A leaf: it imports nothing from the layers that use it (only the vocabulary in ``domain/``),
so that every layer can read its settings without pulling in the others. Each setting checks
itself when the settings are made, and :func:`load_settings` turns every bad one into one
message naming its environment variable: a typo stops start-up, not the first request.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.profiles import Profile

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
#: The URI schemes the Neo4j driver accepts (``+s``: TLS; ``+ssc``: TLS, self-signed).
NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
#: A TCP port; 0 where "pick a free one" is meant.
Port = Annotated[int, Field(ge=0, le=65_535)]


def usable_cores() -> int:
    """The cores this process may run on (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


class Settings(BaseSettings):
    """Everything the service reads from its environment, with defaults for local use."""

    model_config = SettingsConfigDict(env_prefix="REFORMGRAPH_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    port: Port = Field(8000, description="Port the HTTP API listens on.")
    workers: int | Literal["auto"] = Field(
        1,
        description="API processes `serve` runs on the port (uvicorn's supervisor): a "
        "number, or `auto` for one per core this process may run on.",
    )
    load_at_start: bool = Field(
        True,
        description="Apply the dataset folder and the synthetic sample at start-up when they "
        "changed. `serve --workers` applies them once in its parent and starts its workers "
        "with this off.",
    )
    data_dir: Path = Field(
        Path(".reformgraph"), description="Where the local engine keeps its files."
    )
    engine_port: Port = Field(
        0, description="Loopback port of the local engine; 0 picks a free port."
    )
    falkordb_host: str = Field(
        "127.0.0.1", description="Host of an already running FalkorDB (with falkordb_port)."
    )
    falkordb_port: Port | None = Field(
        None, description="Use the FalkorDB already listening here instead of starting one."
    )
    graph_name: str = Field("reformgraph", description="Graph key (FalkorDB) the service uses.")
    dataset_dir: Path | None = Field(
        Path("data"),
        description="Dataset loaded at start-up; empty (`REFORMGRAPH_DATASET_DIR=`) to load "
        "nothing.",
    )
    synthetic_profile: Profile | None = Field(
        None,
        description="Also load a synthetic dataset at start-up (`inner-mongolia` or "
        "`national`), marked synthetic everywhere: a demo with named items, chains and "
        "claims, which the documents do not give.",
    )
    synthetic_scale: float = Field(0.05, description="Scale of the synthetic sample.")
    synthetic_seed: int = Field(1, description="Seed of the synthetic sample.")
    serve_explorer: bool = Field(True, description="Serve the web explorer at `/`.")
    max_query_depth: int = Field(12, description="Deepest selection a query may nest.")
    max_aliases: int = Field(
        30, description="Most aliases one query may use (fragment spreads count each time)."
    )
    max_tokens: int = Field(5_000, description="Most tokens one query document may hold.")
    max_page_size: int = Field(
        500, description="Largest `first`/`last` a connection accepts, and its page without one."
    )
    max_cost: int = Field(
        2_500_000,
        description="Budget of one operation's price (about the most fields its answer can "
        "hold; docs/security.md): dearer operations are refused with COST_EXCEEDED.",
    )
    max_cost_in_flight: int = Field(
        2_500_000,
        description="Most the large operations (priced over a tenth of MAX_COST) one process "
        "runs at once may cost together; one that does not fit waits up to half its deadline, "
        "then is refused BUSY.",
    )
    import_deadline_s: float = Field(
        120.0,
        description="Seconds an import through the API may take (checking the table and "
        "writing it), in place of the request deadline when longer.",
    )
    claim_matrix_towns: int = Field(
        500, description="Most towns and subdistricts one claim matrix may hold."
    )
    merger_bodies: int = Field(50, description="Most bodies one merger (or what-if) may merge.")
    max_list_length: int = Field(100, description="Most items of any other list argument.")
    validation_work: int = Field(
        10_000,
        description="Field comparisons graphql-core's validation may spend on one document.",
    )
    metrics_operations: str = Field(
        "",
        description="Comma-separated operation names labelled by name in /metrics, besides "
        "the explorer's; any other name is labelled `other`.",
    )
    api_key_hashes: str = Field(
        "",
        description="Comma-separated hex SHA-256 hashes (64 hex digits each) of the API keys "
        "that may write (`reformgraph hash-key` prints one); empty: writes are disabled.",
    )
    reads_need_key: bool = Field(
        False, description="Close reads too: every GraphQL request needs a valid API key."
    )
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed to call the API from a browser."
    )
    max_body_bytes: int = Field(1_000_000, description="Largest request body accepted.")
    max_upload_bytes: int = Field(
        10_000_000,
        description="Largest multipart body (a file upload to `/graphql`, e.g. a delegation "
        "list) accepted; other bodies keep `max_body_bytes`.",
    )
    batching: bool = Field(
        True, description="DataLoader batching; off only to measure the N+1 baseline."
    )
    query_timeout_ms: int = Field(10_000, description="Per-statement timeout on the graph.")
    connect_timeout_s: float = Field(2.0, description="Timeout of one connection attempt.")
    # Faults fail fast, writes are serialised (docs/operations.md).
    request_deadline_s: float = Field(
        10.0,
        description="Every GraphQL request's graph calls end within this many seconds "
        "(plus 1 s of grace): DEADLINE_EXCEEDED if the engine answered too slowly, "
        "BACKEND_UNAVAILABLE if it did not answer. 0 turns the deadline off.",
    )
    write_lock_wait_s: float = Field(
        5.0, description="Longest a request's write waits for another write (then BUSY)."
    )
    import_timeout_s: float = Field(
        600.0, description="Per-statement timeout of an import (start-up and `load`)."
    )
    http_keep_alive_s: float = Field(
        5.0, description="An idle keep-alive HTTP connection is closed after this long."
    )
    http_body_timeout_s: float = Field(
        10.0,
        description="Longest wait for each part of a request body (then 408 with a code).",
    )
    http_body_min_rate: float = Field(
        500.0,
        description="Slowest average a request body may arrive at, in bytes a second, once "
        "http_body_timeout_s has passed (then 408 with a code); 0 turns it off.",
    )
    http_header_timeout_s: float = Field(
        10.0,
        description="Longest a request's line and headers may take to arrive, from its first "
        "byte (or the connection's opening); then the connection is closed. 0 turns it off.",
    )
    http_access_log: bool = Field(
        True, description="Log a line per request (uvicorn's access log) while serving."
    )
    neo4j_connect_attempts: int = Field(30, description="Start-up connection attempts to Neo4j.")
    neo4j_single_transaction_rows: int = Field(
        50_000,
        gt=0,
        description="Neo4j: an import of more rows is written as a staged generation in "
        "batches of transactions and promoted in one (docs/operations.md).",
    )
    neo4j_batch_rows: int = Field(
        20_000, gt=0, description="Neo4j: rows per transaction of a staged import."
    )
    neo4j_uri: str | None = Field(
        None, validation_alias=AliasChoices("NEO4J_URI", "REFORMGRAPH_NEO4J_URI")
    )
    neo4j_user: str = Field(
        "neo4j", validation_alias=AliasChoices("NEO4J_USER", "REFORMGRAPH_NEO4J_USER")
    )
    neo4j_password: SecretStr = Field(
        SecretStr(""),
        validation_alias=AliasChoices("NEO4J_PASSWORD", "REFORMGRAPH_NEO4J_PASSWORD"),
    )
    neo4j_database: str | None = Field(
        None, validation_alias=AliasChoices("NEO4J_DATABASE", "REFORMGRAPH_NEO4J_DATABASE")
    )

    @field_validator("dataset_dir", mode="before")
    @classmethod
    def _empty_means_none(cls, value: Any) -> Any:
        """``REFORMGRAPH_DATASET_DIR=""`` loads nothing (``Path("")`` would be the working
        directory)."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("workers")
    @classmethod
    def _at_least_one_worker(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError("a number from 1 (--workers), or `auto`")
        return value

    @field_validator("api_key_hashes")
    @classmethod
    def _hashes_are_sha256(cls, value: str) -> str:
        """Every configured hash is 64 hex digits: a key itself, or a truncated hash, pasted
        by mistake would otherwise never match, and writes would fail for no visible reason."""
        for number, entry in enumerate(value.split(","), start=1):
            entry = entry.strip()
            if entry and not _SHA256_HEX.fullmatch(entry):
                raise ValueError(
                    f"entry {number} is not a SHA-256 hash "
                    f"(64 hex digits; it has {len(entry)} characters): put the output of "
                    "`reformgraph hash-key`, never the key itself"
                )
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: str) -> str:
        """Every entry is an origin as a browser sends it (``scheme://host[:port]``, no path,
        no trailing slash) or ``*``: anything else would never match a request's ``Origin``,
        and the browser would refuse the calls with no word on the server side."""
        for number, entry in enumerate(value.split(","), start=1):
            entry = entry.strip()
            if entry and entry != "*" and not _is_origin(entry):
                raise ValueError(
                    f"entry {number} ({entry!r}) is not an origin: "
                    "write scheme://host[:port] as the browser's address bar shows it, e.g. "
                    "https://explorer.example.org, with no path and no trailing slash"
                )
        return value

    @field_validator("neo4j_uri")
    @classmethod
    def _neo4j_uri_is_a_driver_uri(cls, value: str | None) -> str | None:
        """A URI the Neo4j driver can open; said here rather than by the driver after start-up
        has begun. The value is not echoed: a URI may carry a user and a password."""
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in NEO4J_SCHEMES or not parts.hostname:
            raise ValueError(
                "not a Neo4j URI: write scheme://host[:port] with one of the "
                f"schemes {', '.join(NEO4J_SCHEMES)}, e.g. neo4j://db.example.org:7687"
            )
        return value.strip()

    @property
    def worker_count(self) -> int:
        """How many API processes to run: ``workers``, with ``auto`` resolved to the cores
        this process may run on (its CPU affinity, which a container's cpuset narrows)."""
        if self.workers == "auto":
            return usable_cores()
        return self.workers

    @property
    def metrics_operation_names(self) -> list[str]:
        """The configured operation names for metrics labels, without blanks."""
        return [n.strip() for n in self.metrics_operations.split(",") if n.strip()]

    @property
    def origins(self) -> list[str]:
        """The configured CORS origins, without blanks."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def key_hashes(self) -> list[str]:
        """The configured key hashes, lower-case, without blanks."""
        return [h.strip().lower() for h in self.api_key_hashes.split(",") if h.strip()]

    @property
    def uses_neo4j(self) -> bool:
        """True when a Neo4j URI is configured; the local engine is then not started."""
        return bool(self.neo4j_uri)


def _is_origin(entry: str) -> bool:
    try:
        parts = urlsplit(entry)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not parts.path
        and not parts.query
        and not parts.fragment
        and parts.username is None
    )


def variable_of(field: str) -> str:
    """The environment variable of a validation error's location: pydantic names a field
    by its name (``cors_origins``), or by its first alias where it has some (``NEO4J_URI``)."""
    return f"REFORMGRAPH_{field.upper()}" if field in Settings.model_fields else field


class ConfigurationError(ValueError):
    """Settings that cannot run the service; the message names each bad variable, never its
    value (it may be a secret)."""


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and ``overrides``), or :class:`ConfigurationError`
    listing what is wrong with each bad one under its variable's name."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{variable_of(str(error['loc'][0])) if error['loc'] else 'settings'}: "
            f"{_reason(error['msg'])}"
            for error in exc.errors()
        )
        raise ConfigurationError(f"invalid configuration: {problems}") from None


def _reason(message: str) -> str:
    """Pydantic's message without its ``Value error,`` prefix (our validators' own words)."""
    return message.removeprefix("Value error, ")
