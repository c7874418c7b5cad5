"""Questions asked before a render is deleted at HeyGen or stopped, never blocking: the answer calls back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from heygen_studio.storage.render_jobs import JobStatus, RenderJob


def confirm_delete(parent: QWidget, job: RenderJob, delete: Callable[[], object]) -> None:
    """Ask before deleting `job`'s video from the HeyGen account (Cancel is the default); `delete()` on Yes."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Delete on HeyGen?",
        f"Delete “{job.title}” from your HeyGen account? The file on this computer stays.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.buttonClicked.connect(
        lambda button: delete() if box.standardButton(button) == QMessageBox.StandardButton.Yes else None
    )
    box.open()


def confirm_stop(parent: QWidget, job: RenderJob, stop: Callable[[bool], object]) -> None:
    """Ask whether to stop following `job`, and whether to delete it at HeyGen too: `stop(delete_at_heygen)`;
    nothing when the user keeps following it (the default)."""
    made = job.status == JobStatus.COMPLETED
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Stop this render?",
        f"Stop {'downloading' if made else 'following'} “{job.title}”? "
        f"It will not be {'saved on this computer' if made else 'downloaded'}.",
        parent=parent,
    )
    box.setInformativeText(
        f"HeyGen {'has made it' if made else 'is already making it'}. Delete it from your "
        "HeyGen account too, or leave it there to find later in your videos on heygen.com."
    )
    delete = box.addButton("Stop and delete at HeyGen", QMessageBox.ButtonRole.DestructiveRole)
    only = box.addButton("Stop following only", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep following", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.buttonClicked.connect(lambda button: stop(button is delete) if button in (delete, only) else None)
    box.open()
