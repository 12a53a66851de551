"""Read tables as counties publish them (CSV or XLSX) into rows of text, with every problem.

Shared by :mod:`graph_loaders.delegation_lists` (赋权清单) and :mod:`graph_loaders.claims_table`
(认领表). This module knows about files, encodings, spreadsheets and header rows, not about
what the columns mean:

* **Encodings.** A text file is decoded as UTF-8 (with or without BOM) strictly, then as
  GB18030 strictly; a file that is neither gives one ``encoding`` problem naming the file.
* **Formats.** Workbooks are recognised by their content, whatever the file is called: XLSX
  (a zip archive, read with openpyxl) and legacy Excel ``.xls`` (an OLE2 compound file, read
  with xlrd); the first worksheet with a header row is read. UTF-16 text is reported with
  advice instead of being guessed at. Text files are CSV; tab- and semicolon-separated files
  are recognised when their header is.
* **Header row.** Looked for within the first :data:`HEADER_SEARCH_ROWS` rows, so a title row
  or blank rows may come first. Header cells are compared with all whitespace removed
  (ordinary and full-width spaces, line breaks, inside the text too), in NFKC form, in
  simplified characters and without the punctuation headers differ by
  (:func:`graph_loaders.text_keys.header_key`), so ``" 序　号 "`` and ``序号``, ``乡镇（街道）``
  and ``鄉鎮/街道`` are the same column.
* **Merged cells (XLSX and XLS).** A cell inside a merged range takes the value of the range's
  top-left cell, which is what the reader of the spreadsheet sees. Nothing else is filled in:
  a blank cell that is not merged stays blank.
* **Rows.** Rows whose known columns are all blank (blank lines, trailing empty rows, rows
  with notes in unnamed columns) are skipped. Row numbers are 1-based: the spreadsheet row,
  or the physical line where a CSV record starts. A CSV row the file ends inside (a quoted
  cell never closed, or a last line without its line end that has fewer cells than the
  header) is marked :attr:`Row.cut_off`: the file was cut short there.

:func:`source_text` gives the text a provenance quote taken from a table is checked against:
the decoded file for CSV, the cell values joined by tabs and newlines for XLSX.

* **Size.** A table holds at most :data:`MAX_TABLE_ROWS` rows; a worksheet's used range (merged
  ranges included) at most :data:`MAX_TABLE_CELLS` cells, and its merged ranges as many in all;
  an XLSX workbook's parts expand to at most :data:`MAX_WORKBOOK_BYTES`. A larger file is one
  problem, found before it is read into memory: a 5 KB workbook whose one merged range covers
  the whole sheet made openpyxl create 17 billion cells, and a 10 MB list took minutes and
  half a gigabyte to check (issue 14's red team).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from domain import check_partial_date
from graph_loaders.problems import Problem
from graph_loaders.text_keys import header_key, key

#: The header row must be within this many rows of the top of the file (or sheet).
HEADER_SEARCH_ROWS = 10

#: A row must name at least this many known columns to be taken for the header row.
MIN_HEADER_MATCHES = 2

#: The most rows a table may have. A county's list holds a few hundred items, its claims
#: table a few thousand rows (towns × items); split a larger file (by department, by town).
MAX_TABLE_ROWS = 10_000
#: The most cells a worksheet's used range may span (its rows × its columns, merged ranges
#: included), and the most its merged ranges may cover in all: every cell of the range is
#: read, blank or not.
MAX_TABLE_CELLS = 150_000
#: The most bytes the parts of an XLSX workbook (a zip archive of XML) may expand to: its XML
#: is looked at before anything is read, and a zip bomb is refused by its directory alone.
MAX_WORKBOOK_BYTES = 64_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc, .et)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", "\t", ";")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SEP_DATE = re.compile(r"^(\d{4})[./](\d{1,2})(?:[./](\d{1,2}))?$")
_CN_DATE = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$")


class TableReadError(ValueError):
    """:func:`source_text` could not read the file (the readers report a problem instead)."""


class _TooLargeError(Exception):
    """The file is over one of the size bounds; the message says which, for the problem."""


def _too_large(name: str, reason: str) -> Problem:
    return Problem(name, "", "", f"too large to read: {reason}")


def _rows_reason(rows: str) -> str:
    return (
        f"{rows} rows; a table may have at most {MAX_TABLE_ROWS:,}: split the file (by "
        "department, or by town)"
    )


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is a spreadsheet workbook (XLSX or legacy XLS), by its first bytes."""
    return data.startswith((_ZIP_MAGIC, _OLE_MAGIC))


