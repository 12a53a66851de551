"""The documented dataset in data/ reads and checks clean, and states what the sources state."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graph_loaders.checks import check_dataset
from graph_loaders.dataset import Dataset
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.problems import format_problems

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CORPUS = DATA / "corpus"


@cache
def _load() -> tuple[Dataset, str]:
    ds, problems = read_dataset_files(sorted(DATA.glob("*.yaml")))
    problems += check_dataset(ds, CORPUS)
    return ds, format_problems(problems)


def _stat(ds: Dataset, stat_id: str) -> float | int | None:
    (stat,) = [s for s in ds.statistics if s.id == stat_id]
    return stat.value


def test_no_problems_and_every_quote_found() -> None:
    ds, problems = _load()
    assert problems == ""
    assert not ds.synthetic
    quotes = sum(len(getattr(r, "provenance", [])) for s in ds.counts() for r in ds.records(s))
    assert quotes > 200


def test_region_chain() -> None:
    ds, _ = _load()
    parent = {r.id: r.parent for r in ds.regions}
    name = {r.id: r.name for r in ds.regions}
    chain, current = [], "region:haibowan:qianlishan"
    while current:
        chain.append(name[current])
        current = parent[current]  # type: ignore[assignment]
    assert chain == ["千里山镇", "海勃湾区", "乌海市", "内蒙古自治区"]
    assert "乌兰察布市" in name.values()


def test_haibowan_bodies_counts() -> None:
    ds, _ = _load()
    assert _stat(ds, "stat:haibowan:party-government-bodies") == 35
    assert _stat(ds, "stat:haibowan:party-bodies") == 11
    assert _stat(ds, "stat:haibowan:government-departments") == 24
    assert _stat(ds, "stat:haibowan:administrative-staff-quota") == 461
    assert _stat(ds, "stat:haibowan:section-leadership-posts") == 248
    assert _stat(ds, "stat:haibowan:subdistricts") == 6


def test_six_enforcement_teams() -> None:
    ds, _ = _load()
    teams = {b.aliases[0] for b in ds.bodies if b.kind == "ENFORCEMENT_TEAM" and b.aliases}
    assert teams == {
        "区市场监督管理综合行政执法",
        "区卫生健康综合行政执法大队",
        "区应急管理综合行政执法大队",
        "区能源综合行政执法大队",
        "区城市管理行政执法大队",
        "区劳动监察局",
    }
    (up,) = [
        e for e in ds.reform_events if e.kind == "TRANSFER_UP" and e.region == "region:haibowan"
    ]
    assert up.staff_moved == 5
    first = next(e for e in ds.reform_events if e.id == "event:haibowan:enforcement-20-to-7")
    assert (first.input_count, first.output_count) == (20, 7)


def test_power_list_and_claims() -> None:
    ds, _ = _load()
    (pl,) = [p for p in ds.power_lists if p.title == "赋予苏木乡镇和街道行政权力事项清单"]
    assert pl.item_count == 99
    counts = {c.power_type.value: c.count for c in pl.item_counts_by_type or []}
    assert counts == {"PENALTY": 80, "OTHER": 19}
    assert not ds.power_items  # no source names an individual item
    (town,) = [s for s in ds.claim_summaries if s.region == "region:haibowan:qianlishan"]
    assert (town.claimed_count, town.of_count, town.rate) == (41, 99, 0.414)
    assert town.items_named is False
    assert town.meets_target is False
    assert town.target_rate == 0.7
    streets = [s for s in ds.claim_summaries if s.region != "region:haibowan:qianlishan"]
    assert {(s.claimed_count, s.of_count) for s in streets} == {(11, 19)}


def test_service_centre_signboards_and_disagreements() -> None:
    ds, _ = _load()
    centres = [b for b in ds.bodies if b.name == "党群服务中心"]
    assert centres
    assert all(
        b.signboards == ["便民服务中心", "退役军人服务站", "新时代文明实践所"] for b in centres
    )
    assert any(b.name == "千里山镇综合执法局" for b in ds.bodies)
    assert len(ds.disagreements) >= 3
