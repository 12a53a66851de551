"""Name search through the full-text index: it finds exactly what ``CONTAINS`` would, on the
documented dataset's real Chinese names, and it pages without fetching the whole list."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cypher.vocabulary import NODE_PROPERTIES
from graph_loaders.dataset_reader import read_dataset_dir
from graph_loaders.pipeline import dataset_files, validate
from graph_store import GraphStore, trace_statements
from graph_store.search_terms import index_terms, query_terms
from schema import build_schema
from schema.context import GraphContext
from schema.query import SearchKind
from tests.datasets import DATA_DIR

# Chinese characters, Latin letters of both cases, digits and the punctuation names carry.
_TEXT = st.text(
    alphabet=st.sampled_from(list("千里山镇乡苏木执法局综合行政大队AbCdx09（）·、 -")), max_size=12
)


@given(_TEXT, st.data())
def test_every_part_of_a_name_is_found_by_its_grams(name: str, data: st.DataObject) -> None:
    """No false negatives: the grams of any part of a name are among the name's own grams."""
    start = data.draw(st.integers(0, len(name)))
    end = data.draw(st.integers(start, len(name)))
    terms = query_terms(name[start:end])
    if terms is None:  # no letter or digit in the part: search refuses it with BAD_INPUT
        return
    stored = index_terms({"name": name})
    assert stored is not None
    assert set(terms.split()) <= set(stored.split())


def test_grams_of_every_searched_property_and_nothing_else() -> None:
    grams = index_terms(
        {"name": "千里山镇", "aliases": ["千里山"], "signboards": ["执法局"], "note": "不搜"}
    )
    assert grams is not None
    assert set(grams.split()) == {
        *"千里山镇执法局",
        *("千里", "里山", "山镇", "执法", "法局"),
    }
    assert index_terms({"note": "不搜", "kind": "BUREAU"}) is None
    assert query_terms("（）· -") is None
    assert query_terms("Ab") == "ab"  # the index folds case; CONTAINS then checks it


