"""The Scenes editor's render choices (v3): engine and its prices, burned captions, transparency, own voice."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout, QWidget

from heygen_studio.domain.project import Project
from heygen_studio.editor.engines import EngineOffer
from heygen_studio.ui.style import hint_label
from heygen_studio.ui.widgets.engine_choice import EngineChoice

V3_ONLY = (
    "The engine, captions burned in, a transparent background and your own voice need HeyGen's current API: "
    "the legacy API renders on Avatar IV with the voice you chose."
)
NOT_USED = "Not used: your own recording is lip-synced instead."


class VideoOptions(QGroupBox):
    """The engine and extras HeyGen's current API adds to a render; on the legacy API one line says they need it.

    ScenesPanel binds the controls and ignores their signals while `show_project` fills them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Render choices", parent)
        self.engine_choice = EngineChoice()
        self.burn_captions = QCheckBox("Also save a copy with captions burned in")
        self.burn_captions.setToolTip("HeyGen draws the captions onto a second copy, saved next to the plain video")
        self.transparent = QCheckBox("Transparent background, saved as .webm")
        self.transparent.setToolTip(
            "For video editors: HeyGen removes the background and saves the video as .webm with transparency"
        )
        self.v2_note = hint_label(V3_ONLY)
        self.v2_note.setWordWrap(True)
        self.v3_choices = QWidget()
        choices = QVBoxLayout(self.v3_choices)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setSpacing(4)
        choices.addWidget(self.engine_choice)
        choices.addWidget(self.burn_captions)
        choices.addWidget(self.transparent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.v3_choices)
        layout.addWidget(self.v2_note)

    def show_project(self, project: Project, offers: list[EngineOffer], v2: bool) -> None:
        """`project`'s choices, `offers` for its engine; on v2 only the line that says they need v3."""
        self.v3_choices.setVisible(not v2)
        self.v2_note.setVisible(v2)
        self.engine_choice.show_choices(offers, project.engine)
        self.burn_captions.setChecked(project.burn_captions)
        self.transparent.setChecked(project.transparent)
