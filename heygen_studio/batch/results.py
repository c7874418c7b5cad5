"""The results sheet beside a batch's videos: each row's file, HeyGen video id, status, cost and error."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from heygen_studio.batch.rows import PlannedRow
from heygen_studio.domain.money import Money
from heygen_studio.services.downloads import video_suffix
from heygen_studio.storage.atomic_files import write_bytes_atomically
from heygen_studio.storage.render_jobs import JobStatus, RenderJob

HEADERS = ("row", "name", "file", "HeyGen video id", "status", "cost", "error")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


class RowState(StrEnum):
    """Where a row of a batch is, as the results sheet says it."""

    REFUSED = "refused"  # the row cannot render as it is; fix it in the sheet
    NOT_SENT = "not sent"
    QUEUED = "queued"
    RENDERING = "rendering"
    DOWNLOADED = "downloaded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    DECIDE = "needs your decision"  # HeyGen's answer was lost: decide in the app's Renders panel

    @property
    def sent(self) -> bool:
        """A row whose video exists or is on its way: a run again does not send it."""
        return self in (RowState.QUEUED, RowState.RENDERING, RowState.DOWNLOADED, RowState.DECIDE)


@dataclass(frozen=True)
class ResultRow:
    """One line of the results sheet."""

    row: int
    name: str
    file: str
    video_id: str
    state: RowState
    cost: Money | None
    error: str


def state_of(job: RenderJob | None) -> RowState:
    """How the results sheet names the state of a row's render job (None: no job yet)."""
    if job is None:
        return RowState.NOT_SENT
    if job.needs_decision:
        return RowState.DECIDE
    if job.status is JobStatus.QUEUED:
        return RowState.QUEUED
    if job.status in (JobStatus.DOWNLOADED, JobStatus.FAILED, JobStatus.CANCELLED):
        return RowState(job.status.value)
    return RowState.RENDERING  # sent, being made, or being downloaded


def planned_file(row: PlannedRow) -> str:
    """The name a good row's video is to have ("" for a refused row); the queue numbers it if a file has it."""
    return f"{row.file_stem}{video_suffix(row.project.transparent)}" if row.ok and row.project else ""


def result_of(row: PlannedRow, job: RenderJob | None) -> ResultRow:
    """A planned row and its render job (if it has one) as a line of the results sheet."""
    if not row.ok:
        return ResultRow(row.number, row.name, "", "", RowState.REFUSED, None, row.reason)
    state = state_of(job)
    file = Path(job.file_path).name if job is not None and job.file_path else planned_file(row)
    error = (job.error or "") if job is not None and state is not RowState.DOWNLOADED else ""
    video_id = (job.remote_id or "") if job is not None else ""
    return ResultRow(row.number, row.name, file, video_id, state, job.cost if job and job.cost else row.cost, error)


def results_of(
    rows: Iterable[PlannedRow], jobs: Mapping[int, RenderJob], refused: Mapping[int, str]
) -> list[ResultRow]:
    """The results sheet's lines: each row with its job (by row number), or why the queue would not take it."""
    return [
        ResultRow(row.number, row.name, "", "", RowState.REFUSED, None, refused[row.number])
        if row.number in refused
        else result_of(row, jobs.get(row.number))
        for row in rows
    ]


def results_path(folder: Path, sheet: Path, suffix: str = ".csv") -> Path:
    """Where the results of the batch of `sheet` go in `folder`: “people results.csv” for people.xlsx."""
    return folder / f"{sheet.stem} results{suffix}"


def write_results(path: Path, rows: Iterable[ResultRow]) -> None:
    """The results sheet at `path`, all or nothing: .xlsx by its suffix, else CSV in UTF-8 with a BOM (which
    Excel needs to read it as UTF-8; LibreOffice and Numbers read it too)."""
    cells = [_cells(row) for row in rows]
    data = _xlsx(cells) if path.suffix.lower() == ".xlsx" else _csv(cells)
    write_bytes_atomically(path, data)


def _cells(row: ResultRow) -> tuple[int | str, ...]:
    cost = "" if row.cost is None else row.cost.format()
    return (row.row, row.name, row.file, row.video_id, row.state.value, cost, row.error)


def _csv(rows: list[tuple[int | str, ...]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(tuple(_inert(cell) for cell in row) for row in rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _inert(cell: int | str) -> int | str:
    """A text cell a spreadsheet shows as text, never runs as a formula (a name such as “=HYPERLINK(...)”)."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) else cell


def _xlsx(rows: list[tuple[int | str, ...]]) -> bytes:
    import openpyxl  # only for Excel files
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    sheet.append(list(HEADERS))
    for row in rows:
        line = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
            line.append(cell)
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
