"""Settings: HeyGen accounts (profiles with keys in the keychain), API version, and the sandbox."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.config import Generation, Profile, Settings
from heygen_studio.services.accounts import KeyCheck, ProfileError
from heygen_studio.session import Session
from heygen_studio.storage.secrets import StorageResult
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, set_tone

log = logging.getLogger(__name__)

PLACEHOLDERS: tuple[Profile, ...] = tuple(Settings().profiles)
"""The account a fresh install starts with: it is not shown until the user gives it a key."""

GENERATION_CHOICES: tuple[tuple[str, Generation], ...] = (
    ("v3 (recommended)", "v3"),
    ("v2 (legacy — HeyGen retired v1/v2 for most accounts on 2026-10-31)", "v2"),
)


def generation_combo() -> QComboBox:
    combo = QComboBox()
    for text, value in GENERATION_CHOICES:
        combo.addItem(text, value)
    return combo


class ProfileForm(QGroupBox):
    """Add a profile: name, key (hidden as typed), API version; tested before it is saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add a HeyGen account", parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("For example Work or Personal")
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("Paste the key from HeyGen → Settings → API")
        self.show_key = QPushButton("Show")
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(self._toggle_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.show_key)
        self.generation = generation_combo()
        self.save = QPushButton("Test and save")
        self.save.setObjectName("primaryButton")
        self.cancel = QPushButton("Cancel")
        self.result = QLabel()
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.addRow("Profile name", self.name)
        form.addRow("API key", key_row)
        form.addRow("API version", self.generation)
        form.addRow(buttons)
        form.addRow(self.result)

    def _toggle_key(self, shown: bool) -> None:
        self.key.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_key.setText("Hide" if shown else "Show")

    def clear(self) -> None:
        self.name.clear()
        self.key.clear()
        self.show_key.setChecked(False)
        self.generation.setCurrentIndex(0)
        set_tone(self.result, Tone.PLAIN, "")