@dataclass(frozen=True)
class Row:
    """One row of a table: its 1-based row number, its cells as text, its text in the file."""

    line: int
    cells: tuple[str, ...]
    raw: str
    cut_off: bool = False

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass
class Table:
    """The rows of one file, before any header is looked for."""

    file: str
    kind: str  # "csv", "xlsx" or "xls"
    rows: list[Row]
    text: str
    encoding: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Column:
    """A column a loader knows: its name in problems, the header texts that mean it."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def matches(self, header: str) -> bool:
        return header_key(header) in self.keys

    @property
    def keys(self) -> frozenset[str]:
        """The header keys that mean this column."""
        return frozenset(header_key(name) for name in (self.name, *self.aliases))


@dataclass
class HeaderedTable:
    """A table with its header row found: data rows and where each known column is."""

    table: Table
    header: Row
    columns: dict[str, int]  # column name → cell index
    title: str | None  # first non-empty cell above the header, e.g. the list's title
    data: list[Row] = field(default_factory=list)

    def cell(self, row: Row, column: str) -> str | None:
        """The stripped cell text; ``None`` when the file has no such column."""
        index = self.columns.get(column)
        if index is None:
            return None
        return row.cells[index].strip() if index < len(row.cells) else ""

    def header_text(self, column: str) -> str:
        """The column's header as the file spells it (stripped)."""
        return self.header.cells[self.columns[column]].strip()


# ----------------------------------------------------------------------------- reading


def read_table(path: Path, columns: Sequence[Column]) -> tuple[HeaderedTable | None, list[Problem]]:
    """Read ``path`` and find its header row; ``None`` with problems when that cannot be done.

    Problems about missing required columns are returned together with the table, so that
    the caller can still check the rows of the columns that are there.
    """
    tables, problems = read_tables(path)
    if problems:
        return None, problems
    return header_table(tables, columns, str(path))


def header_table(
    tables: Sequence[Table], columns: Sequence[Column], name: str
) -> tuple[HeaderedTable | None, list[Problem]]:
    """The first of ``tables`` with a header row of ``columns``, as :func:`read_table`."""
    if not tables or all(row.is_blank() for t in tables for row in t.rows):
        return None, [Problem(name, "", "", "the file is empty: no header row, no rows")]
    for table in tables:
        found = find_header(table, columns)
        if found is not None:
            return found, _missing_columns(found, columns)
    return None, [_no_header_problem(tables[0], columns)]


def source_text(path: Path) -> str:
    """The text provenance quotes from this table are checked against.

    CSV: the decoded file (BOM removed). XLSX: every sheet's cell values, tab-separated,
    one row per line, as the readers see them. Raises :class:`TableReadError` when the file
    cannot be read (the reader functions report the same thing as a problem).
    """
    tables, problems = read_tables(path)
    if problems:
        raise TableReadError("; ".join(str(p) for p in problems))
    if tables and tables[0].kind == "csv":
        return tables[0].text
    return "\n".join(t.text for t in tables)


