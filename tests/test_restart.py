"""A restart never undoes what the service recorded: the dataset (and synthetic sample) are
applied at start-up only when they changed, and then with the recorded mergers replayed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph_store import GraphStore
from schema.auth import hash_key
from server.settings import Settings
from tests.conftest import GraphTarget, LiveServer, with_extra_statements
from tests.datasets import FIXTURES
from tests.snapshot import Snapshot, graph_snapshot

pytestmark = pytest.mark.anyio

KEY = "test-editor-key-0123456789-abcdefgh"
APPLY = """mutation($bodies: [String!]!, $newName: String!) {
  applyMerger(bodies: $bodies, newName: $newName, date: "2021-01", dryRun: false) {
    applied eventKey targetKey
  }
}"""
RENAME = """// test: a live edit that is not a recorded event
MATCH (b:Body {id: $id}) SET b.name = $name"""


def _settings(target: GraphTarget, folder: Path, **overrides: Any) -> Settings:
    engine = {"neo4j_uri": None} if target.engine == "falkordb" else {}
    return target.settings.model_copy(
        update={**engine, "dataset_dir": folder, "api_key_hashes": hash_key(KEY), **overrides}
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset folder with the mini fixture, which a test may change between starts."""
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    shutil.copy(FIXTURES / "mini.yaml", dataset / "mini.yaml")
    return dataset


async def _merge(server: LiveServer, bodies: list[str], name: str) -> dict[str, Any]:
    body = await server.graphql(APPLY, {"bodies": bodies, "newName": name}, token=KEY)
    assert "errors" not in body, body
    merger: dict[str, Any] = body["data"]["applyMerger"]
    assert merger["applied"] is True
    return merger


def _without_names(snapshot: Snapshot, ids: set[str]) -> Snapshot:
    """``snapshot`` with the names (and the search grams and text made from them) of ``ids``
    left out."""
    return {
        key: {
            "out": node["out"],
            "props": {
                k: v
                for k, v in node["props"].items()
                if key not in ids or k not in {"name", "searchGrams", "searchText"}
            },
        }
        for key, node in snapshot.items()
    }


async def test_mergers_are_the_same_after_a_restart(
    store: GraphStore, graph_target: GraphTarget, folder: Path, tmp_path: Path
) -> None:
    settings = _settings(
        graph_target, folder, synthetic_profile="inner-mongolia", synthetic_scale=0.02
    )
    with LiveServer(settings) as server:
        documented = await _merge(server, ["t:market", "t:health"], "测试县市场卫健局")
        synthetic = await _merge(
            server, ["syn:body:c0001:market", "syn:body:c0001:health"], "合成县市场卫健局"
        )
    before = await graph_snapshot(store, tmp_path)
    for merger in (documented, synthetic):
        assert before[merger["eventKey"]]["props"]["recorded"]  # kept with what it did
    assert before["t:market"]["props"]["validTo"] == "2021-01"
    assert before["syn:body:c0001:market"]["props"]["validTo"] == "2021-01"

    with LiveServer(settings):
        pass
    assert await graph_snapshot(store, tmp_path) == before


async def test_start_up_applies_a_changed_dataset_and_keeps_the_mergers(
    store: GraphStore, graph_target: GraphTarget, folder: Path, tmp_path: Path
) -> None:
    settings = _settings(graph_target, folder)
    with LiveServer(settings) as server:
        merger = await _merge(server, ["t:market", "t:health"], "测试县市场卫健局")
    probe = with_extra_statements(store, tmp_path / "cypher", rename=RENAME)
    try:
        await probe.write("rename", {"id": "t:land", "name": "改过的名字"})
    finally:
        await probe.close()
    edited = await graph_snapshot(store, tmp_path)

    with LiveServer(settings):  # the same dataset: not applied again, the edit stays
        pass
    assert await graph_snapshot(store, tmp_path) == edited
    assert edited["t:land"]["props"]["name"] == "改过的名字"

    data = yaml.safe_load((folder / "mini.yaml").read_text(encoding="utf-8"))
    corrected = {"t:land": "测试县自然资源局（更正）", "t:market": "测试县市场监管局（更正）"}
    for body in data["bodies"]:
        body["name"] = corrected.get(body["id"], body["name"])
    (folder / "mini.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with LiveServer(settings):  # a changed dataset: applied, the merger replayed after it
        pass
    after = await graph_snapshot(store, tmp_path)
    assert {key: after[key]["props"]["name"] for key in corrected} == corrected
    assert _without_names(after, set(corrected)) == _without_names(edited, set(corrected))
    assert after["t:market"]["props"]["validTo"] == "2021-01"
    assert (
        f"['SUBORDINATE_TO', '{merger['targetKey']}', {{'kind': 'MANAGED_BY'}}]"
        in (after["t:market-team"]["out"])
    )