class SettingsPanel(Panel):
    title = "Settings"
    icon_name = "settings"
    summary = (
        "Connect your HeyGen account: paste your API key from heygen.com and choose the "
        "API version. Your key is kept in your computer's secure keychain, never in a file."
    )
    next_step = (
        "Click “Add account…” and paste your HeyGen API key, or click “Try the sandbox” "
        "to try everything without a key."
    )

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.clear_placeholder()
        self.keychain_label = QLabel("Checking the keychain…")
        self.keychain_label.setWordWrap(True)
        self.profiles = QListWidget()
        self.profiles.setMaximumHeight(180)
        self.profiles.currentRowChanged.connect(lambda _: self._selection_changed())
        self.keyless: set[str] = set()  # profiles the keychain holds no key for (filled off the UI thread)
        self._keys_checked = False
        self.add_button = QPushButton("Add account…")
        self.add_button.setObjectName("primaryButton")
        self.use_button = QPushButton("Use this account")
        self.test_button = QPushButton("Test key")
        self.replace_button = QPushButton("Replace key…")
        self.delete_button = QPushButton("Delete")
        self.generation = generation_combo()
        self.status = QLabel(self.next_step)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QVBoxLayout()
        for button in (self.add_button, self.use_button, self.test_button, self.replace_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.profiles, 1)
        row.addLayout(actions)
        generation_row = QHBoxLayout()
        generation_row.addWidget(QLabel("API version:"))
        generation_row.addWidget(self.generation)
        generation_row.addStretch(1)

        self.replace_key = QLineEdit()
        self.replace_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.replace_key.setPlaceholderText("Paste the new key and press Enter")
        self.replace_key.returnPressed.connect(self._replace)
        self.replace_key.hide()

        accounts = QGroupBox("HeyGen accounts")
        box = QVBoxLayout(accounts)
        box.addWidget(self.keychain_label)
        box.addLayout(row)
        box.addWidget(self.replace_key)
        box.addLayout(generation_row)
        box.addWidget(self.status)
        self.form = ProfileForm()
        self.form.hide()
        sandbox = QGroupBox("Sandbox")
        sandbox_box = QVBoxLayout(sandbox)
        sandbox_text = QLabel(
            "The sandbox is a pretend HeyGen built into the app: everything works "
            "— photos, avatars, renders, real MP4 files — without a key. Its "
            "balance is pretend money: nothing real is charged."
        )
        sandbox_text.setWordWrap(True)
        self.sandbox_button = QPushButton("Try the sandbox")
        sandbox_box.addWidget(sandbox_text)
        sandbox_box.addWidget(self.sandbox_button, 0, Qt.AlignmentFlag.AlignLeft)
        for widget in (accounts, self.form, sandbox):
            self.content.addWidget(widget)
        self.content.addStretch(1)

        self.add_button.clicked.connect(self.start_adding_profile)
        self.form.save.clicked.connect(self._save_new)
        self.form.cancel.clicked.connect(self._cancel_new)
        self.use_button.clicked.connect(self._use)
        self.test_button.clicked.connect(self._test)
        self.replace_button.clicked.connect(self._start_replace)
        self.delete_button.clicked.connect(self._confirm_delete)
        self.generation.activated.connect(self._generation_chosen)
        self.sandbox_button.clicked.connect(
            lambda: self.run(self.session.use_sandbox(), "switch to the sandbox", per_connection=False)
        )
        session.connection_changed.connect(self._reload)
        session.connection_changed.connect(self.refresh_keys)
        self._reload()
        self.refresh_keys()
        self.run(self._show_keychain_status(), "keychain status", per_connection=False)

    # ----- what is shown

    def selected(self) -> str | None:
        item = self.profiles.currentItem()
        if item is None:
            return None
        profile: str = item.data(Qt.ItemDataRole.UserRole)
        return profile

    def _reload(self) -> None:
        chosen = self.selected() or self.session.settings.active.name
        connection = self.session.connection
        self.profiles.clear()
        for profile in self.session.accounts.profiles:
            if profile in PLACEHOLDERS and (profile.name in self.keyless or not self._keys_checked):
                continue  # the user never made this one
            in_use = connection is not None and connection.profile == profile.name
            api = "v3" if profile.generation == "v3" else "v2 (legacy)"
            text = f"{profile.name}  ·  API {api}" + ("  ·  in use" if in_use else "")
            text += "  ·  no key yet" if profile.name in self.keyless else ""
            item = QListWidgetItem(text, self.profiles)
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
            if profile.name == chosen:
                self.profiles.setCurrentItem(item)
        if self.profiles.count() == 0 and self._keys_checked:
            empty = QListWidgetItem(
                "No HeyGen account yet. Click “Add account…” and paste your API key.", self.profiles
            )
            empty.setFlags(Qt.ItemFlag.NoItemFlags)  # a note, not an account: nothing to select
        self.sandbox_button.setEnabled(connection is None or not connection.sandbox)
        self.sandbox_button.setText(
            "The sandbox is in use" if connection is not None and connection.sandbox else "Try the sandbox"
        )
        self._selection_changed()

    def refresh_keys(self) -> None:
        """Look up which profiles have a key (a keychain call, so off the UI thread), then show it."""
        self.run(self._check_keys(), "check which accounts have keys", per_connection=False)

    async def _check_keys(self) -> None:
        profiles = [profile.name for profile in self.session.accounts.profiles]
        keyless = {name for name in profiles if not await self.session.accounts.has_key(name)}
        if keyless != self.keyless or not self._keys_checked:
            self.keyless = keyless
            self._keys_checked = True
            self._reload()

    def _select(self, name: str) -> None:
        for row in range(self.profiles.count()):
            if self.profiles.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.profiles.setCurrentRow(row)

    def _selection_changed(self) -> None:
        name = self.selected()
        for button in (self.use_button, self.test_button, self.replace_button, self.delete_button):
            button.setEnabled(name is not None)
        has_no_key = name in self.keyless
        self.use_button.setEnabled(name is not None and not has_no_key)
        self.test_button.setEnabled(name is not None and not has_no_key)
        self.replace_button.setText("Add key…" if has_no_key else "Replace key…")
        self.generation.setEnabled(name is not None)
        profile = self.session.accounts.find(name) if name else None
        if profile is not None:
            self.generation.setCurrentIndex(0 if profile.generation == "v3" else 1)
        self.replace_key.hide()

    async def _show_keychain_status(self) -> None:
        status = await asyncio.to_thread(self.session.accounts.secrets.status)
        if status.usable:
            set_tone(self.keychain_label, Tone.GOOD, "Keys are stored in your system keychain, never in a file.")
            self.keychain_label.setToolTip(f"The keychain in use: {status.backend_name}")
        else:
            set_tone(self.keychain_label, Tone.WARN, status.reason)

    def say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        set_tone(self.status, tone, text)

    # ----- adding a profile

    def start_adding_profile(self) -> None:
        """Open the add-account form with the cursor in the first empty field."""
        self.form.clear()
        if self.session.connection is None or self.session.connection.sandbox:
            default = self.session.settings.active.name
            if self.session.accounts.find(default) is not None:
                self.form.name.setText(default)
        self.form.show()
        (self.form.key if self.form.name.text() else self.form.name).setFocus()

    def _cancel_new(self) -> None:
        self.form.clear()
        self.form.hide()

    def _save_new(self) -> None:
        self.run(
            self._add(self.form.name.text(), self.form.key.text(), self.form.generation.currentData()),
            "add account",
            per_connection=False,
        )

    async def _add(self, name: str, key: str, generation: Generation) -> None:
        self.form.save.setEnabled(False)
        set_tone(self.form.result, Tone.PLAIN, "Testing the key with HeyGen…")
        try:
            check = await self.session.accounts.check_key(key, generation)
            if not check.ok:
                log_failed_check(name, check)
                set_tone(self.form.result, Tone.BAD, check.message + " Nothing was saved.")
                return
            result = await self.session.accounts.add(name, key, generation)
        except ProfileError as error:
            set_tone(self.form.result, Tone.BAD, str(error))
            return
        finally:
            self.form.save.setEnabled(True)
        self.form.clear()
        self.form.hide()
        name = " ".join(name.split())
        await self.session.use_profile(name)
        self._select(name)
        self.say(f"{check.message} {where_saved(result)}", Tone.GOOD if result.in_keychain else Tone.WARN)
        await self._show_keychain_status()

    # ----- acting on the selected profile

    def _use(self) -> None:
        name = self.selected()
        if name is not None:
            self.run(self._use_profile(name), "use account", per_connection=False)

    async def _use_profile(self, name: str) -> None:
        if not await self.session.use_profile(name):
            self.say(f"“{name}” has no API key yet. Click “Add key…” to add one.", Tone.WARN)
            return
        self.say(f"Now using “{name}”.", Tone.GOOD)

    def _test(self) -> None:
        name = self.selected()
        if name is not None:
            self.run(self._test_profile(name), "test key", per_connection=False)

    async def _test_profile(self, name: str) -> None:
        self.say(f"Testing the key of “{name}”…")
        check: KeyCheck = await self.session.accounts.check_profile(name)
        if not check.ok:
            log_failed_check(name, check)
        self.say(check.message, Tone.GOOD if check.ok else Tone.BAD)

    def _start_replace(self) -> None:
        self.replace_key.clear()
        self.replace_key.show()
        self.replace_key.setFocus()
        self.say("Paste the new key and press Enter. It is tested before it replaces the old one.")

    def _replace(self) -> None:
        name = self.selected()
        if name is not None:
            self.run(self._replace_key(name, self.replace_key.text()), "replace key", per_connection=False)

    async def _replace_key(self, name: str, key: str) -> None:
        profile = self.session.accounts.find(name)
        if profile is None:
            return
        self.say("Testing the new key with HeyGen…")
        check = await self.session.accounts.check_key(key, profile.generation)
        if not check.ok:
            log_failed_check(name, check)
            self.say(check.message + " The old key was kept.", Tone.BAD)
            return
        try:
            result = await self.session.accounts.replace_key(name, key)
        except ProfileError as error:
            self.say(str(error), Tone.BAD)
            return
        self.replace_key.clear()
        self.replace_key.hide()
        self.say(f"Key saved. {check.message} {where_saved(result)}", Tone.GOOD)
        await self._check_keys()
        if self.session.connection is not None and self.session.connection.profile == name:
            await self.session.use_profile(name)

    def _generation_chosen(self) -> None:
        name = self.selected()
        if name is None:
            return
        generation: Generation = self.generation.currentData()
        self.session.accounts.set_generation(name, generation)
        if self.session.connection is not None and self.session.connection.profile == name:
            self.run(self.session.use_profile(name), "switch API version", per_connection=False)
        self._reload()

    def _confirm_delete(self) -> None:
        name = self.selected()
        if name is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete account",
            f"Delete “{name}” and remove its key from the keychain? Your videos and avatars on HeyGen are not touched.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda answer: self._deleted(name, answer))
        self.confirm_box = box
        box.open()

    def _deleted(self, name: str, answer: int) -> None:
        if answer == QMessageBox.StandardButton.Yes:
            self.run(self._delete(name), "delete account", per_connection=False)

    async def _delete(self, name: str) -> None:
        in_use = self.session.connection is not None and self.session.connection.profile == name
        await self.session.accounts.delete(name)
        if in_use:
            await self.session.go_offline()
        self._reload()
        self.say(f"“{name}” was deleted and its key removed from the keychain.", Tone.GOOD)


def where_saved(result: StorageResult) -> str:
    if result.in_keychain:
        return "The key is saved in your keychain."
    return f"The key is kept in memory only: {result.status.reason}"


def log_failed_check(name: str, check: KeyCheck) -> None:
    """A key test that failed goes into the log with HeyGen's reason (never the key)."""
    log.warning("Key test for the account “%s” failed: %s", name, check.message)
