"""The queries reformgraph and the peer (@neo4j/graphql) are compared on, and what makes two
answers the same.

Each :class:`SideBySide` is one logical question asked of both services in each one's own
GraphQL: reformgraph's schema (``schema.graphql``) and the schema @neo4j/graphql generates from
``bench/peer/typeDefs.graphql``. Their answers differ in shape (``key`` against ``id``,
connections against lists, ``itemModes`` against relationship properties), so each side has a
normaliser that reduces its answer to the same plain structure: keys and values only, lists
sorted wherever neither query promises an order, kept in order where both do (a search page).
:func:`compare` refuses a pair whose normalised answers differ: the benchmark times nothing
that does not answer the same question the same way.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.query_bench import pick_county
from graph_loaders.dataset import Dataset

#: A normalised answer: JSON values only (dicts, lists, strings, numbers, booleans, null).
Normal = Any
Normaliser = Callable[[dict[str, Any]], Normal]


class AnswersDifferError(AssertionError):
    """The two services answered one question differently: it is not timed."""

    def __init__(self, query: str, ours: Normal, peer: Normal) -> None:
        self.query = query
        self.ours = ours
        self.peer = peer
        super().__init__(f"{query}: the answers differ ({first_difference(ours, peer)})")


def first_difference(a: Normal, b: Normal, path: str = "$") -> str:
    """Where two normalised answers first differ, as a path and the two values there."""
    if type(a) is not type(b):
        return f"at {path}: {_short(a)} against {_short(b)}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"at {path}.{key}: present on one side only"
            if a[key] != b[key]:
                return first_difference(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"at {path}: {len(a)} entries against {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{index}]")
    elif a != b:
        return f"at {path}: {_short(a)} against {_short(b)}"
    return "no difference"


def _short(value: Normal) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def compare(query: str, ours: Normal, peer: Normal) -> None:
    """Raise :class:`AnswersDifferError` unless the normalised answers are equal. Empty
    answers on both sides are refused too: they would compare equal and measure nothing."""
    if ours != peer:
        raise AnswersDifferError(query, ours, peer)
    if ours in (None, [], {}):
        raise AnswersDifferError(query, ours, "a non-empty answer")


def _sorted(items: list[Normal]) -> list[Normal]:
    """A list in a canonical order (for lists neither query orders): objects by their
    ``key``, then anything by its JSON text."""

    def order(item: Normal) -> tuple[str, str]:
        key = item.get("key", "") if isinstance(item, dict) else ""
        return str(key), json.dumps(item, ensure_ascii=False, sort_keys=True)

    return sorted(items, key=order)


def _data(answer: dict[str, Any], field: str) -> Any:
    """``answer["data"][field]``, refusing an answer with GraphQL errors."""
    if answer.get("errors"):
        raise ValueError(f"the answer has errors: {_short(answer['errors'])}")
    return answer["data"][field]


def _only(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The single node a peer query by id returns (it answers a list)."""
    if len(nodes) != 1:
        raise ValueError(f"expected one node, got {len(nodes)}")
    return nodes[0]


# --- the keys the questions are about -------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    """Dataset ids the side-by-side queries are asked about."""

    league: str
    county: str
    power_list: str
    body: str
    item: str
    town: str
    text: str


def pick_keys(ds: Dataset) -> Keys:
    """The same county as the query benchmark's claim matrix (:func:`pick_county`), its league,
    the body with the most subordinates in that county, and the query benchmark's delegation
    (item and town)."""
    county = pick_county(ds).region
    subordinates = Counter(b.superior for b in ds.bodies if b.superior)
    body = max(
        (b for b in ds.bodies if b.region == county.id),
        key=lambda b: (subordinates.get(b.id, 0), b.id),
    )
    delegation = next(d for d in ds.delegations if d.item and d.to_region)
    assert county.parent is not None
    assert delegation.item is not None
    assert delegation.to_region is not None
    return Keys(
        league=county.parent,
        county=county.id,
        power_list=ds.power_lists[0].id,
        body=body.id,
        item=delegation.item,
        town=delegation.to_region,
        text="执法局",
    )


