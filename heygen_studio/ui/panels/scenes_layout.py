"""The Scenes panel's widgets and where they sit: a start page and the editor page (ScenesPanel binds them)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api.models import AspectRatio, Resolution
from heygen_studio.domain.project import FILE_SUFFIX
from heygen_studio.session import Session
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, hint_label, set_tone
from heygen_studio.ui.widgets.scene_editor import SceneEditor
from heygen_studio.ui.widgets.scene_look import LookBadge
from heygen_studio.ui.widgets.video_options import OwnVoice, VideoOptions

ASPECTS = (  # short enough to show whole in a narrow column; where each is used, in its tooltip
    (AspectRatio.LANDSCAPE, "16:9 landscape", "YouTube, slides, websites"),
    (AspectRatio.PORTRAIT, "9:16 portrait", "Reels, TikTok, Shorts"),
    (AspectRatio.SQUARE, "1:1 square", "Feeds that crop to a square"),
    (AspectRatio.PORTRAIT_4_5, "4:5 tall", "Instagram feed"),
    (AspectRatio.LANDSCAPE_5_4, "5:4 nearly square", "Presentations on older screens"),
)
CUSTOM = "custom"
BACKGROUND_TIP = "The colour behind the avatar"
RESOLUTIONS = ((Resolution.HD_720P, "720p"), (Resolution.FHD_1080P, "1080p (Full HD)"), (Resolution.UHD_4K, "4K"))


def _button(text: str, primary: bool = False, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    if primary:
        button.setObjectName("primaryButton")
    if tip:
        button.setToolTip(tip)
    return button


class ScenesLayout(Panel):
    """The widgets of the Scenes panel, laid out; nothing here reacts to them."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.clear_placeholder()
        self.pages = QStackedWidget()
        self.start_page = self._build_start_page()
        self.editor_page = self._build_editor_page()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.editor_page)
        self.pages.currentChanged.connect(self._page_changed)
        self.content.addWidget(self.pages, 1)

    def _build_start_page(self) -> QWidget:
        page = QWidget()
        self.recovery_banner = QFrame()
        self.recovery_banner.setObjectName("panelCard")
        self.recovery_text = QLabel()
        self.recovery_text.setWordWrap(True)
        self.restore_button = _button("Restore it", primary=True)
        self.discard_recovery_button = _button("Discard")
        banner = QHBoxLayout(self.recovery_banner)
        banner.addWidget(self.recovery_text, 1)
        banner.addWidget(self.restore_button)
        banner.addWidget(self.discard_recovery_button)
        self.recovery_banner.hide()

        self.new_button = _button("New video", primary=True, tip="Start an empty video with one scene")
        self.open_button = _button("Open a project file…", tip=f"Open a saved {FILE_SUFFIX} file")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.start_message = QLabel()
        self.start_message.setWordWrap(True)
        set_tone(self.start_message, Tone.BAD)
        self.start_message.hide()
        recent_title = QLabel("Recent projects")
        recent_title.setStyleSheet("font-weight: 600;")
        self.recent_list = QListWidget()
        self.recent_list.setMaximumHeight(260)
        self.recent_empty = hint_label("Videos you save appear here, so you can come back to them.")

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.recovery_banner)
        intro = QLabel(
            "Start a new video, or continue one you saved. Choosing a look in the "
            "Library also starts a new video with it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.start_message)
        layout.addSpacing(12)
        layout.addWidget(recent_title)
        layout.addWidget(self.recent_empty)
        layout.addWidget(self.recent_list)
        layout.addStretch(1)

        return page

    def _build_editor_page(self) -> QWidget:
        page = QWidget()
        top = self._build_top_row()
        middle = self._build_columns()
        bottom = self._build_bottom_row()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.totals)  # the whole width: at 1024 px the buttons below leave it no room
        layout.addWidget(self.problem)  # messages appear above the Render button, which never moves
        layout.addWidget(self.queued_row)
        layout.addLayout(bottom)

        return page

    def _build_top_row(self) -> QHBoxLayout:
        """Title, undo and redo, file actions."""
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Video title")
        self.title_edit.setToolTip("The title your video gets in HeyGen")
        # Ctrl+S, Ctrl+N and Ctrl+O belong to the File menu's actions, which do the same as these buttons
        self.save_button = _button("Save", tip="Save this video as a project file (Ctrl+S)")
        self.save_as_button = _button("Save as…")
        self.editor_new_button = _button("New", tip="Start another video (Ctrl+N)")
        self.editor_open_button = _button("Open…", tip=f"Open a saved {FILE_SUFFIX} file (Ctrl+O)")
        self.close_button = _button("Close", tip="Back to the list of projects")
        self.undo_button = _button("Undo", tip="Undo the last change (Ctrl+Z)")
        self.redo_button = _button("Redo", tip="Redo (Ctrl+Shift+Z)")
        self.undo_button.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_button.setShortcut(QKeySequence.StandardKey.Redo)
        self.saved_state = hint_label()
        top = QHBoxLayout()
        top.addWidget(QLabel("Title"))
        top.addWidget(self.title_edit, 1)
        top.addWidget(self.undo_button)
        top.addWidget(self.redo_button)
        top.addSpacing(12)
        top.addWidget(self.save_button)
        top.addWidget(self.save_as_button)
        top.addWidget(self.editor_new_button)
        top.addWidget(self.editor_open_button)
        top.addWidget(self.close_button)
        return top

    def _build_columns(self) -> QHBoxLayout:
        """Left: avatar and voice, scenes, format; compact enough to need no scroll bar at 1280×800. Right: the
        scene. Both scroll on their own on a small screen."""
        avatar_box = self._build_avatar_box()
        format_box = self._build_format_box()
        scenes_box = self._build_scenes_box()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        for box in (avatar_box, scenes_box, format_box):
            left_layout.addWidget(box, 1 if box is scenes_box else 0)
        left_scroll = QScrollArea()
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setMinimumWidth(340)  # narrower only when the window is, so the script editor keeps room
        left_scroll.setMaximumWidth(400)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.scene_editor = SceneEditor()
        right_scroll = QScrollArea()
        right_scroll.setWidget(self._build_right_column())
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        middle = QHBoxLayout()
        middle.addWidget(left_scroll, 2)  # two fifths of the width, between 340 and 400 px
        middle.addSpacing(12)
        middle.addWidget(right_scroll, 3)
        return middle

    def _build_right_column(self) -> QWidget:
        """The scene shown, then the render choices of the whole video under it."""
        self.video_options = VideoOptions()
        self.engine_choice = self.video_options.engine_choice
        right = FitColumn(self.scene_editor.script)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.scene_editor, 1)
        right_layout.addWidget(self.video_options)
        return right

    def _build_avatar_box(self) -> QGroupBox:
        self.look_badge = LookBadge()
        self.voice_label = QLabel()
        self.voice_label.setWordWrap(True)
        self.voice_button = _button("Choose voice…", tip="Pick the voice that speaks every scene")
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.voice_label, 1)
        voice_row.addWidget(self.voice_button)
        self.own_voice = OwnVoice()
        voice_row.addWidget(self.own_voice)
        avatar_layout = QVBoxLayout()
        avatar_layout.addWidget(self.look_badge)
        avatar_layout.addLayout(voice_row)
        return _group("Avatar and voice", avatar_layout)

    def _build_format_box(self) -> QGroupBox:
        self.aspect = QComboBox()
        self.aspect.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.aspect.setMinimumContentsLength(16)
        for value, text, use in ASPECTS:
            self.aspect.addItem(text, value)
            self.aspect.setItemData(self.aspect.count() - 1, use, Qt.ItemDataRole.ToolTipRole)
        self.aspect.addItem("Custom size (legacy API only)", CUSTOM)
        self.custom_width = QSpinBox()
        self.custom_height = QSpinBox()
        for spin in (self.custom_width, self.custom_height):
            spin.setRange(128, 4096)
            spin.setSingleStep(2)
            spin.setSuffix(" px")
        self.custom_row = QWidget()
        custom_layout = QHBoxLayout(self.custom_row)
        custom_layout.setContentsMargins(0, 0, 0, 0)
        custom_layout.addWidget(self.custom_width)
        custom_layout.addWidget(QLabel("×"))
        custom_layout.addWidget(self.custom_height)
        self.resolution = QComboBox()
        for quality, name in RESOLUTIONS:
            self.resolution.addItem(name, quality)
        self.captions = QCheckBox("Captions")
        self.captions.setToolTip("Also make a subtitles file beside the video")
        self.background_button = _button("Background colour…", tip=BACKGROUND_TIP)
        self.format_notes = hint_label(tone=Tone.WARN)
        format_form = QFormLayout()
        self.format_form = format_form
        format_form.addRow("Shape", self.aspect)
        format_form.addRow("Size", self.custom_row)
        format_form.addRow("Quality", self.resolution)
        extras = QHBoxLayout()
        extras.addWidget(self.captions)
        extras.addWidget(self.background_button, 1)
        format_form.addRow("Options", extras)
        format_form.addRow(self.format_notes)
        return _group("Format", format_form)

    def _build_scenes_box(self) -> QGroupBox:
        self.scene_list = SceneList()
        self.scene_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.scene_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.scene_list.setMinimumHeight(88)  # three scenes; the list takes whatever height is left
        self.scene_list.setToolTip("Drag a scene up or down to change the order")
        self.add_scene_button = _button("Add scene", tip="Add an empty scene after the selected one")
        self.duplicate_button = _button("Duplicate", tip="Copy the selected scene")
        self.delete_button = _button("Delete", tip="Delete the selected scene (Undo brings it back)")
        scene_buttons = QHBoxLayout()
        scene_buttons.addWidget(self.add_scene_button)
        scene_buttons.addWidget(self.duplicate_button)
        scene_buttons.addWidget(self.delete_button)
        scenes_layout = QVBoxLayout()
        scenes_layout.addWidget(self.scene_list)
        scenes_layout.addLayout(scene_buttons)
        scenes_layout.addLayout(self._build_listen_row())
        scenes_layout.addWidget(self.measure_note)
        return _group("Scenes", scenes_layout)

    def _build_listen_row(self) -> QHBoxLayout:
        """Listen to every scene in order, or measure them all (their cost is said below)."""
        self.listen_all_button = _button("▶ Listen to the whole video", tip="Hear every scene in order")
        self.measure_all_button = _button(
            "Measure all", tip="Hear every scene not heard yet, so each length and price is exact"
        )
        self.measure_note = hint_label()
        row = QHBoxLayout()
        row.addWidget(self.listen_all_button)
        row.addWidget(self.measure_all_button)
        return row

    def _build_bottom_row(self) -> QHBoxLayout:
        """Saved state, a batch, the request, a draft and Render (totals, problems and the confirmation go above)."""
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        set_tone(self.problem, Tone.BAD)
        self.problem.hide()
        self.batch_button = _button(
            "Make one for each row…",
            tip="One video per row of a spreadsheet, {placeholders} filled from its columns (saves the project first)",
        )
        self.show_request_button = _button("Show request", tip="See the exact request a render would send")
        self.render_button = _button("Render", primary=True, tip="Check the video and add it to the render queue")
        self.draft_button = _button("Render a draft")
        self.queued = QLabel()
        set_tone(self.queued, Tone.GOOD)
        self.open_renders_button = _button("Open Renders")
        self.queued_row = QWidget()
        queued_layout = QHBoxLayout(self.queued_row)
        queued_layout.setContentsMargins(0, 0, 0, 0)
        queued_layout.addWidget(self.queued, 1)
        queued_layout.addWidget(self.open_renders_button)
        self.queued_row.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_state, 1)
        bottom.addWidget(self.batch_button)
        bottom.addWidget(self.show_request_button)
        bottom.addWidget(self.draft_button)
        bottom.addWidget(self.render_button)
        return bottom

    def _page_changed(self) -> None:
        """While a video is open the panel's summary makes way for the editor (the start page keeps it)."""
        summary = self.findChild(QLabel, "panelSummary")
        if summary is not None:
            summary.setVisible(self.pages.currentWidget() is not self.editor_page)


def _group(title: str, layout: QLayout) -> QGroupBox:
    """A titled box around `layout`, which adds little padding: the box's own is enough."""
    box = QGroupBox(title)
    box.setLayout(layout)
    layout.setContentsMargins(0, 4, 0, 0)
    return box


class FitColumn(QWidget):
    """A column that asks its scroll area for the height it needs with `flexible` at its minimum height: a scroll
    area otherwise gives every widget its preferred height, and a small window would scroll before that widget
    shrinks."""

    def __init__(self, flexible: QWidget) -> None:
        super().__init__()
        self.flexible = flexible

    def heightForWidth(self, width: int) -> int:
        spare = self.flexible.sizeHint().height() - self.flexible.minimumHeight()
        return super().heightForWidth(width) - max(0, spare)


class SceneList(QListWidget):
    """The list of scenes asks only for its minimum height, so the column fits a small window; the
    column's stretch gives it any height left over."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


def colour_swatch(colour: str, size: int = 16) -> QIcon:
    """A square of `colour` with a grey edge, so white on a white button still shows."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#8a8f98"))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)