SEARCH = """
query($text: String!, $after: String, $first: Int) {
  search(text: $text, kinds: [REGION, BODY, ENFORCEMENT_TEAM], first: $first, after: $after) {
    totalCount edges { cursor node { ... on Region { key } ... on Body { key } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

COUNTED = """
query($text: String!, $after: String) {
  search(text: $text, kinds: [REGION, BODY, ENFORCEMENT_TEAM], first: 500, after: $after) {
    totalCount edges { node { ... on Region { key } ... on Body { key } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _run(store: GraphStore, query: str, **variables: Any) -> dict[str, Any]:
    result = await build_schema().execute(
        query, variable_values=variables, context_value=GraphContext(store=store)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def _all_found(store: GraphStore, text: str) -> tuple[set[str], int]:
    """Every key a search finds (page by page: a character such as 镇 is in more names than
    a page holds) and the total it counts."""
    found: set[str] = set()
    after = None
    while True:
        search = (await _run(store, COUNTED, text=text, after=after))["search"]
        found |= {e["node"]["key"] for e in search["edges"]}
        if not search["pageInfo"]["hasNextPage"]:
            return found, search["totalCount"]
        after = search["pageInfo"]["endCursor"]


def _expected_matches() -> tuple[list[str], dict[str, set[str]]]:
    """Parts of the documented names (a fixed sample) and, for each, the regions and bodies
    whose name, alias or signboard contains it (in either script: :func:`_form`), worked out
    here without the graph, over everything `data/` loads (the region tree's ~1,350 regions too)."""
    documented, problems = read_dataset_dir(DATA_DIR)
    assert not problems
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    assert not validated.problems
    dataset = validated.dataset
    sampled = {r.id for r in documented.regions} | {b.id for b in documented.bodies}
    texts: dict[str, list[str]] = {}
    for record in [*dataset.regions, *dataset.bodies]:
        fields = record.model_dump()
        texts[fields["id"]] = [
            fields["name"],
            *(fields.get("aliases") or []),
            *(fields.get("signboards") or []),
        ]
    sampler = random.Random(7)
    parts: set[str] = set()
    for key, names in texts.items():
        if key not in sampled:
            continue
        name = names[0]
        for length in (1, 2, 3, 5):
            if len(name) >= length:
                start = sampler.randrange(len(name) - length + 1)
                parts.add(name[start : start + length])
    chosen = sorted(parts)
    return chosen, {
        part: {key for key, names in texts.items() if any(_form(part) in _form(n) for n in names)}
        for part in chosen
    }


_T2S = opencc.OpenCC("t2s")


def _form(text: str) -> str:
    """How search compares texts, written out here: NFKC, traditional characters as simplified
    (OpenCC's t2s, the converter the service uses), lower case."""
    return str(_T2S.convert(unicodedata.normalize("NFKC", text))).lower()


@pytest.mark.anyio
async def test_search_finds_what_contains_finds_on_the_documented_names(
    documented: GraphStore,
) -> None:
    parts, expected = _expected_matches()
    assert len(parts) > 100  # single characters, pairs and longer middles of real names
    for part in parts:
        found, total = await _all_found(documented, part)
        assert found == expected[part], part
        assert total == len(expected[part])


@pytest.mark.anyio
async def test_pages_fetch_one_row_more_than_they_show_count_all_and_add_up_to_the_list(
    documented: GraphStore,
) -> None:
    parts, expected = _expected_matches()
    # the broadest part that pages of 3 walk in a few queries (single characters such as 镇 are in
    # hundreds of the region tree's names)
    text = max((p for p in parts if len(expected[p]) <= 60), key=lambda p: len(expected[p]))
    whole = await _run(documented, COUNTED, text=text)
    everything = [e["node"]["key"] for e in whole["search"]["edges"]]
    assert len(everything) == whole["search"]["totalCount"] > 7

    paged: list[str] = []
    after = None
    while True:
        with trace_statements() as trace:
            data = await _run(documented, SEARCH, text=text, first=3, after=after)
        [params] = [p for name, p in trace.calls if name == "search_entities"]
        assert params["limit"] == len(paged) + 3 + 1  # this page and one to look ahead
        page = data["search"]
        assert page["totalCount"] == len(everything)  # counted by the engine, not fetched
        paged += [e["node"]["key"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert paged == everything

    with trace_statements() as trace:  # a literal argument, not a variable
        literal = SEARCH.replace(", $first: Int", "").replace("first: $first,", "first: 2,")
        data = await _run(documented, literal, text=text)
    [params] = [p for name, p in trace.calls if name == "search_entities"]
    assert params["limit"] == 3
    assert [e["node"]["key"] for e in data["search"]["edges"]] == everything[:2]


@pytest.mark.anyio
async def test_search_text_without_a_letter_or_digit_is_refused(store: GraphStore) -> None:
    result = await build_schema().execute(
        '{ search(text: "（ ）") { totalCount } }', context_value=GraphContext(store=store)
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_INPUT"}


@pytest.mark.anyio
async def test_region_and_list_filters_are_walked_only_when_asked_for(
    documented: GraphStore,
) -> None:
    """The filters' walks run from every candidate, so a plain search must not read them,
    and a filtered search must apply them (within its region, fewer matches)."""
    text = "市"  # cities and bodies across the region; fewer within 乌海市
    count = "query($under: String) { search(text: $text, under: $under) { totalCount } }"
    count = count.replace("query(", "query($text: String!, ")
    with trace_statements() as plain:
        everywhere = await _run(documented, count, text=text)
    with trace_statements() as filtered:
        within = await _run(documented, count, text=text, under="region:wuhai")
    assert plain.names == ["search_entities"]
    assert filtered.names == ["search_entities_within"]
    assert 0 < within["search"]["totalCount"] < everywhere["search"]["totalCount"]


KEYS = """
query($text: String!, $kinds: [SearchKind!]) {
  search(text: $text, kinds: $kinds, first: 50) {
    totalCount
    edges { node { ... on Region { key } ... on Body { key } ... on Statistic { key }
                   ... on ReformEvent { key } } }
  }
}"""


async def _keys(store: GraphStore, text: str, *kinds: str) -> set[str]:
    """The keys a search of ``kinds`` finds."""
    data = await _run(store, KEYS, text=text, kinds=list(kinds))
    return {edge["node"]["key"] for edge in data["search"]["edges"]}


@pytest.mark.anyio
async def test_simplified_and_traditional_find_each_other(documented: GraphStore) -> None:
    """The documents write some names in traditional characters, and users type either
    script: each finds the other, not only a simplified alias the dataset added."""
    # titled 黨政機構改革 and 海勃湾区党政机构改革：… in data/, neither with an alias in the
    # other script: each query finds one of them only through the conversion
    reform = {"event:nmg:party-government-reform-2018", "event:haibowan:party-government-reform"}
    assert await _keys(documented, "党政机构改革", "REFORM_EVENT") == reform
    assert await _keys(documented, "黨政機構改革", "REFORM_EVENT") == reform
    bureau = await _keys(documented, "海勃灣區綜合行政執法局", "BODY", "ENFORCEMENT_TEAM")
    assert bureau == {"body:haibowan:enforcement-bureau"}  # named 海勃湾区综合行政执法局


@pytest.mark.anyio
async def test_statistics_are_found_by_label_and_metric(documented: GraphStore) -> None:
    # labels 行政职能实现合理归位（000） and 事業單位承擔的行政職權合理歸位（001）
    returned = {"stat:nmg:admin-functions-returned-000", "stat:nmg:admin-functions-returned-001"}
    assert await _keys(documented, "合理归位", "STATISTIC") == returned
    assert await _keys(documented, "合理歸位", "STATISTIC") == returned
    # metric admin_functions_returned, and institutions_admin_functions_returned contains it
    assert await _keys(documented, "admin_functions_returned", "STATISTIC") == {
        *returned,
        "stat:haibowan:institutions-functions-returned",
    }
    assert await _keys(documented, "Admin_Functions", "STATISTIC") == await _keys(
        documented, "admin_functions", "STATISTIC"
    )
    # only when asked for among the kinds: statistics are not regions
    assert await _keys(documented, "合理归位", "REGION") == set()


def test_every_label_search_can_meet_is_a_kind_or_a_source() -> None:
    """The statements keep sources out with a fixed `NOT n:Source` and read a null `$labels`
    as every kind: that is every kind only while the labels whose nodes carry ``searchGrams``
    (the full-text index's candidates) are the kinds' and ``Source`` alone."""
    searchable = {label for label, keys in NODE_PROPERTIES.items() if "searchGrams" in keys}
    kinds = {kind.value for kind in SearchKind}
    # EnforcementTeam is a second label on a Body (the Body's properties): found as a Body
    assert searchable == kinds - {"EnforcementTeam"} | {"Source"}
    assert NODE_PROPERTIES["EnforcementTeam"] == frozenset({"id"})


ALL_KINDS = """
query($text: String!, $kinds: [SearchKind!]) {
  search(text: $text, kinds: $kinds, first: 50) {
    totalCount edges { node { __typename id } }
  }
}"""


@pytest.mark.anyio
async def test_search_never_finds_a_source_whatever_kinds_it_asks_for(
    documented: GraphStore,
) -> None:
    """Source documents carry searchGrams (their titles) but are not found: not when every
    kind is asked for (sent as a null `$labels`, kept out by the statement's own label test),
    and not when the kinds are listed."""
    # the title of a source (内蒙古自治区苏木乡镇和街道改革工作总结) holds this, and so do a
    # document's, statistics' labels and other names
    text = "苏木乡镇和街道"
    answers = []
    for kinds in (None, [], [k.name for k in SearchKind]):
        with trace_statements() as trace:
            data = await _run(documented, ALL_KINDS, text=text, kinds=kinds)
        [params] = [p for name, p in trace.calls if name == "search_entities"]
        assert params["labels"] is None  # every kind: the statement's fixed label test
        answers.append(data["search"])
    assert answers[0] == answers[1] == answers[2]
    found = answers[0]
    types = {edge["node"]["__typename"] for edge in found["edges"]}
    assert found["totalCount"] == len(found["edges"]) > 0
    assert {"Document", "Statistic"} <= types
    assert "Source" not in types

    with trace_statements() as trace:
        some = await _run(documented, ALL_KINDS, text=text, kinds=["DOCUMENT", "STATISTIC"])
    [params] = [p for name, p in trace.calls if name == "search_entities"]
    assert params["labels"] == ["Document", "Statistic"]
    kept = [e for e in found["edges"] if e["node"]["__typename"] in {"Document", "Statistic"}]
    assert some["search"] == {"totalCount": len(kept), "edges": kept}
