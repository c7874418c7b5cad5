"""One scene's editor: script with live counts, emotion, movement, motion prompt with advice, voice speed and pitch."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import limits_for
from heygen_studio.api.mapping import FieldNote
from heygen_studio.api.models import ApiLimits, Emotion, Expressiveness, TalkingStyle
from heygen_studio.domain.money import Money
from heygen_studio.domain.motion_prompts import EXAMPLES, check_motion_prompt
from heygen_studio.domain.pricing import AvatarType
from heygen_studio.domain.project import Scene, SceneEstimate
from heygen_studio.editor.totals import length_text
from heygen_studio.ui.style import Tone, hint_label, set_tone
from heygen_studio.ui.widgets.listen_bar import ListenBar

EXPRESSIVENESS_LABELS = {
    Expressiveness.HIGH: "High — lively",
    Expressiveness.MEDIUM: "Medium",
    Expressiveness.LOW: "Low — calm",
}
STYLE_LABELS = {TalkingStyle.EXPRESSIVE: "Expressive", TalkingStyle.STABLE: "Stable — little movement"}
NOTE_FIELDS = ("emotion", "talking_style", "expressiveness", "enhance_motion_prompt", "speed", "pitch")
NOT_SENT: dict[str, frozenset[str]] = {
    "v3": frozenset({"emotion", "enhance_motion_prompt"}),
    "v2": frozenset({"speed", "pitch"}),
}
"""The settings a generation does not send, so the editor does not offer them."""
INSTEAD = {
    "v3": (
        "HeyGen's current API has no emotion setting and does not rewrite motion prompts: "
        "Expressiveness sets how lively the avatar is, and your motion prompt is sent as you wrote it."
    ),
    "v2": "Avatar IV videos on the legacy API speak at the voice's own speed and pitch, so those are not offered.",
}
"""Said once, under the fields: what the generation does instead of the settings it does not send."""


class SceneEditor(QWidget):
    """Emits `changed(scene, field)` on every edit; `set_scene` shows a scene without emitting."""

    changed = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = Scene()
        self._loading = False
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.script = QPlainTextEdit()
        self.script.setPlaceholderText("Type what the avatar says in this scene…")
        self.script.setMinimumHeight(120)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.listen = ListenBar()
        self.emotion = QComboBox()
        for emotion in Emotion:
            self.emotion.addItem(emotion.value, emotion)
        self.movement_label = QLabel()
        self.movement = QComboBox()
        self.motion_prompt = QLineEdit()
        self.motion_prompt.setPlaceholderText("How the avatar moves, e.g. “nods gently and smiles”")
        examples = QToolButton()
        examples.setText("Examples")
        examples.setToolTip("Insert an example motion prompt")
        examples.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(examples)
        for example in EXAMPLES:
            menu.addAction(example, partial(self.motion_prompt.setText, example))
        examples.setMenu(menu)
        self.examples_button = examples
        self.enhance = QCheckBox("Let HeyGen enhance the motion prompt")
        self.advice = hint_label(tone=Tone.WARN)
        self.speed = QDoubleSpinBox()  # ranges: set_limits
        self.speed.setSingleStep(0.1)
        self.speed.setSuffix(" ×")
        self.speed.setToolTip("1.0 × is the voice's normal speed")
        self.pitch = QDoubleSpinBox()
        self.pitch.setDecimals(0)
        self.pitch.setToolTip("0 is the voice's normal pitch")
        self.notes = {name: hint_label() for name in NOTE_FIELDS}  # information, not a warning: grey
        for note in self.notes.values():
            note.hide()
        self.instead = hint_label()
        self.photo_only = hint_label()  # why motion and expressiveness are off for this look
        self.photo_only.hide()
        self.prompt_count = hint_label()
        self._max_prompt = 1000

        prompt_row = QHBoxLayout()  # the field keeps the column's whole width; the examples go below it
        prompt_row.addWidget(self.prompt_count, 1)
        prompt_row.addWidget(examples)
        voice_row = QHBoxLayout()
        voice_row.addWidget(QLabel("Speed"))
        voice_row.addWidget(self.speed)
        voice_row.addSpacing(12)
        voice_row.addWidget(QLabel("Pitch"))
        voice_row.addWidget(self.pitch)
        voice_row.addStretch(1)

        form = QFormLayout()
        self.form = form
        self.voice_settings = _stack(voice_row, self.notes["speed"], self.notes["pitch"])
        form.addRow("Script", _stack(self.script, self.counts))
        form.addRow("Listen", self.listen)
        self.emotion_row = _stack(self.emotion, self.notes["emotion"])
        form.addRow("Emotion", self.emotion_row)
        form.addRow(
            self.movement_label, _stack(self.movement, self.notes["talking_style"], self.notes["expressiveness"])
        )
        form.addRow(
            "Motion prompt",
            _stack(
                self.motion_prompt,
                prompt_row,
                self.enhance,
                self.notes["enhance_motion_prompt"],
                self.advice,
                self.photo_only,
            ),
        )
        form.addRow("Voice", self.voice_settings)
        form.addRow(self.instead)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)

        self.script.textChanged.connect(lambda: self._edit("script", script=self.script.toPlainText()))
        self.emotion.currentIndexChanged.connect(
            lambda: self._edit("emotion", emotion=Emotion(self.emotion.currentData()))
        )
        self.movement.currentIndexChanged.connect(self._movement_changed)
        self.motion_prompt.textChanged.connect(lambda text: self._edit("motion_prompt", motion_prompt=text))
        self.enhance.toggled.connect(lambda on: self._edit("enhance_motion_prompt", enhance_motion_prompt=on))
        self.speed.valueChanged.connect(lambda value: self._edit("voice_speed", voice_speed=round(value, 2)))
        self.pitch.valueChanged.connect(lambda value: self._edit("voice_pitch", voice_pitch=float(value)))
        self.set_limits(limits_for("v3"))
        self.set_generation("v3")

    @property
    def scene(self) -> Scene:
        return self._scene

    def set_generation(self, generation: str) -> None:
        """v3 offers expressiveness, v2 (legacy) a talking style; what a generation does not send is not shown."""
        self._generation = generation
        hidden = NOT_SENT.get(generation, frozenset())
        self.form.setRowVisible(self.emotion_row, "emotion" not in hidden)
        self.enhance.setVisible("enhance_motion_prompt" not in hidden)
        self.form.setRowVisible(self.voice_settings, "speed" not in hidden)
        self.instead.setText(INSTEAD.get(generation, ""))
        self.instead.setVisible(generation in INSTEAD)
        self._loading = True
        self.movement.clear()
        if generation == "v3":
            self.movement_label.setText("Expressiveness")
            for expressiveness, text in EXPRESSIVENESS_LABELS.items():
                self.movement.addItem(text, expressiveness)
        else:
            self.movement_label.setText("Talking style")
            for style, text in STYLE_LABELS.items():
                self.movement.addItem(text, style)
        self._loading = False
        self.set_scene(self._scene, 0)

    def set_limits(self, limits: ApiLimits) -> None:
        """Speed and pitch within what HeyGen accepts; the motion prompt counted against its limit."""
        self._loading = True
        try:
            self.speed.setRange(*limits.speed_range)
            self.pitch.setRange(*limits.pitch_range)
            self.speed.setToolTip(
                f"1.0 × is the voice's normal speed; HeyGen takes {limits.speed_range[0]:g} × "
                f"to {limits.speed_range[1]:g} ×"
            )
        finally:
            self._loading = False
        self._max_prompt = limits.max_prompt_chars
        self._show_prompt_count()

    def set_avatar_type(self, avatar_type: AvatarType | None) -> None:
        """Motion prompts and expressiveness move photo avatars only: for another kind of look they are off."""
        photo = avatar_type in (None, AvatarType.PHOTO)
        for widget in (self.motion_prompt, self.examples_button, self.enhance, self.movement):
            widget.setEnabled(photo or (widget is self.movement and self._generation == "v2"))
        kind = "a studio avatar" if avatar_type is AvatarType.STUDIO else "a digital twin"
        self.photo_only.setText(
            ""
            if photo
            else (
                f"Off for this look: it is {kind}, which moves as it was filmed. Motion prompts and "
                "expressiveness work only with photo avatars."
            )
        )
        self.photo_only.setVisible(not photo)

    def set_scene(self, scene: Scene, number: int) -> None:
        """Show `scene` (scene `number`, counted from 1) without emitting `changed`."""
        self._scene = scene
        self._loading = True
        try:
            if number:
                self.heading.setText(f"Scene {number}")
            if self.script.toPlainText() != scene.script:
                self.script.setPlainText(scene.script)
            self.emotion.setCurrentIndex(self.emotion.findData(scene.emotion))
            movement = scene.expressiveness if self._generation == "v3" else scene.talking_style
            self.movement.setCurrentIndex(self.movement.findData(movement))
            if self.motion_prompt.text() != scene.motion_prompt:
                self.motion_prompt.setText(scene.motion_prompt)
            self.enhance.setChecked(scene.enhance_motion_prompt)
            self.speed.setValue(scene.voice_speed)
            self.pitch.setValue(scene.voice_pitch)
        finally:
            self._loading = False
        self._show_advice()
        self._show_prompt_count()

    def show_estimate(
        self, estimate: SceneEstimate, limit_name: str, price: Money | None = None, measured: bool = False
    ) -> None:
        """Words, characters against the limit, duration (`measured`: from its speech, heard) and price; over
        the limit says what to do."""
        text = (
            f"{estimate.words} words · {estimate.characters:,} of {estimate.max_characters:,} characters"
            f" · {length_text(estimate.seconds, measured)}"
        )
        if price is not None and estimate.seconds:
            text += f" · {'' if measured else 'about '}{price}"
        if estimate.too_long:
            text += (
                f"\nToo long for {limit_name}: it takes at most {estimate.max_characters:,} characters "
                f"per scene. Shorten this script or move part of it into a new scene."
            )
        self.counts.setText(text)
        set_tone(self.counts, Tone.BAD if estimate.too_long else Tone.PLAIN)

    def show_notes(self, notes: list[FieldNote]) -> None:
        """Under each field the active API generation lacks: what is sent instead."""
        hidden = NOT_SENT.get(self._generation, frozenset())
        by_field = {note.field: note for note in notes if note.field not in hidden}
        for name, label in self.notes.items():
            note = by_field.get(name)
            label.setVisible(note is not None)
            if note is not None:
                instead = f" Sent instead: {note.sent_as}." if note.sent_as else ""
                label.setText(note.reason + instead)

    def _movement_changed(self) -> None:
        value = self.movement.currentData()  # Qt hands an enum back as its plain string value
        if value is None:
            return
        if self._generation == "v3":
            self._edit("expressiveness", expressiveness=Expressiveness(value))
        else:
            self._edit("talking_style", talking_style=TalkingStyle(value))

    def _edit(self, field: str, **values: object) -> None:
        if self._loading:
            return
        self._scene = replace(self._scene, **values)  # type: ignore[arg-type]
        if field == "motion_prompt":
            self._show_advice()
            self._show_prompt_count()
        self.changed.emit(self._scene, field)

    def _show_prompt_count(self) -> None:
        """Characters of the motion prompt as sent (the app adds nothing to it) against HeyGen's limit."""
        length = len(self._scene.motion_prompt.strip())
        over = length > self._max_prompt
        text = f"{length:,} of {self._max_prompt:,} characters"
        if over:
            text += f" — {length - self._max_prompt:,} too many: HeyGen refuses longer prompts"
        set_tone(self.prompt_count, Tone.BAD if over else Tone.PLAIN, text if length else "")

    def _show_advice(self) -> None:
        advice = check_motion_prompt(self._scene.motion_prompt)
        self.advice.setVisible(bool(advice))
        self.advice.setText("\n".join(f"• {a.problem} {a.suggestion}" for a in advice))


def _stack(*parts: QWidget | QHBoxLayout) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for part in parts:
        if isinstance(part, QWidget):
            layout.addWidget(part)
        else:
            layout.addLayout(part)
    return holder