# --- normalisers ------------------------------------------------------------------------------


def _tree(node: dict[str, Any], key: str) -> Normal:
    out: dict[str, Any] = {"key": node[key], "name": node["name"], "level": node["level"]}
    if "children" in node:
        out["children"] = _sorted([_tree(child, key) for child in node["children"]])
    return out


def ours_region_tree(answer: dict[str, Any]) -> Normal:
    return _tree(_data(answer, "region"), "key")


def peer_region_tree(answer: dict[str, Any]) -> Normal:
    return _tree(_only(_data(answer, "regions")), "id")


def _town(key: str, name: str, claimed: int | None, claims: list[list[Any]]) -> Normal:
    return {"key": key, "name": name, "claimed": claimed, "claims": _sorted(claims)}


def ours_claim_cells(answer: dict[str, Any]) -> Normal:
    return _sorted(
        [
            _town(
                row["town"]["key"],
                row["town"]["name"],
                row["claimedCount"],
                [[cell["item"], cell["mode"]] for cell in row["claims"]],
            )
            for row in _data(answer, "claimMatrix")["towns"]
        ]
    )


def ours_claim_compact(answer: dict[str, Any]) -> Normal:
    matrix = _data(answer, "claimMatrix")
    keys = matrix["itemKeys"]
    return _sorted(
        [
            _town(
                row["town"]["key"],
                row["town"]["name"],
                row["claimedCount"],
                [
                    [key, mode]
                    for key, mode in zip(keys, row["itemModes"], strict=True)
                    if mode is not None
                ],
            )
            for row in matrix["towns"]
        ]
    )


def peer_claims(answer: dict[str, Any]) -> Normal:
    return _sorted(
        [
            _town(
                town["id"],
                town["name"],
                town["claimsConnection"]["totalCount"],
                [
                    [edge["node"]["id"], edge["properties"]["mode"]]
                    for edge in town["claimsConnection"]["edges"]
                ],
            )
            for town in _only(_data(answer, "regions"))["children"]
        ]
    )


