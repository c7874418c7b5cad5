"""Undo and redo over immutable values: each step swaps the whole value; typing in one field merges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Step(Generic[T]):
    """`old` became `new`; steps with the same `merge_key` in a row are one step."""

    old: T
    new: T
    merge_key: str | None = None


class History(Generic[T]):
    """The steps that can be undone and, after an undo, redone; a new step drops what could be redone."""

    def __init__(self) -> None:
        self._done: list[Step[T]] = []
        self._undone: list[Step[T]] = []

    def __len__(self) -> int:
        """How many steps can be undone."""
        return len(self._done)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def push(self, old: T, new: T, merge_key: str | None = None) -> None:
        """Remember that `old` became `new`; the same `merge_key` as the last step extends that step."""
        self._undone.clear()
        last = self._done[-1] if self._done else None
        if last is not None and merge_key is not None and last.merge_key == merge_key:
            last.new = new
        else:
            self._done.append(Step(old, new, merge_key))

    def undo(self) -> T | None:
        """The value before the last step (None: nothing to undo)."""
        if not self._done:
            return None
        step = self._done.pop()
        self._undone.append(step)
        return step.old

    def redo(self) -> T | None:
        """The value after the step last undone (None: nothing to redo)."""
        if not self._undone:
            return None
        step = self._undone.pop()
        self._done.append(step)
        return step.new

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
