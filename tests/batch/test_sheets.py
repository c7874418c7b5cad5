"""Reading sheets as spreadsheets save them: CSV in each encoding and separator, .xlsx, and malformed files refused."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from heygen_studio.batch.sheets import MAX_ROWS, SheetError, read_sheet

PEOPLE = [("Zoë", "Ventes"), ("Łukasz", "Équipe B"), ("美咲", "営業")]


def people_csv(separator: str = ",") -> str:
    lines = [f"First name{separator}Team", *(f"{name}{separator}{team}" for name, team in PEOPLE)]
    return "\r\n".join(lines) + "\r\n"


def cells(path: Path) -> list[tuple[int, str, str]]:
    sheet = read_sheet(path)
    return [(row.number, row.values["first_name"], row.values["team"]) for row in sheet.rows]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_in_each_encoding_and_separator_reads_the_same_names(tmp_path: Path, separator: str, encoding: str) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(separator).encode(encoding))
    assert cells(path) == [(2, "Zoë", "Ventes"), (3, "Łukasz", "Équipe B"), (4, "美咲", "営業")]
    assert read_sheet(path).headers == ("First name", "Team")


def test_a_windows_latin_1_export_keeps_its_accents(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("Name;Team\r\nRené;Équipe – Nord\r\nZoë;Café\r\n".encode("cp1252"))
    sheet = read_sheet(path)
    assert [(row.values["name"], row.values["team"]) for row in sheet.rows] == [
        ("René", "Équipe – Nord"),
        ("Zoë", "Café"),
    ]


def test_excels_separator_line_is_followed_and_not_read_as_the_header(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("sep=;\r\nname;note\r\nZoë;Salut, toi\r\n".encode("utf-8-sig"))
    sheet = read_sheet(path)
    assert sheet.headers == ("name", "note")
    assert [(row.number, row.values["note"]) for row in sheet.rows] == [(3, "Salut, toi")]


def test_a_quoted_header_name_holding_commas_does_not_decide_the_separator(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('"Name, as written";team\nSmith, Jo;Sales\n', encoding="utf-8")
    sheet = read_sheet(path)
    assert sheet.headers == ("Name, as written", "team")
    assert [row.first for row in sheet.rows] == ["Smith, Jo"]


def test_quoted_cells_may_hold_separators_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('name,note\n"Smith, Jo","line one\nline two"\n , \nAl,x\n', encoding="utf-8")
    sheet = read_sheet(path)
    assert [(row.number, row.values["name"], row.values["note"]) for row in sheet.rows] == [
        (2, "Smith, Jo", "line one\nline two"),
        (4, "Al", "x"),  # the blank row 3 is left out, and the numbers stay the spreadsheet's
    ]


def test_headers_are_matched_trimmed_and_in_any_case_and_trailing_separators_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("  FIRST NAME ;team;;\nAnna;Sales;;\nBo;;;\n", encoding="utf-8")
    sheet = read_sheet(path)
    assert sheet.headers == ("FIRST NAME", "team")
    assert [row.values for row in sheet.rows] == [
        {"first_name": "Anna", "team": "Sales"},
        {"first_name": "Bo", "team": ""},
    ]


def test_xlsx_first_sheet_values_not_formulas(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["first_name", "team", "age", "joined"])
    first.append(["Zoë", "Ventes", 41.0, datetime.datetime(2026, 3, 1)])
    first.append(["美咲", None, 7, datetime.datetime(2026, 3, 2, 9, 30)])
    first.append([None, None, None, None])
    first.append(["Łukasz", "=1+1", None, None])
    book.create_sheet("Other").append(["not", "read"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    sheet = read_sheet(path)
    assert sheet.headers == ("first_name", "team", "age", "joined")
    assert [(row.number, list(row.values.values())) for row in sheet.rows] == [
        (2, ["Zoë", "Ventes", "41", "2026-03-01"]),
        (3, ["美咲", "", "7", "2026-03-02 09:30:00"]),
        (5, ["Łukasz", "", "", ""]),  # a formula never calculated has no value to use
    ]


def test_an_xlsx_whose_table_starts_lower_and_further_right(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first["C3"], first["D3"] = "Name", "Team"
    first["C4"], first["D4"] = "Anna", "Sales"
    path = tmp_path / "people.xlsx"
    book.save(path)
    sheet = read_sheet(path)
    assert sheet.headers == ("Name", "Team")
    assert [(row.number, row.first, row.values["team"]) for row in sheet.rows] == [(4, "Anna", "Sales")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "Cannot use photo.csv: it is not a sheet of rows (it looks like another kind of file). "
            "Choose a CSV file or an Excel workbook (.xlsx), one row per video.",
        ),
        (
            "empty.csv",
            b"",
            "Cannot use empty.csv: it is empty. Its first row should name the columns (for example first_name, "
            "team) and each row under it is one video.",
        ),
        (
            "blank.csv",
            b"\xef\xbb\xbf\r\n ; \r\n\r\n",
            "Cannot use blank.csv: it is empty. Its first row should name the columns (for example first_name, "
            "team) and each row under it is one video.",
        ),
        (
            "header.csv",
            b"first_name,team\n",
            "Cannot use header.csv: it has a header row but no rows under it. Add one row per video.",
        ),
        (
            "twice.csv",
            b"Name,Team,name\nAnna,Sales,Ann\n",
            "Cannot use twice.csv: columns A and C are both called “name” in the first row. "
            "Give each column its own name.",
        ),
        (
            "gap.csv",
            b"name,,team\nAnna,x,Sales\n",
            "Cannot use gap.csv: row 2 has a value in column B, but the first row gives column B no name. "
            "Name it in the first row, or remove the values under it.",
        ),
        (
            "long.csv",
            b"name,team\nAnna,Sales\nBo,Ops,extra\n",
            "Cannot use long.csv: row 3 has a value in column C, but the first row gives column C no name. "
            "Name it in the first row, or remove the values under it.",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "Cannot use old.xls: it is in the old Excel 97-2003 format (.xls). Open it in your spreadsheet and "
            "save it as an Excel workbook (.xlsx) or as CSV, then choose that file.",
        ),
        (
            "fake.xlsx",
            b"name,team\nAnna,Sales\n",
            "Cannot use fake.xlsx: it is named like an Excel workbook but is not one (it may be damaged). Open it "
            "in your spreadsheet and save it again as .xlsx or CSV.",
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04" + b"\x00" * 64,
            "Cannot use broken.xlsx: it is not an Excel workbook this app can read (it may be damaged, or another "
            "kind of file). Open it in your spreadsheet and save it again as .xlsx or CSV.",
        ),
    ],
)
def test_malformed_files_get_one_plain_message(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetError) as refused:
        read_sheet(path)
    assert str(refused.value) == message


def test_a_missing_file_and_a_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="There is no file .*nobody.csv. Check the name and the folder."):
        read_sheet(tmp_path / "nobody.csv")
    with pytest.raises(SheetError, match="is a folder. Choose the CSV or Excel file in it."):
        read_sheet(tmp_path)


def test_a_sheet_of_more_rows_than_a_batch_takes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "everyone.csv"
    path.write_text("name\n" + "".join(f"P{n}\n" for n in range(MAX_ROWS + 1)), encoding="utf-8")
    with pytest.raises(SheetError) as refused:
        read_sheet(path)
    assert str(refused.value) == (
        "Cannot use everyone.csv: it has 10,001 rows, and a batch takes at most 10,000. Split it into several "
        "sheets and send them one after the other."
    )
