"""The common frame of every panel: a title, one sentence on what the step does, its content, and its tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from heygen_studio.api import HeyGenError
from heygen_studio.ui.style import Tone
from heygen_studio.ui.widgets.layouts import clear_layout
from heygen_studio.ui.widgets.nav_icons import nav_icon

if TYPE_CHECKING:
    from heygen_studio.session import Session

log = logging.getLogger(__name__)
T = TypeVar("T")
CARD_ICON = QColor("#a5a9c4")

ErrorShown = Callable[[Exception], None]
"""What a panel does with an error its task raised (by default: says it in the panel's message line)."""


class Panel(QWidget):
    """Subclasses set `title`, `icon_name`, `summary` (what the step does), `next_step` (what to do now).

    Background work goes through `run`, so the panel owns it: it is cancelled when the connection changes
    (unless started with `per_connection=False`) and when the panel closes."""

    title: ClassVar[str]
    icon_name: ClassVar[str]
    summary: ClassVar[str]
    next_step: ClassVar[str]

    #: The errors of a task that the panel says in its message line; others reach the app's error handler.
    shown_errors: ClassVar[tuple[type[Exception], ...]] = (HeyGenError,)

    navigate = Signal(str)
    """Asks the window to show the panel with this title (the window connects it)."""
    step_text_changed = Signal()
    """`step_text()` reads differently now: the window updates the navigation entry."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._tasks: dict[asyncio.Task[Any], bool] = {}  # task -> cancelled when the connection changes
        self.setObjectName(f"{type(self).__name__}")
        heading = QLabel(self.title)
        heading.setObjectName("panelTitle")
        summary = QLabel(self.summary)
        summary.setObjectName("panelSummary")
        summary.setWordWrap(True)

        self.next_label = QLabel(self.next_step)
        self.next_label.setObjectName("panelNextStep")
        self.next_label.setWordWrap(True)
        self.next_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        #: The card saying what to do now; a panel shows its content instead (`clear_placeholder`) or beside it.
        self.placeholder = QFrame()
        self.placeholder.setObjectName("panelCard")
        card_layout = QVBoxLayout(self.placeholder)
        card_layout.setContentsMargins(32, 40, 32, 40)
        card_layout.setSpacing(12)
        picture = QLabel()
        picture.setPixmap(nav_icon(self.icon_name, CARD_ICON, CARD_ICON).pixmap(56, 56))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card_layout.addWidget(picture)
        card_layout.addWidget(self.next_label)
        #: Panels put their real content here, below the heading (after `clear_placeholder`).
        self.content = QVBoxLayout()
        self.content.addWidget(self.placeholder)
        self.content.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addSpacing(16)
        layout.addLayout(self.content, 1)
        # Connected first, so the tasks of the old connection stop before a subclass starts the new one's.
        session.connection_changed.connect(self._cancel_per_connection)

    def step_text(self) -> str:
        """What this step's navigation entry reads: its title, unless a panel says more (“Renders (2)”)."""
        return self.title

    def clear_placeholder(self) -> None:
        """Take the placeholder card (and its stretch) out of `content`, for a panel with real content."""
        clear_layout(self.content)

    # --- background work -------------------------------------------------------------------------

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        name: str,
        *,
        on_error: ErrorShown | None = None,
        per_connection: bool = True,
    ) -> asyncio.Task[T | None] | None:
        """Run `coro` in the background as this panel's task `name`; None when the app is shutting down
        (or no loop runs yet), and the coroutine is dropped.

        An error of `shown_errors` it raises goes to `on_error`, or is said in the panel's message line (`say`);
        others reach the app's error handler. The task is cancelled when the panel closes, and when the
        connection changes unless `per_connection` is False (work that is not about one account)."""
        shown = self._shown(coro, on_error or self._say_error)
        try:
            task = self.session.tasks.spawn(shown, name)
        except RuntimeError:  # no loop yet, or the app is closing
            shown.close()
            coro.close()
            return None
        self._tasks[task] = per_connection
        task.add_done_callback(self._tasks.pop)
        task.add_done_callback(lambda _: coro.close())  # cancelled before it started: `coro` never ran
        return task

    async def _shown(self, coro: Coroutine[Any, Any, T], on_error: ErrorShown) -> T | None:
        try:
            return await coro
        except self.shown_errors as error:
            on_error(error)
            return None

    def _say_error(self, error: Exception) -> None:
        self.say(str(error), Tone.BAD)

    def _cancel_per_connection(self) -> None:
        for task, per_connection in list(self._tasks.items()):
            if per_connection:
                task.cancel()

    def say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        """Show `text` in the panel's message line; panels with one override this."""
        log.info("%s: %s", self.title, text)

    # --- closing ---------------------------------------------------------------------------------

    def ask_before_closing(self, close: Callable[[], None]) -> bool:
        """True if the app may close now; False if the panel asked the user first (about unsaved work,
        say): it calls `close()` once they agree, and nothing if they cancel."""
        return True

    async def aclose(self) -> None:
        """Stop the panel's tasks and release what it holds open (clients, files); the app awaits it on quit.
        Subclasses that hold more extend it and await `super().aclose()`."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
