"""applyMerger through HTTP: credentials, dry runs that write nothing, and an applied merger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from graph_store import GraphStore
from schema.auth import bearer_token, hash_key, key_is_valid
from server.cli import main
from tests.conftest import LiveServer
from tests.datasets import load_fixture

pytestmark = pytest.mark.anyio

KEY = "test-editor-key-0123456789abcdefghij"  # hash-key wants 32 characters or more
APPLY = """
mutation($bodies: [String!]!, $target: String, $newName: String, $dryRun: Boolean!) {
  applyMerger(bodies: $bodies, target: $target, newName: $newName, date: "2021-01",
              dryRun: $dryRun) {
    applied eventKey targetKey
    impact { targetName powers { key } conflicts { code } staffQuotaAfter }
    event { kind date inputs { key } outputs { key } }
  }
}"""
MERGE_TWO = {"bodies": ["t:market", "t:health"], "newName": "测试县市场卫健局"}


@pytest.fixture
async def mini(store: GraphStore) -> GraphStore:
    await load_fixture(store, "mini.yaml")
    return store


def _code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def test_writes_are_refused_without_configured_keys_or_a_valid_token(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    closed = live_server()
    variables = {**MERGE_TWO, "dryRun": True}

    def refusal(body: dict[str, Any]) -> tuple[str, str]:
        assert body["data"] is None
        [error] = body["errors"]
        return error["extensions"]["code"], error["message"]

    assert refusal(await closed.graphql(APPLY, variables, token=KEY)) == (
        "FORBIDDEN",
        "Writes are disabled: no API key is configured.",
    )
    server = live_server(api_key_hashes=hash_key(KEY))
    unauthenticated = (
        "UNAUTHENTICATED",
        "A valid API key is required: send `Authorization: Bearer <key>`.",
    )
    assert refusal(await server.graphql(APPLY, variables)) == unauthenticated
    assert refusal(await server.graphql(APPLY, variables, token="wrong")) == unauthenticated
    accepted = await server.graphql(APPLY, variables, token=KEY)
    assert "errors" not in accepted


async def test_dry_run_reports_and_writes_nothing(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(api_key_hashes=hash_key(KEY))
    before = (await mini.read("graph_counts"))[0]
    body = await server.graphql(APPLY, {**MERGE_TWO, "dryRun": True}, token=KEY)
    result = body["data"]["applyMerger"]
    assert result["applied"] is False
    assert result["event"] is None
    assert [p["key"] for p in result["impact"]["powers"]] == ["t:item-1", "t:item-2"]
    assert (await mini.read("graph_counts"))[0] == before


async def test_applied_merger_records_the_event_and_moves_the_relationships(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(api_key_hashes=hash_key(KEY))
    body = await server.graphql(APPLY, {**MERGE_TWO, "dryRun": False}, token=KEY)
    assert "errors" not in body, body
    result = body["data"]["applyMerger"]
    assert result["applied"] is True
    target = result["targetKey"]
    assert result["event"]["kind"] == "MERGE"
    assert sorted(b["key"] for b in result["event"]["inputs"]) == ["t:health", "t:market"]
    assert result["event"]["outputs"] == [{"key": target}]
    after = await server.graphql(
        "query($k: String!) { body(key: $k) { name staffQuota holds { edges { node { key } } } "
        "subordinates { edges { node { key } } } createdBy { key } } "
        'old: body(key: "t:market") { validTo holds { totalCount } } }',
        {"k": target},
    )
    merged = after["data"]["body"]
    assert merged["name"] == "测试县市场卫健局"
    assert merged["staffQuota"] == 50
    assert sorted(e["node"]["key"] for e in merged["holds"]["edges"]) == ["t:item-1", "t:item-2"]
    assert [e["node"]["key"] for e in merged["subordinates"]["edges"]] == ["t:market-team"]
    assert merged["createdBy"] == [{"key": result["eventKey"]}]
    assert after["data"]["old"] == {"validTo": "2021-01", "holds": {"totalCount": 0}}
    chains = await server.graphql(
        '{ delegationChains(item: "t:item-1", town: "t:town-a") { complete '
        "hops { relation from { ... on Body { key } } } } }"
    )
    [chain] = chains["data"]["delegationChains"]
    assert ("DELEGATES", target) in [(h["relation"], h["from"].get("key")) for h in chain["hops"]]
    found = await server.graphql(
        '{ search(text: "市场卫健", kinds: [BODY]) { edges { node { ... on Body { key } } } } }'
    )
    assert found["data"]["search"]["edges"] == [{"node": {"key": target}}]  # a new body is found


async def test_a_merger_that_makes_a_body_its_own_superior_is_not_applied(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(api_key_hashes=hash_key(KEY))
    before = (await mini.read("graph_counts"))[0]
    body = await server.graphql(
        APPLY, {"bodies": ["t:gov"], "target": "t:market", "dryRun": False}, token=KEY
    )
    assert _code(body) == "BAD_INPUT"
    assert "own superior" in body["errors"][0]["message"]
    assert (await mini.read("graph_counts"))[0] == before


def test_keys_are_hashed_and_compared_safely() -> None:
    stored = hash_key(KEY)
    assert KEY not in stored
    # SHA-256 of "abc", the standard's own test vector (FIPS 180-2)
    assert hash_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert key_is_valid(bearer_token(f"Bearer {KEY}"), [stored])
    # the scheme in any case, spaces around the key, a stored hash in capitals or padded
    assert bearer_token(f"bearer  {KEY} ") == KEY
    assert bearer_token(f"BEARER {KEY}") == KEY
    assert key_is_valid(KEY, ["0" * 64, f" {stored.upper()} "])
    assert bearer_token("Bearer") is None
    assert bearer_token("Bearer   ") is None
    assert bearer_token("") is None
    assert not key_is_valid(bearer_token(f"Basic {KEY}"), [stored])
    assert not key_is_valid(bearer_token(None), [stored])
    assert not key_is_valid(KEY, [])
    printed = CliRunner().invoke(main, ["hash-key", KEY])
    assert printed.output.strip() == stored


async def test_a_date_that_is_not_a_calendar_date_is_refused_before_anything_runs(
    mini: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(api_key_hashes=hash_key(KEY))
    before = (await mini.read("graph_counts"))[0]
    apply = APPLY.replace('date: "2021-01"', "date: $date").replace(
        "$dryRun: Boolean!", "$dryRun: Boolean!, $date: String!"
    )
    for date, why in (
        ("2021-13-99", "month 13 is not 01-12"),
        ("2019-02-29", "2019 is not a leap year, so February has 28 days"),
    ):
        body = await server.graphql(apply, {**MERGE_TWO, "dryRun": False, "date": date}, token=KEY)
        [error] = body["errors"]
        assert error["extensions"] == {"code": "BAD_INPUT", "field": "date"}
        assert error["message"] == f"date: {date!r} is not a date: {why}."
    body = await server.graphql(
        apply, {**MERGE_TWO, "dryRun": True, "date": "2020-02-29"}, token=KEY
    )
    assert "errors" not in body, body
    assert (await mini.read("graph_counts"))[0] == before
