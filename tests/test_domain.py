"""The vocabulary (:mod:`domain`): partial dates are real calendar dates, ids follow one
pattern, and every enum value has its Chinese words, read back the way the loaders read them."""

from __future__ import annotations

import pytest

from domain import (
    TERMS,
    ClaimMode,
    PowerType,
    RegionLevel,
    check_id,
    check_partial_date,
    is_id,
)


@pytest.mark.parametrize("value", ["2019", "2019-02", "2020-02-29", "2000-02-29", "2021-12-31"])
def test_real_dates_at_any_precision_are_kept_as_given(value: str) -> None:
    assert check_partial_date(value) == value


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2019-02-29", "2019 is not a leap year, so February has 28 days"),
        ("1900-02-29", "1900 is not a leap year, so February has 28 days"),
        ("2021-13-99", "month 13 is not 01-12"),
        ("2021-00", "month 00 is not 01-12"),
        ("2021-04-31", "month 04 of 2021 has 30 days"),
        ("2021-01-00", "month 01 of 2021 has 31 days"),
        ("2021-4", "write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2021/04/01", "write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_impossible_dates_are_refused_with_the_value_and_why(value: str, why: str) -> None:
    with pytest.raises(ValueError, match="is not a date") as refused:
        check_partial_date(value)
    assert str(refused.value) == f"{value!r} is not a date: {why}"


def test_ids() -> None:
    assert is_id("body:haibowan:market-enforcement")
    assert check_id("region:150302") == "region:150302"
    for bad in ("Body:x", ":x", "body x", "x" * 201, ""):
        assert not is_id(bad)
        with pytest.raises(ValueError, match="is not an id"):
            check_id(bad)


def test_every_value_has_words_and_is_read_back_from_them() -> None:
    for term in TERMS:
        for value in term:
            assert value.words, f"{term.__name__}.{value.name} has no words"
            assert value.value == value.name  # the graph stores the name
            assert term.from_words(value.words) is value
            assert term.from_words(value.name.lower()) is value
        assert len({v.words for v in term}) == len(term), f"{term.__name__}: words repeat"
    assert ClaimMode.from_words("確認") is ClaimMode.CONFIRM  # traditional script
    assert ClaimMode.from_words(" 交辦 ") is ClaimMode.ASSIGN
    assert ClaimMode.from_words("认可") is None
    assert PowerType.PENALTY.words == "行政处罚"
    assert RegionLevel.BANNER_COUNTY.description == "旗县区"
    assert PowerType.OTHER.description == "其他"
