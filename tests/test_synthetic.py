"""The synthetic generator: deterministic, shaped like the reform, marked synthetic everywhere,
valid for the checks, and loadable (idempotently) into the real engine."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from domain import BodyKind, PowerType, RegionLevel
from graph_loaders.checks import check_dataset
from graph_loaders.dataset import SECTIONS, Dataset, ReformEvent
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.importer import import_dataset
from graph_loaders.synthetic import dataset_json, generate, stats, write_dataset
from graph_store import GraphStore
from tests.datasets import DATA_DIR, expected_counts, parsed

pytestmark = pytest.mark.anyio

CORPUS = DATA_DIR / "corpus"
SMALL = 0.03


@pytest.fixture(scope="module")
def inner_mongolia() -> Dataset:
    return generate("inner-mongolia", 7)


@pytest.fixture(scope="module")
def small() -> Dataset:
    return generate("inner-mongolia", 1, scale=SMALL)


def test_same_seed_gives_the_same_dataset_and_another_seed_another() -> None:
    first = dataset_json(generate("inner-mongolia", 1, scale=SMALL))
    assert dataset_json(generate("inner-mongolia", 1, scale=SMALL)) == first
    assert dataset_json(generate("inner-mongolia", 2, scale=SMALL)) != first
    assert dataset_json(generate("inner-mongolia", 1, scale=0.05)) != first
    national = dataset_json(generate("national", 3, scale=0.002))
    assert dataset_json(generate("national", 3, scale=0.002)) == national


def test_inner_mongolia_profile_has_the_shape_of_the_region(inner_mongolia: Dataset) -> None:
    levels = Counter(r.level for r in inner_mongolia.regions)
    assert levels[RegionLevel.AUTONOMOUS_REGION] == 1
    assert levels[RegionLevel.LEAGUE_CITY] == 12
    assert 100 <= levels[RegionLevel.BANNER_COUNTY] <= 106
    towns = levels[RegionLevel.TOWNSHIP] + levels[RegionLevel.SUBDISTRICT]
    assert 900 <= towns <= 1_100
    assert 0.7 <= levels[RegionLevel.TOWNSHIP] / towns <= 0.9

    (power_list,) = inner_mongolia.power_lists
    assert power_list.item_count == 99
    types = Counter(item.power_type for item in inner_mongolia.power_items)
    assert len(inner_mongolia.power_items) == 99
    assert types[PowerType.PENALTY] == 80
    assert sum(c.count for c in power_list.item_counts_by_type or []) == 99

    kinds = Counter(b.kind for b in inner_mongolia.bodies)
    counties = levels[RegionLevel.BANNER_COUNTY]
    assert kinds[BodyKind.GOVERNMENT_DEPARTMENT] >= 20 * counties
    assert kinds[BodyKind.SERVICE_CENTRE] == towns
    assert 0.7 * levels[RegionLevel.TOWNSHIP] <= kinds[BodyKind.ENFORCEMENT_BUREAU]
    assert any(b.vertically_managed for b in inner_mongolia.bodies)
    domains = {b.domain for b in inner_mongolia.bodies if b.kind is BodyKind.ENFORCEMENT_TEAM}
    assert {"market regulation", "urban management", "labour inspection"} <= domains
    centres = [b for b in inner_mongolia.bodies if b.kind is BodyKind.SERVICE_CENTRE]
    assert all(b.signboards for b in centres)

    # Claim rates are spread around the 70% target; subdistricts claim no penalties.
    penalty = {i.id for i in inner_mongolia.power_items if i.power_type is PowerType.PENALTY}
    level_of = {r.id: r.level for r in inner_mongolia.regions}
    per_town = Counter(c.region for c in inner_mongolia.claims)
    township_rates = [
        n / 99 for town, n in per_town.items() if level_of[town] is RegionLevel.TOWNSHIP
    ]
    assert min(township_rates) < 0.7 < max(township_rates)
    assert not any(
        c.item in penalty
        for c in inner_mongolia.claims
        if level_of[c.region] is RegionLevel.SUBDISTRICT
    )
    assert len(inner_mongolia.holdings) == 99 * counties

    events = Counter(e.kind.value for e in inner_mongolia.reform_events)
    assert events["MERGE"] >= counties
    assert events["TRANSFER_UP"] > 0
    merge: ReformEvent = next(e for e in inner_mongolia.reform_events if e.kind.value == "MERGE")
    ends = {b.id: b for b in inner_mongolia.bodies}
    assert all(ends[i].valid_to == merge.date for i in merge.inputs or [])
    assert all(ends[o].valid_from == merge.date for o in merge.outputs or [])
    assert len(inner_mongolia.statistics) >= 12


def test_every_record_is_synthetic_with_a_syn_id(inner_mongolia: Dataset) -> None:
    assert inner_mongolia.synthetic
    for section in SECTIONS:
        for record in inner_mongolia.records(section):
            assert getattr(record, "synthetic", False), (section, record)
            assert not getattr(record, "provenance", None), (section, record)
            for field in ("id", "region", "parent", "superior", "list", "item", "body"):
                value = getattr(record, field, None)
                assert value is None or value.startswith("syn:"), (section, field, value)
            name = getattr(record, "name", None)
            assert name is None or name.startswith("合成"), (section, name)


def test_small_dataset_passes_validation_and_the_checks(small: Dataset, tmp_path: Path) -> None:
    assert check_dataset(small, CORPUS) == []
    path = write_dataset(small, tmp_path / "syn.json")
    read_back, problems = read_dataset_files([path])
    assert problems == []
    assert read_back.synthetic
    assert stats(read_back) == stats(small)
    assert check_dataset(read_back, CORPUS) == []


def test_stats_counts_every_section(small: Dataset) -> None:
    counts = stats(small)
    assert set(counts) == set(SECTIONS)
    assert counts["claims"] == len(small.claims) > 0
    assert counts["sources"] == 0


async def test_small_dataset_loads_with_the_files_counts_and_reloading_changes_nothing(
    store: GraphStore, small: Dataset, tmp_path: Path
) -> None:
    # the counts the dataset's file gives by the model, not the importer's own plan
    expected = expected_counts(parsed([write_dataset(small, tmp_path / "small.json")]))
    await import_dataset(store, small)
    first = (await store.read("graph_counts"))[0]
    assert first == expected
    await import_dataset(store, small)
    assert (await store.read("graph_counts"))[0] == first