def read_tables(path: Path) -> tuple[list[Table], list[Problem]]:
    """Every table of ``path`` before any header is looked for: one per sheet of a workbook,
    one per candidate delimiter of a CSV file; or the problems that stop the reading."""
    try:
        stat = path.stat()
    except OSError as error:
        return [], [Problem(str(path), "", "", f"cannot read file: {error.strerror or error}")]
    # the pipeline, the reader and the quote check each ask for the same file: parse it once
    tables, problems = _read_cached(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return list(tables), list(problems)


@functools.lru_cache(maxsize=8)
def _read_cached(
    name: str, inode: int, mtime_ns: int, size: int
) -> tuple[tuple[Table, ...], tuple[Problem, ...]]:
    """The parsed file, cached by path, inode, modification time and size (tables are not
    changed by their readers)."""
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as error:
        return (), (Problem(name, "", "", f"cannot read file: {error.strerror or error}"),)
    tables, problems = _parse(data, name, path.suffix.lower())
    return tuple(tables), tuple(problems)


def _parse(data: bytes, name: str, suffix: str) -> tuple[list[Table], list[Problem]]:
    """Bytes → one table per sheet (XLSX, XLS) or per candidate delimiter (CSV)."""
    if data.startswith(_ZIP_MAGIC):
        return _parse_xlsx(data, name)
    if data.startswith(_OLE_MAGIC):
        return _parse_xls(data, name)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return [], [
            Problem(
                name,
                "",
                "",
                f"unreadable {suffix[1:].upper()}: the file is not an Excel workbook "
                "(neither a zip archive nor an OLE2 file)",
            )
        ]
    decoded = decode(data, name)
    if isinstance(decoded, Problem):
        return [], [decoded]
    text, encoding = decoded
    try:
        return [_parse_csv(text, name, encoding, d) for d in _DELIMITERS], []
    except _TooLargeError as error:
        return [], [_too_large(name, str(error))]


def decode(data: bytes, name: str) -> tuple[str, str] | Problem:
    """UTF-8 (BOM or not), else GB18030, both strict; else an ``encoding`` problem."""
    if data.startswith(_UTF16_BOMS):
        return Problem(
            name,
            "",
            "encoding",
            "the file is UTF-16 (Excel 'Unicode text'); save it as CSV UTF-8 or as GB18030",
            1,
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            offset = utf8_error.start
            line = data[:offset].count(b"\n") + 1
            return Problem(
                name,
                "",
                "encoding",
                f"neither UTF-8 nor GB18030 (byte 0x{data[offset]:02x} at offset {offset} is "
                "not UTF-8, and the file does not decode as GB18030 either); save it as UTF-8",
                line,
            )


def _parse_csv(text: str, name: str, encoding: str, delimiter: str) -> Table:
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(iter(lines), delimiter=delimiter)
    rows: list[Row] = []
    consumed = 0
    try:
        for cells in reader:
            start = consumed + 1
            consumed = reader.line_num
            raw = "".join(lines[start - 1 : consumed]).rstrip("\r\n")
            # a line break inside a quoted cell is a line break, whichever the file uses
            rows.append(Row(start, tuple(c.replace("\r\n", "\n") for c in cells), raw))
            if len(rows) > MAX_TABLE_ROWS:
                raise _TooLargeError(_rows_reason(f"more than {MAX_TABLE_ROWS:,}"))
    except csv.Error:
        # Only possible with NUL bytes or similar; keep the rows read so far, and report the
        # rest as one unreadable row so the problem is visible.
        rest = "".join(lines[consumed:]).rstrip("\r\n")
        rows.append(Row(consumed + 1, (rest,), rest, cut_off=True))
    if rows and rows[-1].raw.count('"') % 2:
        # The file ends inside a quoted cell: the reader took the rest of the file into it.
        rows[-1] = Row(rows[-1].line, rows[-1].cells, rows[-1].raw, cut_off=True)
    return Table(name, "csv", rows, text, encoding=encoding)


def _parse_xlsx(data: bytes, name: str) -> tuple[list[Table], list[Problem]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_workbook_size(data)
    except _TooLargeError as error:
        return [], [_too_large(name, str(error))]
    try:
        # Not read_only: merged-cell ranges are only available on ordinary worksheets.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        reason = str(error) or type(error).__name__
        return [], [Problem(name, "", "", f"unreadable XLSX workbook: {reason}")]
    except Exception as error:  # openpyxl raises many kinds on damaged files
        reason = f"{type(error).__name__}: {error}"
        return [], [Problem(name, "", "", f"unreadable XLSX workbook: {reason}")]
    tables = []
    try:
        for sheet in workbook.worksheets:
            tables.append(_sheet_table(sheet, name))
    finally:
        workbook.close()
    return tables, []


_COLUMN = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def _cell_position(reference: str) -> tuple[int, int] | None:
    """``"XFD1048576"`` → (row 1048576, column 16384); None for what is not a cell reference."""
    match = _COLUMN.match(reference.strip())
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column


class _SheetExtent:
    """The used range of one worksheet's XML and the cells its merged ranges cover, counted
    element by element (expat, nothing kept): :class:`_TooLargeError` as soon as one is over
    its bound, so a bomb is stopped after reading at most the bound's worth of its XML."""

    def __init__(self) -> None:
        self.rows = 0  # the last row seen (rows may skip)
        self.columns = 0  # the widest column seen
        self.row = 0
        self.column = 0
        self.merged = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
            self.grow(self.row, 0)
        elif local == "c":
            position = _cell_position(attributes.get("r", ""))
            if position is None:
                self.column += 1
                position = (max(self.row, 1), self.column)
            self.column = position[1]
            self.grow(*position)
        elif local == "mergeCell":
            parts = attributes.get("ref", "").split(":")
            corners = [c for c in map(_cell_position, parts) if c is not None]
            if len(corners) != len(parts):
                return
            (top, left), (bottom, right) = corners[0], corners[-1]
            self.merged += (abs(bottom - top) + 1) * (abs(right - left) + 1)
            if self.merged > MAX_TABLE_CELLS:
                raise _TooLargeError(
                    f"merged ranges covering more than {MAX_TABLE_CELLS:,} cells of one worksheet"
                )
            self.grow(max(top, bottom), max(left, right))

    def grow(self, row: int, column: int) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        if self.rows > MAX_TABLE_ROWS:
            raise _TooLargeError(_rows_reason(f"{self.rows:,}"))
        if self.rows * self.columns > MAX_TABLE_CELLS:
            raise _TooLargeError(
                f"a worksheet spanning {self.rows:,} rows × {self.columns:,} columns; a table may "
                f"span at most {MAX_TABLE_CELLS:,} cells"
            )


def _refuse_doctype(*_: object) -> None:
    raise _TooLargeError("XML with a document type declaration, which no workbook has")


def _check_workbook_size(data: bytes) -> None:
    """Raise :class:`_TooLargeError` when the XLSX archive ``data`` expands past
    :data:`MAX_WORKBOOK_BYTES` or one of its sheets is over :data:`MAX_TABLE_ROWS` or
    :data:`MAX_TABLE_CELLS`; what is not a readable archive is left to openpyxl to report.

    Every XML part is scanned, whatever its name (a workbook may keep its sheets anywhere);
    parts of other XML have no row, cell or merged range and cost one pass of expat."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_WORKBOOK_BYTES:
        raise _TooLargeError(
            f"the workbook expands to {expanded / 1e6:,.0f} MB; a table's workbook may expand "
            f"to at most {MAX_WORKBOOK_BYTES / 1e6:,.0f} MB"
        )
    for member in members:
        if not member.filename.lower().endswith(".xml"):
            continue
        extent = _SheetExtent()
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = extent.start
        parser.StartDoctypeDeclHandler = _refuse_doctype
        try:
            with archive.open(member) as part:  # reads at most the size the directory gives
                while chunk := part.read(1 << 16):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            return  # damaged: openpyxl says so


def _parse_xls(data: bytes, name: str) -> tuple[list[Table], list[Problem]]:
    """A legacy Excel workbook (BIFF, in an OLE2 file) through xlrd, merged cells included."""
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True
        )
    except NotImplementedError:  # formatting (merged cells) not readable in this BIFF version
        book = None
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct errors, ...
        reason = f"{type(error).__name__}: {error}"
        return [], [Problem(name, "", "", f"unreadable XLS workbook: {reason}")]
    try:
        if book is None:
            book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
        tables = [_xls_sheet_table(book, book.sheet_by_index(i), name) for i in range(book.nsheets)]
    except _TooLargeError as error:
        return [], [_too_large(name, str(error))]
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        return [], [Problem(name, "", "", f"unreadable XLS workbook: {reason}")]
    finally:
        if book is not None:
            book.release_resources()
    return tables, []


def _xls_sheet_table(book: Any, sheet: Any, name: str) -> Table:
    import xlrd

    def text(row: int, col: int) -> str:
        cell = sheet.cell(row, col)
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode))
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell_text(cell.value)
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return cell_text(bool(cell.value))
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return ""
        return cell_text(cell.value)

    ranges = getattr(sheet, "merged_cells", None) or []
    extent = _SheetExtent()
    extent.grow(sheet.nrows, sheet.ncols)
    for rlo, rhi, clo, chi in ranges:
        extent.start("mergeCell", {"ref": f"{_letters(clo + 1)}{rlo + 1}:{_letters(chi)}{rhi}"})
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for rlo, rhi, clo, chi in ranges:
        for r in range(rlo, rhi):
            for c in range(clo, chi):
                merged[(r, c)] = (rlo, clo)
    rows: list[Row] = []
    raw_lines: list[str] = []
    for r in range(sheet.nrows):
        length = sheet.row_len(r)  # rows are ragged: not padded to the widest
        raw_cells = [text(r, c) if c < length else "" for c in range(sheet.ncols)]
        cells = tuple(
            _merged_text(text, sheet, merged[(r, c)]) if (r, c) in merged else raw_cells[c]
            for c in range(sheet.ncols)
        )
        raw = "\t".join(raw_cells).rstrip("\t")
        raw_lines.append(raw)
        rows.append(Row(r + 1, cells, raw))
    return Table(name, "xls", rows, "\n".join(raw_lines), sheet=str(sheet.name))


def _letters(column: int) -> str:
    """1 → ``A``, 16384 → ``XFD``: the reference of a column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _merged_text(text: Any, sheet: Any, top_left: tuple[int, int]) -> str:
    row, column = top_left
    return str(text(row, column)) if column < sheet.row_len(row) else ""


def _sheet_table(sheet: Any, name: str) -> Table:
    merged: dict[tuple[int, int], Any] = {}
    for rng in sheet.merged_cells.ranges:
        top_left = sheet.cell(row=rng.min_row, column=rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = top_left
    rows: list[Row] = []
    raw_lines: list[str] = []
    width = sheet.max_column or 0
    for r, values in enumerate(
        sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width, values_only=True),
        start=1,
    ):
        raw_cells = [cell_text(v) for v in values]
        cells = tuple(
            cell_text(merged[(r, c)]) if (r, c) in merged else raw_cells[c - 1]
            for c in range(1, len(raw_cells) + 1)
        )
        raw = "\t".join(raw_cells).rstrip("\t")
        raw_lines.append(raw)
        rows.append(Row(r, cells, raw))
    return Table(name, "xlsx", rows, "\n".join(raw_lines), sheet=str(sheet.title))


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a reader sees: ``1`` not ``1.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------------------ header


def _header_matches(row: Row, columns: Sequence[Column]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(row.cells):
        for column in columns:
            if cell.strip() and column.matches(cell):
                found.setdefault(column.name, []).append(index)
                break
    return found


def find_header(table: Table, columns: Sequence[Column]) -> HeaderedTable | None:
    """The header row of ``columns`` in ``table`` (the row within the first
    :data:`HEADER_SEARCH_ROWS` naming most of them, at least :data:`MIN_HEADER_MATCHES`),
    with its data rows; None when there is none."""
    best: tuple[int, int] | None = None  # (number of columns found, row index)
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        score = len(_header_matches(row, columns))
        if score >= MIN_HEADER_MATCHES and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    header_index = best[1]
    header = table.rows[header_index]
    matches = _header_matches(header, columns)
    title = next(
        (cell.strip() for row in table.rows[:header_index] for cell in row.cells if cell.strip()),
        None,
    )
    found = HeaderedTable(table, header, {name: spots[0] for name, spots in matches.items()}, title)
    found.data = [
        row
        for row in table.rows[header_index + 1 :]
        if any(found.cell(row, name) for name in found.columns)
    ]
    last = found.data[-1] if found.data else None
    if (
        last is not None
        and table.kind == "csv"
        and not table.text.endswith(("\n", "\r"))
        and last is table.rows[-1]
        and len(last.cells) < len(header.cells)
    ):
        # the file stops in the middle of its last row: the cells after it were cut off
        found.data[-1] = Row(last.line, last.cells, last.raw, cut_off=True)
    return found


def _expected(columns: Sequence[Column]) -> str:
    required = ", ".join(c.name for c in columns if c.required)
    optional = ", ".join(c.name for c in columns if not c.required)
    return f"{required} (optional: {optional})" if optional else required


def _found(row: Row) -> str:
    cells = [c.strip() for c in row.cells if c.strip()]
    return ", ".join(cells) if cells else "(nothing)"


def _missing_columns(found: HeaderedTable, columns: Sequence[Column]) -> list[Problem]:
    problems = []
    header = found.header
    line = header.line
    for name, spots in _header_matches(header, columns).items():
        if len(spots) > 1:
            problems.append(
                Problem(
                    found.table.file,
                    f"row {line}",
                    name,
                    f"column appears {len(spots)} times in the header; keep one",
                    line,
                )
            )
    for column in columns:
        if column.required and column.name not in found.columns:
            problems.append(
                Problem(
                    found.table.file,
                    f"row {line}",
                    column.name,
                    f"required column missing from the header row; expected columns: "
                    f"{_expected(columns)}; found: {_found(header)}",
                    line,
                )
            )
    return problems


def _no_header_problem(table: Table, columns: Sequence[Column]) -> Problem:
    first = next((row for row in table.rows if not row.is_blank()), table.rows[0])
    decoded = " (the file was decoded as GB18030)" if table.encoding == "gb18030" else ""
    return Problem(
        table.file,
        f"row {first.line}",
        "",
        f"no header row in the first {HEADER_SEARCH_ROWS} rows{decoded}; expected columns: "
        f"{_expected(columns)}; first non-empty row has: {_found(first)}",
        first.line,
    )


# ------------------------------------------------------------------------------ values


def parse_seq(text: str) -> int | None:
    """``"1"``, ``"1."``, ``"1、"``, ``"１"`` → 1; anything else (``"（一）"``, ``"1.5"``): None."""
    stripped = key(text).rstrip(".、,，)")
    if not stripped.isdigit() or not stripped.isascii():
        return None
    return int(stripped)


def parse_date(text: str) -> str | None:
    """ISO ``YYYY[-MM[-DD]]`` (also ``2020/6/1``, ``2020.6``, ``2020年6月1日``) → ISO; else None.

    The precision the file gives is kept; month and day are zero-padded.
    """
    stripped = text.strip()
    moment = re.match(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2})?$", stripped)
    if moment:  # an XLSX date-time cell: "2020-06-01 00:00:00" is taken as the day
        stripped = moment.group(1)
    value = key(stripped)
    match = _ISO_DATE.match(value) or _SEP_DATE.match(value) or _CN_DATE.match(value)
    if match is None:
        return None
    year, month, day = match.groups()
    iso = "-".join([year, *(f"{int(part):02d}" for part in (month, day) if part is not None)])
    try:
        return check_partial_date(iso)  # the vocabulary's rule: a real calendar date
    except ValueError:
        return None


def csv_quote_text(table: Table, text: str) -> str:
    """``text`` as it stands in the file: CSV doubles ``"`` inside quoted cells."""
    return text.replace('"', '""') if table.kind == "csv" else text


def index_names(
    entries: Iterable[tuple[str, Iterable[str | None]]],
) -> dict[str, list[str]]:
    """``{key(name): [ids]}`` from ``(id, names)`` pairs, each id once per name."""
    index: dict[str, list[str]] = {}
    for record_id, names in entries:
        for name in names:
            if name:
                ids = index.setdefault(key(name), [])
                if record_id not in ids:
                    ids.append(record_id)
    return index


def names_of(mapping: Mapping[str, Any], limit: int = 12) -> str:
    """A short, ordered list of names for problem messages."""
    names = sorted(mapping)
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")
