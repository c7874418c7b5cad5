"""A batch's rows as a table: each row's merged first line, length, price, and why it can't render or how it stands."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from heygen_studio.batch.plan import BatchPlan
from heygen_studio.batch.results import RowState, planned_file
from heygen_studio.batch.rows import PlannedRow
from heygen_studio.domain.project import format_duration

HEADERS = ("Row", "Name", "First line", "Length", "Price", "Status")
STATUS_COLUMN = HEADERS.index("Status")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The PlannedRow of any cell."""
REFUSED_COLOUR = QColor("#b3261e")
DONE_COLOUR = QColor("#1e7b34")

Index = QModelIndex | QPersistentModelIndex


class BatchRowsModel(QAbstractTableModel):
    """A checked batch (`set_plan`), then each sent row's state and error (`set_states`)."""

    def __init__(self) -> None:
        super().__init__()
        self.plan: BatchPlan | None = None
        self._rows: tuple[PlannedRow, ...] = ()
        self._states: dict[int, tuple[RowState, str]] = {}  # row number -> state, error

    def set_plan(self, plan: BatchPlan | None) -> None:
        self.beginResetModel()
        self.plan = plan
        self._rows = plan.rows if plan is not None else ()
        self._states = {}
        self.endResetModel()

    def set_states(self, states: dict[int, tuple[RowState, str]]) -> None:
        """Where the sent rows are (row number -> state and error); only changed rows are repainted."""
        changed = [i for i, row in enumerate(self._rows) if states.get(row.number) != self._states.get(row.number)]
        self._states = dict(states)
        if changed:
            self.dataChanged.emit(self.index(min(changed), STATUS_COLUMN), self.index(max(changed), STATUS_COLUMN))

    def state(self, row: PlannedRow) -> RowState:
        return RowState.REFUSED if not row.ok else self._states.get(row.number, (RowState.NOT_SENT, ""))[0]

    def row_at(self, index: int) -> PlannedRow | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def position(self, number: int) -> int:
        """The table row showing the sheet's row `number` (-1 when none)."""
        return next((i for i, row in enumerate(self._rows) if row.number == number), -1)

    # --- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's own default argument)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS_COLUMN:
            state = self.state(row)
            if state in (RowState.REFUSED, RowState.FAILED, RowState.CANCELLED, RowState.DECIDE):
                return REFUSED_COLOUR
            return DONE_COLOUR if state is RowState.DOWNLOADED else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: PlannedRow, column: int) -> str:
        if column == 0:
            return str(row.number)
        if column == 1:
            return row.name
        if column == 2:
            return row.first_line
        if column == 3:
            return format_duration(row.seconds) if row.ok else ""
        if column == 4:
            return str(row.cost) if row.ok and row.cost is not None else ""
        return self._status(row)

    def _status(self, row: PlannedRow) -> str:
        if not row.ok:
            return f"Can't render: {row.reason}"
        state, error = self._states.get(row.number, (RowState.NOT_SENT, ""))
        if state is RowState.NOT_SENT:
            return "Ready"
        return f"{state.value.capitalize()}: {error}" if error else state.value.capitalize()

    def _tip(self, row: PlannedRow, column: int) -> str:
        if column == STATUS_COLUMN:
            return self._status(row)
        if column == 2:
            return row.first_line
        return f"Saved as {planned_file(row)}" if row.ok else ""
