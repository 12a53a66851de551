"""The table readers are bounded (graph_loaders/tabular.py): a file over a size bound is one
problem, found before it is read into memory, and a file at the bounds still reads.

The red team of issue 14 (bench/redteam.py) uploaded a 5 KB workbook whose one merged range
covers the whole sheet (openpyxl made 17 billion cells), a 330 KB workbook of 2 million cells
and a 10 MB list (minutes, half a gigabyte). These tests use the same shapes just past each
bound, so that a regression fails them instead of exhausting the machine's memory.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlwt

from bench import redteam_attacks as attacks
from graph_loaders import tabular
from graph_loaders.tabular import (
    MAX_TABLE_CELLS,
    MAX_TABLE_ROWS,
    read_tables,
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _too_large(path: Path) -> str:
    """The one problem reading ``path`` gives; it must say the file is too large."""
    tables, problems = read_tables(path)
    assert tables == []
    [problem] = problems
    assert problem.file == str(path)
    assert problem.reason.startswith("too large to read: "), problem.reason
    return problem.reason


def _sheet_xml(transform: object) -> bytes:
    """A small workbook with its sheet's XML changed, as the red team builds them."""
    return attacks._rewrite_sheet(transform)


def test_a_merged_range_over_the_bound_is_refused(tmp_path: Path) -> None:
    # 10 columns × 15,001 rows = 150,010 cells, just past the bound
    bomb = _sheet_xml(
        lambda xml: xml.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A3:J15003"/></mergeCells>',
        )
    )
    reason = _too_large(_write(tmp_path, "merged.xlsx", bomb))
    assert f"more than {MAX_TABLE_CELLS:,} cells" in reason


def test_the_whole_sheet_merged_is_refused_at_once(tmp_path: Path) -> None:
    """The red team's 5 KB bomb itself: refused from its XML, nothing built."""
    reason = _too_large(_write(tmp_path, "merged.xlsx", attacks.xlsx_merged_bomb()))
    assert "merged ranges" in reason


def test_rows_past_the_bound_are_refused_in_a_workbook(tmp_path: Path) -> None:
    bomb = attacks.xlsx_cell_bomb(MAX_TABLE_ROWS, 1)  # plus the sheet's own two rows
    reason = _too_large(_write(tmp_path, "rows.xlsx", bomb))
    assert f"{MAX_TABLE_ROWS + 1:,} rows" in reason
    assert "split the file" in reason


def test_a_used_range_past_the_bound_is_refused(tmp_path: Path) -> None:
    """One cell far out makes the whole range read: 1,000 rows × 151 columns."""
    far = b'<row r="1000"><c r="EU1000" t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = _sheet_xml(lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"))
    reason = _too_large(_write(tmp_path, "far.xlsx", bomb))
    assert "1,000 rows × 151 columns" in reason


def test_the_last_cell_of_the_sheet_is_refused(tmp_path: Path) -> None:
    reason = _too_large(_write(tmp_path, "far.xlsx", attacks.xlsx_far_cell()))
    assert "1,048,576 rows" in reason


def test_cells_without_references_are_counted_too(tmp_path: Path) -> None:
    """Cells may leave out their `r` reference (each then follows the one before)."""
    cell = b"<c><v>1</v></c>"
    row = b"<row>" + cell * (MAX_TABLE_CELLS // 3 + 1) + b"</row>"
    bomb = _sheet_xml(lambda xml: xml.replace(b"</sheetData>", row * 3 + b"</sheetData>"))
    reason = _too_large(_write(tmp_path, "wide.xlsx", bomb))
    assert "columns" in reason


def test_a_workbook_expanding_past_the_bound_is_refused_by_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = attacks.xlsx_cell_bomb(100, 10)
    expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(workbook)).infolist())
    monkeypatch.setattr(tabular, "MAX_WORKBOOK_BYTES", expanded - 1)
    reason = _too_large(_write(tmp_path, "big.xlsx", workbook))
    assert "the workbook expands to" in reason


def test_xml_with_a_document_type_is_refused(tmp_path: Path) -> None:
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    bomb = _sheet_xml(lambda xml: xml.replace(b"<worksheet", doctype + b"<worksheet", 1))
    assert "document type" in _too_large(_write(tmp_path, "dtd.xlsx", bomb))


def test_a_csv_past_the_row_bound_is_refused(tmp_path: Path) -> None:
    lines = ["序号,赋权事项,乡镇/街道"] + [f"{i},事项{i},甲镇" for i in range(MAX_TABLE_ROWS)]
    path = _write(tmp_path, "rows.csv", ("\n".join(lines) + "\n").encode())
    reason = _too_large(path)
    assert f"more than {MAX_TABLE_ROWS:,} rows" in reason


def test_a_csv_at_the_row_bound_reads(tmp_path: Path) -> None:
    lines = ["序号,赋权事项,乡镇/街道"] + [f"{i},事项{i},甲镇" for i in range(MAX_TABLE_ROWS - 1)]
    path = _write(tmp_path, "rows.csv", ("\n".join(lines) + "\n").encode())
    tables, problems = read_tables(path)
    assert problems == []
    assert len(tables[0].rows) == MAX_TABLE_ROWS


def test_a_ten_megabyte_list_is_one_problem(tmp_path: Path) -> None:
    """The red team's 10 MB list (48,000 rows): one problem, not minutes of checks."""
    reason = _too_large(_write(tmp_path, "big.csv", attacks.list_csv(9_990_000)))
    assert f"more than {MAX_TABLE_ROWS:,} rows" in reason


def test_a_legacy_workbook_merging_past_the_bound_is_refused(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("清单")
    for column, header in enumerate(["序号", "赋权事项", "乡镇/街道"]):
        sheet.write(0, column, header)
    sheet.write_merge(1, 700, 0, 249, "合并")  # 700 × 250 = 175,000 cells
    out = io.BytesIO()
    book.save(out)
    assert "cells" in _too_large(_write(tmp_path, "merged.xls", out.getvalue()))


def test_a_legacy_workbook_with_ragged_rows_reads_its_cells(tmp_path: Path) -> None:
    """Rows of a legacy workbook are no longer padded to the widest: a short row still
    gives blank cells up to the table's width, and merged cells their top-left value."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("清单")
    for column, header in enumerate(["序号", "赋权事项", "乡镇/街道", "备注"]):
        sheet.write(0, column, header)
    sheet.write(1, 0, 1)
    sheet.write(1, 1, "事项一")
    sheet.write_merge(1, 2, 2, 2, "甲镇")
    sheet.write(2, 0, 2)
    sheet.write(2, 1, "事项二")
    out = io.BytesIO()
    book.save(out)
    tables, problems = read_tables(_write(tmp_path, "ragged.xls", out.getvalue()))
    assert problems == []
    assert [row.cells for row in tables[0].rows] == [
        ("序号", "赋权事项", "乡镇/街道", "备注"),
        ("1", "事项一", "甲镇", ""),
        ("2", "事项二", "甲镇", ""),
    ]
