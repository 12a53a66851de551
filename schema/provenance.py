"""The documents behind the facts, and where they disagree, as API types.

A fact's ``provenance`` names a source file and a quote; the graph also holds the document
itself (a ``Source`` node: title, issuer, date, kind, file) and the places where two sources
state different things about the same fact (``Disagreement`` nodes: what, and which source
says what, in its own words). A statistic's note says "see disagreements": these are what it
points at, reachable from ``Provenance.document`` and from the facts concerned
(``Statistic.disagreements``, ``PowerList.disagreements``) and listed by the queries
``sources`` and ``disagreements``.

The lookups are batched per request (one statement for all the files or keys a response
asks about), with DataLoaders of their own kept beside the request's context.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from graph_store import GraphStore
from schema.errors import ApiError, ErrorCode
from schema.loaders import SharedLoader

if TYPE_CHECKING:
    from schema.nodes import Source

Props = dict[str, Any]
#: ``schema.nodes.Source``, which imports this module: resolved when the schema is built.
LazySource = Annotated["Source", strawberry.lazy("schema.nodes")]


async def _sources(store: GraphStore, files: list[str]) -> list[Props | None]:
    rows = await store.read("sources_by_files", {"files": sorted(set(files))})
    found = {row["file"]: row["props"] for row in rows}
    return [found.get(file) for file in files]


async def _about(store: GraphStore, keys: list[str]) -> list[list[Props]]:
    rows = await store.read("disagreements_about", {"about": sorted(set(keys))})
    found: dict[str, list[Props]] = defaultdict(list)
    for row in rows:
        found[row["about"]].append(row["props"])
    return [found.get(key, []) for key in keys]


class ProvenanceLoaders:
    """The request's loaders of source documents (by file) and disagreements (by what they
    are about); batch functions of the store, not of this object (no reference cycle:
    ``schema.loaders.Loaders``)."""

    def __init__(self, store: GraphStore) -> None:
        self.source_by_file: DataLoader[str, Props | None] = SharedLoader(
            partial(_sources, store)
        )
        self.disagreements_about: DataLoader[str, list[Props]] = SharedLoader(
            partial(_about, store)
        )


#: One set of loaders per request context, dropped with it.
_LOADERS: weakref.WeakKeyDictionary[Any, ProvenanceLoaders] = weakref.WeakKeyDictionary()


def loaders_of(info: strawberry.Info) -> ProvenanceLoaders:
    """This request's provenance loaders (made on first use)."""
    context = info.context
    loaders = _LOADERS.get(context)
    if loaders is None:
        loaders = _LOADERS[context] = ProvenanceLoaders(context.store)
    return loaders


async def source_of_file(info: strawberry.Info, file: str) -> Source | None:
    """The source document stored under ``file``, if the graph has it."""
    from schema.nodes import Source  # the node types import this module

    props = await loaders_of(info).source_by_file.load(file)
    return None if props is None else Source.from_props(props)


@strawberry.type(description="One source's side of a disagreement: what it says, verbatim.")
class SourceStatement:
    source: str = strawberry.field(description="File name of the source document.")
    quote: str = strawberry.field(description="What this source says, verbatim.")

    @strawberry.field(description="The source document (title, issuer, date, kind).")
    async def document(self, info: strawberry.Info) -> LazySource | None:
        return await source_of_file(info, self.source)


@strawberry.type(
    description="Sources that state different things about the same fact; every side is "
    "kept, none is chosen."
)
class Disagreement:
    key: str = strawberry.field(description="The dataset id, e.g. `disagreement:…`.")
    about: str = strawberry.field(
        description="What it is about: the key of a record (a statistic, a power list) or a "
        "statistic's `metric` (every figure of that metric)."
    )
    note: str = strawberry.field(description="What differs, and what may explain it.")
    statements: list[SourceStatement] = strawberry.field(
        description="Which source says what: at least two."
    )
    synthetic: bool

    @classmethod
    def from_props(cls, props: Props) -> Disagreement:
        sources = props.get("sources") or []
        quotes = props.get("quotes") or []
        return cls(
            key=props["id"],
            about=props.get("about", ""),
            note=props.get("note", ""),
            statements=[
                SourceStatement(source=s, quote=q) for s, q in zip(sources, quotes, strict=False)
            ],
            synthetic=bool(props.get("synthetic")),
        )


async def disagreements_about(info: strawberry.Info, *keys: str) -> list[Disagreement]:
    """The disagreements about any of ``keys`` (a fact's key, a statistic's metric), by key."""
    found = await loaders_of(info).disagreements_about.load_many(list(keys))
    unique = {props["id"]: props for group in found for props in group}
    return [Disagreement.from_props(unique[key]) for key in sorted(unique)]


def _cap(info: strawberry.Info) -> int:
    return int(info.schema.config.relay_max_results)


def _within_cap(rows: list[Props], cap: int, what: str) -> list[Props]:
    if len(rows) > cap:
        raise ApiError(ErrorCode.LIMIT_EXCEEDED, f"More than {cap} {what}.", limit="max_page_size")
    return rows


async def sources(info: strawberry.Info) -> list[LazySource]:
    """Every source document the graph holds, by key."""
    from schema.nodes import Source

    cap = _cap(info)
    rows = await info.context.store.read("sources_list", {"limit": cap + 1})
    return [Source.from_props(row["props"]) for row in _within_cap(rows, cap, "sources")]


async def disagreements(info: strawberry.Info) -> list[Disagreement]:
    """Every disagreement between sources, by key."""
    cap = _cap(info)
    rows = await info.context.store.read("disagreements_list", {"limit": cap + 1})
    return [
        Disagreement.from_props(row["props"]) for row in _within_cap(rows, cap, "disagreements")
    ]
