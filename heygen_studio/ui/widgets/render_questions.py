"""Questions asked, never blocking, before a paid render goes: another copy of one rendering, more than the balance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import QMessageBox, QWidget

from heygen_studio.api.models import VideoSpec
from heygen_studio.domain.project import Project
from heygen_studio.storage.render_jobs import RenderJob

ALREADY_RENDERING = "This video is already rendering — render another copy?"


def same_video(job: RenderJob, project: Project, spec: VideoSpec) -> bool:
    """True when `job` renders `spec` of `project` unchanged (the queue adds a token to the title it sends)."""
    if job.title != (project.title.strip() or "Untitled video"):
        return False
    try:
        return replace(job.video_spec(), title=spec.title) == spec
    except (ValueError, TypeError, KeyError):  # a row written by another version: not this video
        return False


def ask(parent: QWidget, title: str, text: str, details: str, go_text: str, go: Callable[[], None]) -> QMessageBox:
    """Open a question with `go_text` and Cancel (the default); `go()` runs only if the user clicks `go_text`.

    Opened with `open()`, so the loop keeps running; keep the returned box alive until it is answered."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(details)
    go_button = box.addButton(go_text, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _result: go() if box.clickedButton() is go_button else None)
    box.open()
    return box
