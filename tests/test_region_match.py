"""Counties and towns found as people name them, on NBS names and codes (no graph)."""

from __future__ import annotations

import pytest

from graph_loaders.region_match import RegionMatcher, RegionMatchError, normal_code
from tests.list_fixtures import COUNTY, TOWN, qingshuihe_context

MATCHER = RegionMatcher(qingshuihe_context().regions)


@pytest.mark.parametrize(
    "text",
    [
        "清水河县",
        " 清水河县 ",
        "清水河",  # without its suffix
        "清水河縣",  # traditional
        "150124",
        "150124000000",  # the 12-digit form of the code
        "region:150124",
        "呼和浩特市清水河县",
        "内蒙古自治区呼和浩特市清水河县",
    ],
)
def test_a_county_by_name_code_or_key(text: str) -> None:
    assert MATCHER.county(text).id == COUNTY


def test_a_name_two_counties_share_lists_both_with_code_and_city() -> None:
    with pytest.raises(RegionMatchError) as caught:
        MATCHER.county("新城区")
    message = str(caught.value)
    assert "'新城区' names 2 counties" in message
    assert "新城区 (150102, 呼和浩特市)" in message
    assert "新城区 (610102, 西安市)" in message
    assert sorted(r.code or "" for r in caught.value.candidates) == ["150102", "610102"]
    # either is found once the city or the code is given
    assert MATCHER.county("西安市新城区").code == "610102"
    assert MATCHER.county("150102").code == "150102"


def test_a_region_of_another_level_is_not_a_county() -> None:
    with pytest.raises(RegionMatchError) as caught:
        MATCHER.county("呼和浩特市")
    message = str(caught.value)
    assert "a LEAGUE_CITY, not a county" in message
    assert "清水河县 (150124, 呼和浩特市)" in message  # its counties are offered
    assert {r.code for r in caught.value.candidates} == {"150124", "150123", "150102"}
    with pytest.raises(RegionMatchError, match="a TOWNSHIP, not a county"):
        MATCHER.county("150124102")


def test_an_unknown_county_offers_the_closest() -> None:
    with pytest.raises(RegionMatchError) as caught:
        MATCHER.county("清水县")
    assert str(caught.value).startswith("unknown county '清水县'")
    assert "did you mean 清水河县 (150124, 呼和浩特市)?" in str(caught.value)
    with pytest.raises(RegionMatchError, match="no county given"):
        MATCHER.county("  ")


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("城关镇", "城关镇"),  # 和林格尔县 has a 城关镇 too: only this county's counts
        ("城关", "城关镇"),
        ("喇嘛灣鎮", "喇嘛湾镇"),
        ("150124102", "喇嘛湾镇"),
        ("150124102000", "喇嘛湾镇"),
        ("region:150124200", "窑沟乡"),
        ("清水河县窑沟乡", "窑沟乡"),
        ("韭菜庄", "韭菜庄乡"),
        ("老牛湾", "老牛湾镇"),
    ],
)
def test_a_town_by_name_code_key_or_without_its_suffix(text: str, town: str) -> None:
    county = MATCHER.county("清水河县")
    assert MATCHER.town(county, text).id == TOWN[town]


def test_a_subdistrict_with_or_without_its_suffix() -> None:
    county = MATCHER.county("150102")
    for text in ("海拉尔东路街道", "海拉尔东路", "海拉尔东路街道办事处", "海拉尔东路办事处"):
        assert MATCHER.town(county, text).code == "150102001", text


def test_a_town_elsewhere_or_unknown_names_the_county_towns() -> None:
    county = MATCHER.county("清水河县")
    towns = "城关镇、宏河镇、喇嘛湾镇、老牛湾镇、窑沟乡、北堡乡、韭菜庄乡、五良太乡"
    with pytest.raises(RegionMatchError) as caught:
        MATCHER.town(county, "保合少镇")
    assert str(caught.value) == (
        f"'保合少镇' is not a town of 清水河县 (it is in 新城区); its towns: {towns}"
    )
    with pytest.raises(RegionMatchError) as caught:
        MATCHER.town(county, "戊镇")
    assert (
        str(caught.value) == f"unknown town or subdistrict '戊镇' in 清水河县; its towns: {towns}"
    )
    assert len(caught.value.candidates) == 8


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("150124", "150124"),
        ("150124000000", "150124"),
        ("150124102000", "150124102"),
        ("１５０１２４", "150124"),  # full-width digits
        ("15012", None),
        ("清水河县", None),
    ],
)
def test_normal_code(text: str, code: str | None) -> None:
    assert normal_code(text) == code
