"""The claim matrix as a spreadsheet, in the shape county offices keep it.

``GET /export/claim-matrix.xlsx?list=<key>&region=<key>&target=0.7`` (or ``.csv``): a title
row naming the list and the region, a row saying what the sheet holds, then one row per town
or subdistrict and one column per named item of the list (header: the item's sequence number
and name, items in list order), each cell 确认, 交办 or blank, then the town's claimed count,
the base, its rate, the target and whether it meets it. The numbers come from the GraphQL
schema itself (the ``claimMatrix`` field, run in-process with the request's context), so the
sheet and the API never disagree. Errors answer in GraphQL's error shape with the same codes
(404 for an unknown list or region, 400 for a bad parameter). CSV is UTF-8 with a BOM, which
Excel on Chinese Windows needs to open it as UTF-8 rather than GBK.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import strawberry
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from domain import ClaimMode
from server.limits import graphql_error

MATRIX_QUERY = """
query ClaimMatrixExport($list: String!, $region: String!, $target: Float!) {
  claimMatrix(list: $list, region: $region, targetRate: $target) {
    targetRate itemCount itemKeys
    list { key title synthetic }
    region { key name synthetic }
    items { key seq name synthetic }
    towns {
      town { key name synthetic }
      claimedCount ofCount rate rateStated meetsTarget itemsNamed note synthetic itemModes
    }
  }
}"""

def _words(mode: str | None) -> str:
    """A cell as county offices write it: the mode's words (确认, 交办), blank if unclaimed."""
    return ClaimMode(mode).words if mode else ""


#: HTTP status of each error code the schema may answer.
STATUS = {
    "NOT_FOUND": 404,
    "BAD_INPUT": 400,
    "LIMIT_EXCEEDED": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "BACKEND_UNAVAILABLE": 503,
}
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
TOWN_HEADER = "乡镇（街道）"
TAIL_HEADERS = ("认领事项数", "事项总数", "认领率", "目标认领率", "是否达标", "备注", "键")
_FILE_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")

Cell = str | int | float | None


@dataclass
class MatrixSheet:
    """The matrix as rows of cells: two title rows, the header, a row per town."""

    title: str
    about: str
    header: list[str]
    rows: list[list[Cell]]
    file_stem: str

    @property
    def rate_columns(self) -> tuple[int, int]:
        """0-based indexes of the rate and target columns (percentages)."""
        start = len(self.header) - len(TAIL_HEADERS)
        return start + 2, start + 3


def percent(rate: float | None) -> str:
    """A rate as the sheet shows it: ``41.4%``; the API rounds rates to four decimals, so two
    decimals of a percentage keep all of it. Empty when unknown."""
    if rate is None:
        return ""
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def matrix_sheet(matrix: dict[str, Any]) -> MatrixSheet:
    """Rows of the sheet from the ``claimMatrix`` answer of :data:`MATRIX_QUERY`."""
    power_list, region = matrix["list"], matrix["region"]
    items = sorted(matrix["items"], key=lambda i: (i["seq"] is None, i["seq"] or 0, i["name"]))
    keys: list[str] = matrix["itemKeys"]
    header = [
        TOWN_HEADER,
        *[f"{i['seq']} {i['name']}" if i["seq"] is not None else i["name"] for i in items],
        *TAIL_HEADERS,
    ]
    rows: list[list[Cell]] = []
    for town in matrix["towns"]:
        modes = dict(zip(keys, town["itemModes"], strict=True))
        notes = []
        if not town["itemsNamed"]:
            notes.append("文件只给出认领数量，未列出具体事项")
        if town["rateStated"]:
            notes.append("认领率为文件所载")
        if town["synthetic"] or town["town"]["synthetic"]:
            notes.append("合成数据（synthetic）")
        if town["note"]:
            notes.append(town["note"])
        meets = town["meetsTarget"]
        rows.append(
            [
                town["town"]["name"],
                *[_words(modes.get(i["key"])) for i in items],
                town["claimedCount"],
                town["ofCount"],
                town["rate"],
                matrix["targetRate"],
                "" if meets is None else ("是" if meets else "否"),
                "；".join(notes),
                town["town"]["key"],
            ]
        )
    synthetic = (
        power_list["synthetic"]
        or region["synthetic"]
        or any(i["synthetic"] for i in items)
        or any(t["synthetic"] or t["town"]["synthetic"] for t in matrix["towns"])
    )
    about = [
        f"目标认领率 {percent(matrix['targetRate'])}",
        f"清单共 {matrix['itemCount'] if matrix['itemCount'] is not None else '?'} 项，"
        f"列名事项 {len(items)} 项",
        "单元格：确认 / 交办 / 空白为未认领",
        "导出自 reformgraph（GraphQL claimMatrix）",
    ]
    if synthetic:
        about.insert(0, "含合成数据（synthetic）：由生成器构造，不是文件记载的事实")
    return MatrixSheet(
        title=f"{power_list['title']}（{power_list['key']}）· "
        f"{region['name']}（{region['key']}）认领情况",
        about="；".join(about),
        header=header,
        rows=rows,
        file_stem=_FILE_UNSAFE.sub("_", f"{region['name']}-{power_list['title']}-认领情况"),
    )


