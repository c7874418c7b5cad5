"""Undo for the scene editor: each edit swaps whole (immutable) Project values; typing in one field merges."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from heygen_studio.domain.project import Project

MERGE_ID = 0x5CE7E


class ProjectEdit(QUndoCommand):
    """Replace the project with `new`; undo puts `old` back. Edits with the same `merge_key` merge."""

    def __init__(
        self, apply: Callable[[Project], None], old: Project, new: Project, text: str, merge_key: str | None = None
    ) -> None:
        super().__init__(text)
        self._apply = apply
        self.old = old
        self.new = new
        self.merge_key = merge_key

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def id(self) -> int:
        return MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ProjectEdit) or other.merge_key != self.merge_key:
            return False
        self.new = other.new
        return True
