"""Reading a sheet of rows (CSV as spreadsheets export it, or .xlsx) into named columns, refusing malformed files."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_SHEET_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
"""Rows a batch takes: checking them stays a matter of seconds, and a split sheet is easier to follow."""
MAX_BLANK_XLSX_ROWS = 1000  # an Excel sheet is read up to this many empty rows in a row
DELIMITERS = (",", ";", "\t")  # a tie goes to the first: comma, then semicolon (European exports), then tab
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and .xlsm) are zip files
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_SEPARATORS = re.compile(r"[\s_]+")
_SNIFF_CHARS = 65536
_QUOTED = re.compile(r'"[^"]*"')  # a quoted name may hold any separator
_SEP_HINT = re.compile(r"sep=(.)\r?\n")


class SheetError(ValueError):
    """A file that cannot be used as a sheet of rows; the message says why and what to do. Nothing is sent."""


def column_key(name: str) -> str:
    """How column and placeholder names are matched: trimmed, case-folded, spaces and underscores alike
    (“First name” is the column of `{first_name}`)."""
    return _SEPARATORS.sub("_", name.strip()).casefold()


def column_letter(index: int) -> str:
    """A spreadsheet's name of column `index` (from 0): A, B, ... Z, AA, AB ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class SheetRow:
    """One row under the header: its number as the spreadsheet shows it (the header is row 1) and its cells."""

    number: int
    values: dict[str, str]
    """Each column's cell (trimmed; "" when empty), by `column_key` of its name."""
    first: str
    """The first column's cell: the row's name when the sheet has no `name` column."""


@dataclass(frozen=True)
class Sheet:
    """A sheet's header names, as written, and its non-blank rows in order."""

    path: Path
    headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(column_key(header) for header in self.headers)

    def header(self, key: str) -> str | None:
        """The column's name as the sheet writes it, for a `column_key`."""
        return next((header for header in self.headers if column_key(header) == key), None)