def _edges(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def ours_body(answer: dict[str, Any]) -> Normal:
    body = _data(answer, "body")
    return {
        "key": body["key"],
        "name": body["name"],
        "subordinates": _sorted(
            [
                {
                    "key": sub["key"],
                    "name": sub["name"],
                    "holds": _sorted([[i["key"], i["name"]] for i in _edges(sub["holds"])]),
                }
                for sub in _edges(body["subordinates"])
            ]
        ),
    }


def peer_body(answer: dict[str, Any]) -> Normal:
    body = _only(_data(answer, "bodies"))
    return {
        "key": body["id"],
        "name": body["name"],
        "subordinates": _sorted(
            [
                {
                    "key": sub["id"],
                    "name": sub["name"],
                    "holds": _sorted([[i["id"], i["name"]] for i in sub["holds"]]),
                }
                for sub in body["subordinates"]
            ]
        ),
    }


def ours_chains(answer: dict[str, Any]) -> Normal:
    return _sorted(
        [
            {
                "complete": chain["complete"],
                "hops": [
                    [hop["relation"], hop["from"]["key"], hop["to"]["key"], hop["mode"]]
                    for hop in chain["hops"]
                ],
            }
            for chain in _data(answer, "delegationChains")
        ]
    )


def peer_chains(answer: dict[str, Any]) -> Normal:
    return _sorted(
        [
            {
                "complete": chain["complete"],
                "hops": [
                    [hop["relation"], hop["from"], hop["to"], hop["mode"]] for hop in chain["hops"]
                ],
            }
            for chain in _data(answer, "delegationChains")
        ]
    )


def ours_search(answer: dict[str, Any]) -> Normal:
    found = _data(answer, "search")
    # the page keeps its order: both queries sort by name, then id
    return {"total": found["totalCount"], "page": [[n["key"], n["name"]] for n in _edges(found)]}


def peer_search(answer: dict[str, Any]) -> Normal:
    found = _data(answer, "bodiesConnection")
    return {"total": found["totalCount"], "page": [[n["id"], n["name"]] for n in _edges(found)]}


# --- the questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SideBySide:
    """One logical question, in each service's GraphQL, with each side's normaliser."""

    name: str
    title: str
    ours: str
    peer: str
    normalise_ours: Normaliser
    normalise_peer: Normaliser
    #: Whether the peer's statement is generated from a nested selection (its Cypher goes on
    #: the page), rather than hand-written in ``@cypher``.
    nested: bool = True


#: A hop's end in reformgraph: a ``Node`` of any of the types a chain passes through.
_KEY = (
    "{ ... on PowerList { key } ... on PowerItem { key } ... on Body { key } "
    "... on Region { key } }"
)


def side_by_side_queries(k: Keys) -> list[SideBySide]:
    """The questions of issue 18: region tree, claim matrix (both of reformgraph's shapes),
    a body's subordinates and their powers, one delegation chain, name search."""
    towns = '["TOWNSHIP", "SUBDISTRICT"]'
    peer_matrix = (
        f'{{ regions(where: {{id: {{eq: "{k.county}"}}}}) {{ '
        f"children(where: {{level: {{in: {towns}}}}}, sort: [{{name: ASC}}]) {{ id name "
        f'claimsConnection(where: {{edge: {{list: {{eq: "{k.power_list}"}}}}}}) '
        "{ totalCount edges { properties { mode } node { id } } } } } }"
    )
    matrix = f'claimMatrix(list: "{k.power_list}", region: "{k.county}")'
    return [
        SideBySide(
            "region_tree",
            "region tree under a league, 3 levels",
            f'{{ region(key: "{k.league}") {{ key name level children {{ key name level '
            "children { key name level } } } }",
            f'{{ regions(where: {{id: {{eq: "{k.league}"}}}}) {{ id name level '
            "children(sort: [{name: ASC}]) { id name level "
            "children(sort: [{name: ASC}]) { id name level } } } }",
            ours_region_tree,
            peer_region_tree,
        ),
        SideBySide(
            "claim_matrix",
            "a county's claim matrix (towns, items, modes)",
            f"{{ {matrix} {{ towns {{ town {{ key name }} claimedCount "
            "claims { item mode } } } }",
            peer_matrix,
            ours_claim_cells,
            peer_claims,
        ),
        SideBySide(
            "claim_matrix_compact",
            "same, reformgraph's compact `itemKeys` + `itemModes`",
            f"{{ {matrix} {{ itemKeys towns {{ town {{ key name }} claimedCount itemModes }} }} }}",
            peer_matrix,
            ours_claim_compact,
            peer_claims,
        ),
        SideBySide(
            "body_subordinates",
            "a body → subordinates → their held items",
            f'{{ body(key: "{k.body}") {{ key name subordinates(first: 100) {{ edges {{ node '
            "{ key name holds(first: 100) { edges { node { key name } } } } } } } }",
            f'{{ bodies(where: {{id: {{eq: "{k.body}"}}}}) {{ id name '
            "subordinates { id name holds { id name } } } }",
            ours_body,
            peer_body,
        ),
        SideBySide(
            "delegation_chain",
            "delegation chain of one item to one town",
            f'{{ delegationChains(item: "{k.item}", town: "{k.town}") {{ complete '
            f"hops {{ relation mode from {_KEY} to {_KEY} }} }} }}",
            f'{{ delegationChains(item: "{k.item}", town: "{k.town}") {{ complete '
            "hops { relation from to mode } } }",
            ours_chains,
            peer_chains,
            nested=False,
        ),
        SideBySide(
            "name_search",
            f"name search {k.text}, first 20 + totalCount",
            f'{{ search(text: "{k.text}", first: 20) {{ totalCount edges {{ node '
            "{ ... on Body { key name } } } } }",
            f'{{ bodiesConnection(where: {{name: {{contains: "{k.text}"}}}}, first: 20, '
            "sort: [{name: ASC}, {id: ASC}]) { totalCount edges { node { id name } } } }",
            ours_search,
            peer_search,
        ),
    ]
