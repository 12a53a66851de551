"""Bad input at volume (hypothesis): random queries and variables never get a 500 or an
uncoded error, and random or corrupted dataset files never write a partial import."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_loaders.pipeline import InvalidDatasetError, load, validate
from graph_store import GraphStore
from graph_store.local_engine import LocalEngine
from tests.conftest import GraphTarget, LiveServer, falkordb_settings
from tests.datasets import DATA_DIR, FIXTURES

CODES = {
    "NOT_FOUND",
    "BAD_INPUT",
    "LIMIT_EXCEEDED",
    "COST_EXCEEDED",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "BACKEND_UNAVAILABLE",
}
EXAMPLES = 150
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MINI = (FIXTURES / "mini.yaml").read_bytes()


@pytest.fixture(scope="module")
def fuzz_server(local_engine: LocalEngine) -> Iterator[LiveServer]:
    """One service on a graph holding the mini dataset, shared by the fuzz tests."""
    settings_ = falkordb_settings(
        local_engine.host,
        local_engine.port,
        graph_name="fuzz",
        dataset_dir=None,
    )
    target = GraphTarget("falkordb", settings_)

    async def seed() -> None:
        store = target.open_store()
        try:
            await store.apply_schema()
            await load(store, [FIXTURES / "mini.yaml"], DATA_DIR / "corpus")
        finally:
            await store.close()

    asyncio.run(seed())
    with LiveServer(settings_) as server:
        yield server


def _post(server: LiveServer, payload: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/graphql", json=payload, timeout=30)


def _assert_clean(response: httpx.Response) -> None:
    assert response.status_code in (200, 400, 413), response.text
    body = response.json()
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] in CODES, error
        assert "Traceback" not in error["message"]


@FUZZ
@given(query=st.text(max_size=300))
def test_random_query_text(fuzz_server: LiveServer, query: str) -> None:
    _assert_clean(_post(fuzz_server, {"query": query}))


KEYS = st.one_of(
    st.sampled_from(["t:list", "t:county", "t:town-a", "t:market", "t:item-1", "t:merge-urban"]),
    st.text(max_size=40),
)
VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),  # JSON carries neither
    st.text(max_size=30),
    st.booleans(),
    st.lists(st.text(max_size=10), max_size=3),
)


@FUZZ
@given(
    list_key=KEYS,
    region=KEYS,
    rate=VALUES,
    text=VALUES,
    first=VALUES,
    depth=VALUES,
    bodies=st.lists(KEYS, max_size=4),
    target=st.one_of(st.none(), KEYS),
)
def test_random_variables(
    fuzz_server: LiveServer,
    list_key: str,
    region: str,
    rate: Any,
    text: Any,
    first: Any,
    depth: Any,
    bodies: list[str],
    target: str | None,
) -> None:
    query = """query($list: String!, $region: String!, $rate: Float, $text: String!,
                     $first: Int, $depth: Int!, $bodies: [String!]!, $target: String) {
      claimMatrix(list: $list, region: $region, targetRate: $rate) { towns { rate } }
      search(text: $text, first: $first) { totalCount }
      lineage(body: $region, depth: $depth) { predecessors { depth } }
      mergerImpact(bodies: $bodies, target: $target, newName: "x") { staffQuotaAfter }
    }"""
    variables = {
        "list": list_key,
        "region": region,
        "rate": rate,
        "text": text,
        "first": first,
        "depth": depth,
        "bodies": bodies,
        "target": target,
    }
    _assert_clean(_post(fuzz_server, {"query": query, "variables": variables}))


#: Any character, unpaired surrogates included (a client's JSON encoder escapes them).
ANY_TEXT = st.text(
    alphabet=st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
    max_size=30,
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        ANY_TEXT,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=20,
)
BODIES = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"query": st.one_of(ANY_TEXT, st.just("{ search(text: $t) { totalCount } }"))},
        optional={"variables": JSON_VALUES, "operationName": JSON_VALUES},
    ).map(lambda value: json.dumps(value).encode()),
)


@FUZZ
@given(body=BODIES)
def test_random_bodies(fuzz_server: LiveServer, body: bytes) -> None:
    """Whatever bytes arrive: a coded answer in GraphQL's shape, never a plain-text 500."""
    response = httpx.post(
        f"{fuzz_server.url}/graphql",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    _assert_clean(response)


@FUZZ
@given(data=st.data())
def test_corrupted_dataset_files_are_judged_never_crash(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    corrupted = bytearray(MINI)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(corrupted) - 1))
        corrupted[position] = data.draw(st.integers(0, 255))
    path = tmp_path_factory.mktemp("fuzz") / "mini.yaml"
    path.write_bytes(bytes(corrupted))
    validated = validate([path], DATA_DIR / "corpus")
    for problem in validated.problems:
        assert problem.file.endswith("mini.yaml")
        assert problem.reason


@pytest.mark.anyio
async def test_corrupted_files_never_write_a_partial_import(
    store: GraphStore, tmp_path: Path
) -> None:
    """Corrupted variants of a valid file: each either loads whole or is refused whole."""
    await load(store, [FIXTURES / "mini.yaml"], DATA_DIR / "corpus")
    baseline = (await store.read("graph_counts"))[0]
    refused = 0
    for seed in range(40):
        corrupted = bytearray(MINI)
        corrupted[(seed * 7919) % len(corrupted)] = (seed * 31) % 256
        path = tmp_path / f"variant{seed}.yaml"
        path.write_bytes(bytes(corrupted))
        try:
            await load(store, [path], DATA_DIR / "corpus")
        except InvalidDatasetError:
            refused += 1
            assert (await store.read("graph_counts"))[0] == baseline
        else:
            baseline = (await store.read("graph_counts"))[0]
    assert refused > 0
