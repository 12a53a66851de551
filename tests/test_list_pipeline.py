"""What a table is, decided by its content and header row, and the lists validated against a
documented region context (NBS lines as sources), through the pipeline and the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain import ListKind
from graph_loaders.pipeline import ListOptions, Validated, is_table, table_kind, validate
from graph_loaders.problems import Problem
from server.cli import main
from tests.list_fixtures import (
    COUNTY,
    DELEGATED_MERGES,
    DELEGATED_ROWS,
    LISTS,
    TOWN,
    write_documented_context,
    write_xls,
    write_xlsx,
)


@pytest.fixture
def context(tmp_path: Path) -> tuple[Path, Path]:
    return write_documented_context(tmp_path / "context")


def _validate(
    context: tuple[Path, Path], *files: Path, county: str | None = "清水河县", **options: str
) -> Validated:
    dataset_file, corpus = context
    return validate(
        list(files),
        corpus,
        [dataset_file],
        ListOptions(county, **options),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("name", "items", "warnings"),
    [
        ("qingshuihe_traditional.csv", 4, 0),
        ("qingshuihe_statutory.csv", 4, 0),
        ("delegated_minimal.csv", 3, 3),
    ],
)
def test_each_csv_shape_validates_with_its_quotes_found(
    context: tuple[Path, Path], name: str, items: int, warnings: int
) -> None:
    validated = _validate(context, LISTS / name)
    assert validated.errors == []
    assert len(validated.warnings) == warnings
    assert len(validated.dataset.power_items) == items


def test_a_workbook_is_a_table_whatever_it_is_called(
    context: tuple[Path, Path], tmp_path: Path
) -> None:
    xlsx = write_xlsx(tmp_path / "list.xlsx", DELEGATED_ROWS, DELEGATED_MERGES)
    xls = write_xls(tmp_path / "list.xls", DELEGATED_ROWS, DELEGATED_MERGES)
    named_yaml = tmp_path / "list.yaml"
    shutil.copy(xls, named_yaml)
    for path in (xlsx, xls, named_yaml):
        assert is_table(path)
        assert table_kind(path) == "list"
        validated = _validate(context, path)
        assert validated.errors == [], path
        assert len(validated.dataset.power_items) == 4
    assert not is_table(context[0])  # the JSON context is a dataset file


def test_item_name_and_english_headers_are_lists_not_claims(tmp_path: Path) -> None:
    assert table_kind(LISTS / "delegated_minimal.csv") == "list"  # 事项名称
    assert table_kind(LISTS / "delegated_english.csv") == "list"  # seq, item, ..., mode
    claims = tmp_path / "claims.csv"
    claims.write_text("town,list,item,mode\n城关镇,l,1,确认\n", encoding="utf-8")
    assert table_kind(claims) == "claims"
    neither = tmp_path / "neither.csv"
    neither.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    problem = table_kind(neither)
    assert isinstance(problem, Problem)
    assert (problem.location, problem.line) == ("row 1", 1)
    assert "neither a power list nor a claims table" in problem.reason
    assert "first non-empty row has: 姓名, 电话" in problem.reason


def test_a_list_needs_its_county(context: tuple[Path, Path]) -> None:
    validated = _validate(context, LISTS / "qingshuihe_statutory.csv", county=None)
    assert [(p.field, "--county" in p.reason) for p in validated.errors] == [("county", True)]


def test_claims_name_towns_within_the_list_county(
    context: tuple[Path, Path], tmp_path: Path
) -> None:
    claims = tmp_path / "认领表.csv"
    claims.write_text(
        "乡镇/街道,清单,事项,认领方式,日期\n"
        "城关,list:150124:t,1,确认,2021-07\n"  # 城关 alone: 和林格尔县 has a 城关镇 too
        "喇嘛灣鎮,list:150124:t,2,交辦,2021-07\n",
        encoding="utf-8",
    )
    validated = _validate(
        context, LISTS / "qingshuihe_traditional.csv", claims, list_id="list:150124:t"
    )
    assert validated.errors == []
    got = {(c.region, c.item, c.mode.value) for c in validated.dataset.claims}
    assert got == {
        (TOWN["城关镇"], "list:150124:t:item-1", "CONFIRM"),
        (TOWN["喇嘛湾镇"], "list:150124:t:item-2", "ASSIGN"),
    }


def test_a_statutory_list_is_not_claimed(context: tuple[Path, Path], tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text("town,list,item,mode\n城关镇,list:150124:fd,1,确认\n", encoding="utf-8")
    validated = _validate(
        context, LISTS / "qingshuihe_statutory.csv", claims, list_id="list:150124:fd"
    )
    (problem,) = validated.errors
    assert (problem.file, problem.location, problem.field) == (str(claims), "row 2", "list")
    assert "statutory list" in problem.reason
    assert validated.dataset.power_lists[0].kind is ListKind.STATUTORY


def test_cli_prints_warnings_and_fails_only_on_errors(context: tuple[Path, Path]) -> None:
    dataset_file, corpus = context
    runner = CliRunner()
    base = ["validate", "--context", str(dataset_file.parent), "--corpus", str(corpus)]
    ok = runner.invoke(main, [*base, "--county", "150124", str(LISTS / "delegated_minimal.csv")])
    assert ok.exit_code == 0, ok.output
    assert "ok: 1 file(s), no errors, 3 warning(s)" in ok.output
    # the id to query the list by (made from the county's code and the title)
    assert "list list:150124:" in ok.output
    title = "清水河县赋予乡镇部分县级行政执法事项目录"
    assert f"{title} (DELEGATED, 3 items, region region:150124)" in ok.output
    assert f"warning: {LISTS / 'delegated_minimal.csv'}: row 2: 原实施主体: no 原实施主体" in (
        ok.output
    )
    cut = LISTS / "delegated_cut_off.csv"
    refused = runner.invoke(main, [*base, "--county", "清水河县", str(cut)])
    assert refused.exit_code == 1
    assert f"{cut}: row 4: the row is cut off" in refused.output
    assert "(row 4)" not in refused.output  # the row is said once
    kind = runner.invoke(
        main,
        [
            *base,
            "--county",
            COUNTY,
            "--list-kind",
            "statutory",
            str(LISTS / "delegated_minimal.csv"),
        ],
    )
    assert kind.exit_code == 0, kind.output
    # the kind asked for wins; the warning says what the file's title said
    assert "read as a STATUTORY list as asked, though 赋予 in its title says DELEGATED" in (
        kind.output
    )


def test_a_dataset_file_cannot_delegate_hold_or_claim_a_statutory_item(tmp_path: Path) -> None:
    path = tmp_path / "statutory.yaml"
    path.write_text(
        "format: reformgraph/v1\nsynthetic: true\n"
        "regions:\n"
        "  - {id: r:county, name: 某县, level: BANNER_COUNTY}\n"
        "  - {id: r:town, name: 某镇, level: TOWNSHIP, parent: r:county}\n"
        "bodies:\n"
        "  - {id: b:dept, name: 某局, kind: GOVERNMENT_DEPARTMENT, region: r:county}\n"
        "power_lists:\n"
        "  - {id: l:law, title: 法定清单, kind: STATUTORY}\n"
        "power_items:\n"
        "  - {id: l:law:1, list: l:law, seq: 1, name: 某事项}\n"
        "holdings:\n"
        "  - {body: b:dept, item: l:law:1}\n"
        "delegations:\n"
        "  - {id: d:1, list: l:law, item: l:law:1, from_body: b:dept, to_region: r:town}\n"
        "claims:\n"
        "  - {region: r:town, list: l:law, item: l:law:1, mode: 确认}\n",
        encoding="utf-8",
    )
    validated = validate([path], tmp_path)
    assert {(p.location, p.field) for p in validated.errors} == {
        ("holdings[0]", "item"),
        ("delegations[0]", "list"),
        ("claims[0]", "list"),
    }
    assert all("statutory list" in p.reason for p in validated.errors)