def read_sheet(path: Path) -> Sheet:
    """The sheet at `path`: .xlsx (its first worksheet, values rather than formulas) or CSV in UTF-8 (with or
    without BOM), UTF-16 with BOM or Windows Latin-1, separated by commas, semicolons or tabs. SheetError for a
    file that is not a sheet, is empty, or has a header row with blank or duplicate names, or a row longer
    than it."""
    try:
        if path.stat().st_size > MAX_SHEET_BYTES:
            raise SheetError(
                f"Cannot use {path.name}: it is over {MAX_SHEET_BYTES // (1024 * 1024)} MB, far more than a sheet "
                "of names. Choose the CSV or Excel file with one row per video."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise SheetError(f"There is no file {path}. Check the name and the folder.") from None
    except IsADirectoryError:
        raise SheetError(f"{path} is a folder. Choose the CSV or Excel file in it.") from None
    except OSError as error:
        raise SheetError(f"Cannot read {path}: {error.strerror or error}.") from error
    return parse_sheet(path, data)


def parse_sheet(path: Path, data: bytes) -> Sheet:
    """The sheet in `data`, read from the file at `path` (named in messages); see `read_sheet`."""
    if data.startswith(_ZIP_MAGIC):
        records = _xlsx_records(path, data)
    elif data.startswith(_OLE_MAGIC):
        raise SheetError(
            f"Cannot use {path.name}: it is in the old Excel 97-2003 format (.xls). Open it in your spreadsheet "
            "and save it as an Excel workbook (.xlsx) or as CSV, then choose that file."
        )
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise SheetError(
            f"Cannot use {path.name}: it is named like an Excel workbook but is not one (it may be damaged). "
            "Open it in your spreadsheet and save it again as .xlsx or CSV."
        )
    else:
        records = _csv_records(path, _decode(path, data))
    return _sheet(path, records)


def _not_a_sheet(path: Path) -> SheetError:
    return SheetError(
        f"Cannot use {path.name}: it is not a sheet of rows (it looks like another kind of file). "
        "Choose a CSV file or an Excel workbook (.xlsx), one row per video."
    )


def _decode(path: Path, data: bytes) -> str:
    """The text of a CSV file as spreadsheets save it: UTF-8 (a BOM or not), UTF-16 with its BOM, else
    Windows Latin-1 (cp1252, and ISO Latin-1 for the five bytes cp1252 leaves out)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_a_sheet(path) from None
    elif b"\x00" in data:
        raise _not_a_sheet(path)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    sample = text[:_SNIFF_CHARS]
    controls = sum(1 for ch in sample if ch not in "\t\r\n" and unicodedata.category(ch) == "Cc")
    if controls > max(2, len(sample) // 200):
        raise _not_a_sheet(path)
    return text


def _delimiter(text: str) -> str:
    """The separator the header line uses most outside quotes (a spreadsheet's CSV export uses one throughout)."""
    header = _QUOTED.sub("", next((line for line in text.splitlines() if line.strip()), ""))
    return max(DELIMITERS, key=lambda candidate: (header.count(candidate), -DELIMITERS.index(candidate)))


def _csv_records(path: Path, text: str) -> list[tuple[int, list[str]]]:
    hint = _SEP_HINT.match(text)  # Excel's "sep=;" line, which its own CSV exports may start with
    if hint:
        text = text[hint.end() :]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=hint.group(1) if hint else _delimiter(text))
    first = 2 if hint else 1  # the spreadsheet shows the hint as row 1
    try:
        return [(number, row) for number, row in enumerate(reader, start=first)]
    except csv.Error as error:
        raise SheetError(
            f"Cannot use {path.name}: it is not a CSV file this app can read (line {reader.line_num}: {error}). "
            "Open it in your spreadsheet and save it again as CSV."
        ) from error


def _xlsx_records(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl  # only for Excel files
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():  # openpyxl warns about features it skips (data validation, styles)
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise SheetError(
            f"Cannot use {path.name}: it is not an Excel workbook this app can read (it may be damaged, or "
            "another kind of file). Open it in your spreadsheet and save it again as .xlsx or CSV."
        ) from error
    try:
        if not book.worksheets:
            return []
        records: list[tuple[int, list[str]]] = []
        blank_run = 0
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in row]
            blank_run = 0 if any(cell.strip() for cell in cells) else blank_run + 1
            if blank_run > MAX_BLANK_XLSX_ROWS:  # formatting can stretch a sheet to a million empty rows
                break
            records.append((number, cells))
        return records
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell's value as the spreadsheet shows it: whole numbers without “.0”, dates without midnight."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _sheet(path: Path, records: Sequence[tuple[int, list[str]]]) -> Sheet:
    """Header and rows from raw records: blank rows and wholly empty columns are left out."""
    cleaned = [(number, [cell.strip() for cell in cells]) for number, cells in records]
    filled = [(number, cells) for number, cells in cleaned if any(cells)]
    if not filled:
        raise SheetError(
            f"Cannot use {path.name}: it is empty. Its first row should name the columns "
            "(for example first_name, team) and each row under it is one video."
        )
    width = max(len(cells) for _, cells in filled)
    used = [index for index in range(width) if any(index < len(cells) and cells[index] for _, cells in filled)]
    (header_number, header_cells), rows = filled[0], filled[1:]
    header_of = {index: header_cells[index] if index < len(header_cells) else "" for index in used}
    blank = [index for index in used if not header_of[index]]
    if blank:
        return _refuse_blank_header(path, header_number, blank[0], rows)
    seen: dict[str, int] = {}
    for index in used:
        key = column_key(header_of[index])
        if key in seen:
            raise SheetError(
                f"Cannot use {path.name}: columns {column_letter(seen[key])} and {column_letter(index)} are both "
                f"called “{header_of[index]}” in the first row. Give each column its own name."
            )
        seen[key] = index
    if not rows:
        raise SheetError(f"Cannot use {path.name}: it has a header row but no rows under it. Add one row per video.")
    if len(rows) > MAX_ROWS:
        raise SheetError(
            f"Cannot use {path.name}: it has {len(rows):,} rows, and a batch takes at most {MAX_ROWS:,}. "
            "Split it into several sheets and send them one after the other."
        )
    keys = [column_key(header_of[index]) for index in used]
    return Sheet(
        path=path,
        headers=tuple(header_of[index] for index in used),
        rows=tuple(
            SheetRow(
                number=number,
                values={key: cells[index] if index < len(cells) else "" for key, index in zip(keys, used, strict=True)},
                first=cells[used[0]] if used[0] < len(cells) else "",
            )
            for number, cells in rows
        ),
    )


def _refuse_blank_header(path: Path, header_number: int, index: int, rows: Sequence[tuple[int, list[str]]]) -> Sheet:
    """SheetError for a column with values but no name in the header row (a row longer than the header)."""
    letter = column_letter(index)
    where = "the first row" if header_number == 1 else f"the header row (row {header_number})"
    number = next(number for number, cells in rows if index < len(cells) and cells[index])
    raise SheetError(
        f"Cannot use {path.name}: row {number} has a value in column {letter}, but {where} gives column {letter} "
        f"no name. Name it in {where}, or remove the values under it."
    )