def to_csv(sheet: MatrixSheet) -> bytes:
    """The sheet as CSV, UTF-8 with a BOM; rates as percentages (``41.4%``)."""
    rate, target = sheet.rate_columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([sheet.title])
    writer.writerow([sheet.about])
    writer.writerow(sheet.header)
    for row in sheet.rows:
        shown = list(row)
        for column in (rate, target):
            value = shown[column]
            shown[column] = percent(value) if isinstance(value, float | int) else ""
        writer.writerow(["" if cell is None else cell for cell in shown])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: MatrixSheet) -> bytes:
    """The sheet as an XLSX workbook: rates as numbers formatted as percentages, the header
    and the town column frozen."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "认领情况"
    ws.append([sheet.title])
    ws.append([sheet.about])
    ws.append(sheet.header)
    for row in sheet.rows:
        ws.append(row)
    width = len(sheet.header)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column in sheet.rate_columns:
        for (cell,) in ws.iter_rows(min_row=4, min_col=column + 1, max_col=column + 1):
            cell.number_format = "0.0%"
    ws.column_dimensions["A"].width = 16
    ws.freeze_panes = "B4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _disposition(stem: str, suffix: str) -> str:
    """An attachment with an ASCII fallback name and the Chinese one (RFC 6266/5987)."""
    return (
        f'attachment; filename="claim-matrix.{suffix}"; '
        f"filename*=UTF-8''{quote(f'{stem}.{suffix}', safe='')}"
    )


def _target(text: str | None) -> float | None:
    if text is None or not text.strip():
        return 0.7
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def export_router(
    schema: strawberry.Schema, context_getter: Callable[[Request], Awaitable[Any]]
) -> APIRouter:
    """The export routes, answering through ``schema`` with the context GraphQL gets."""
    router = APIRouter()

    @router.get("/export/claim-matrix.{fmt}", response_model=None)
    async def claim_matrix(
        request: Request,
        fmt: str,
        list_key: str | None = Query(None, alias="list"),
        region: str | None = None,
        target: str | None = None,
    ) -> Response | JSONResponse:
        if fmt not in MEDIA_TYPES:
            return graphql_error(404, "NOT_FOUND", "Exports are .xlsx and .csv.")
        if not list_key or not region:
            return graphql_error(400, "BAD_INPUT", "Give `list` and `region` (keys).")
        target_rate = _target(target)
        if target_rate is None:
            return graphql_error(400, "BAD_INPUT", "`target` must be a number from 0 to 1.")
        context = await context_getter(request)
        result = await schema.execute(
            MATRIX_QUERY,
            variable_values={"list": list_key, "region": region, "target": target_rate},
            context_value=context,
        )
        if result.errors:
            extensions = dict(result.errors[0].extensions or {})
            code = str(extensions.pop("code", "INTERNAL"))
            return graphql_error(
                STATUS.get(code, 500), code, result.errors[0].message, **extensions
            )
        assert result.data is not None
        sheet = matrix_sheet(result.data["claimMatrix"])
        body = await asyncio.to_thread(to_xlsx if fmt == "xlsx" else to_csv, sheet)
        return Response(
            body,
            media_type=MEDIA_TYPES[fmt],
            headers={"content-disposition": _disposition(sheet.file_stem, fmt)},
        )

    return router
