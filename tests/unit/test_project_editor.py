"""The Scenes editor's state and rules with no widgets: undo, files and recovery, price and may-it-render."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.errors import InvalidRequestError, NotFoundError
from heygen_studio.api.models import AspectRatio, Look, VideoSpec, Voice
from heygen_studio.config import Generation
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.project import LookRef, NotReadyToRender, Project, ProjectFileError, Scene, VoiceRef
from heygen_studio.editor.history import History
from heygen_studio.editor.project_editor import Account, ProjectEditor, SavedState
from heygen_studio.services.projects import ProjectStore
from heygen_studio.storage.render_jobs import JobStatus, RenderJob, spec_to_json


class RecordingAutosave:
    """Stands in for services.projects.Autosaver: what the editor asked to autosave, and when it cancelled."""

    def __init__(self) -> None:
        self.changes: list[tuple[Project, Path | None]] = []
        self.cancels = 0

    def changed(self, project: Project, saved_path: Path | None) -> None:
        self.changes.append((project, saved_path))

    def cancel(self) -> None:
        self.cancels += 1


class FakeAccount:
    """The connection the editor prices for; tests change it between calls."""

    def __init__(self, generation: Generation = "v3", balance: Balance | None = None) -> None:
        self.generation: Generation = generation
        self.balance = balance

    def __call__(self) -> Account:
        return Account(self.generation, self.balance)


@pytest.fixture
def account() -> FakeAccount:
    return FakeAccount()


@pytest.fixture
def autosave() -> RecordingAutosave:
    return RecordingAutosave()


@pytest.fixture
def editor(tmp_path: Path, autosave: RecordingAutosave, account: FakeAccount) -> ProjectEditor:
    return ProjectEditor(ProjectStore(tmp_path / "data"), autosave, account)


LOOK = Look("look_1", "Eileen", group_id="group_1", avatar_type="photo_avatar", supported_engines=("avatar_iv",))
VOICE = Voice("voice_1", "Anna", "English")


class Client:
    """A stand-in for HeyGenApi: it refuses scripts over 20 characters, and answers for looks with `found`."""

    def __init__(self, found: Look | None = None) -> None:
        self.found = found

    def check_video_spec(self, spec: VideoSpec) -> None:
        if len(spec.scenes[0].script) > 20:
            raise InvalidRequestError("The script of scene 1 is too long.")

    async def get_look(self, look_id: str) -> Look:
        if self.found is None:
            raise NotFoundError(f"No look {look_id}.")
        return self.found


def client(found: Look | None = None) -> HeyGenApi:
    return cast(HeyGenApi, Client(found))


def ready(editor: ProjectEditor, script: str = "Hello there, and welcome.") -> None:
    """A new project with a look, a voice and a script: ready to render."""
    editor.use_look(LOOK)
    editor.set_voice(VOICE)
    assert editor.project is not None
    editor.edit_scene(Scene(id=editor.project.scenes[0].id, script=script), "script")


def test_the_editor_imports_no_qt() -> None:
    code = (
        "import sys; import heygen_studio.editor.project_editor, heygen_studio.editor.totals; "
        "sys.exit('PySide6' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_history_undoes_and_redoes_and_merges_steps_with_the_same_key() -> None:
    history: History[str] = History()
    assert not history.can_undo and history.undo() is None and history.redo() is None
    history.push("", "H", "script")
    history.push("H", "Hello", "script")  # typing in one field is one step
    history.push("Hello", "Hello!", None)
    assert len(history) == 2
    assert history.undo() == "Hello" and history.undo() == "" and history.undo() is None
    assert history.redo() == "Hello" and history.can_redo
    history.push("Hello", "Bye", None)  # a new step after an undo: what was undone can't be redone
    assert not history.can_redo and len(history) == 2


def test_edits_undo_and_redo_and_each_one_is_autosaved(editor: ProjectEditor, autosave: RecordingAutosave) -> None:
    shown: list[Project] = []
    editor.on_edit = shown.append
    editor.new()
    assert editor.project is not None and not editor.history.can_undo
    untitled = editor.project.title
    for text in ("L", "La", "Launch"):
        editor.change("title", title=text)
    assert editor.project.title == "Launch" and len(editor.history) == 1
    editor.change(aspect_ratio=AspectRatio.PORTRAIT)
    editor.change(aspect_ratio=AspectRatio.PORTRAIT)  # no change: nothing to undo
    assert len(editor.history) == 2
    editor.undo()
    assert editor.project.aspect_ratio is AspectRatio.LANDSCAPE and editor.project.title == "Launch"
    editor.undo()
    assert editor.project.title == untitled
    editor.redo()
    assert editor.project.title == "Launch" and editor.history.can_redo
    assert [p.title for p in shown] == ["L", "La", "Launch", "Launch", "Launch", untitled, "Launch"]
    assert [project for project, _path in autosave.changes] == shown


def test_scenes_are_added_duplicated_reordered_and_deleted_and_the_shown_one_follows(editor: ProjectEditor) -> None:
    editor.new()
    assert editor.project is not None
    first = editor.project.scenes[0].id
    editor.edit_scene(Scene(id=first, script="One"), "script")
    editor.add_scene()
    editor.duplicate_scene()
    assert editor.project is not None and len(editor.project.scenes) == 3 and editor.scene_index == 2
    assert editor.select_scene(0) and editor.scene_index == 0 and not editor.select_scene(3)
    ids = [scene.id for scene in editor.project.scenes]
    assert editor.reorder([ids[1], ids[2], ids[0]]) and editor.project.scenes[2].id == first
    assert not editor.reorder(["not a scene"]) and editor.project.scenes[2].id == first
    editor.select_scene(2)
    editor.delete_scene()
    assert editor.project is not None and first not in [scene.id for scene in editor.project.scenes]
    assert editor.scene_index == 1  # the scene before the deleted one, the last one now
    editor.undo()
    assert editor.project is not None and editor.project.scenes[2].script == "One"


def test_the_last_scene_cannot_be_deleted_and_says_what_to_do(editor: ProjectEditor) -> None:
    editor.new()
    with pytest.raises(ValueError, match="Clear its script instead"):
        editor.delete_scene()
    assert not editor.history.can_undo


def test_a_custom_size_starts_from_the_legacy_size_of_the_current_shape(editor: ProjectEditor) -> None:
    editor.new()
    editor.set_shape(None)
    assert editor.project is not None and editor.project.custom_size is not None
    editor.set_shape(AspectRatio.SQUARE)
    assert editor.project is not None and editor.project.custom_size is None
    assert editor.project.aspect_ratio is AspectRatio.SQUARE


async def test_save_open_and_the_saved_state(
    editor: ProjectEditor, tmp_path: Path, autosave: RecordingAutosave
) -> None:
    editor.new()
    assert editor.saved_state() is SavedState.NEVER and not editor.has_unsaved_edits()
    editor.change("title", title="Launch")
    assert editor.has_unsaved_edits()
    assert editor.save_path(tmp_path) == tmp_path / "Launch.hgproj"
    assert await editor.save(tmp_path / "launch")  # the suffix is added
    assert editor.saved_path == tmp_path / "launch.hgproj" and editor.saved_state() is SavedState.SAVED
    assert autosave.cancels == 1 and not editor.has_unsaved_edits()
    editor.change("title", title="Launch day")
    assert editor.saved_state() is SavedState.CHANGED and editor.save_path(tmp_path) == tmp_path / "launch.hgproj"
    assert [entry.title for entry in await editor.recent()] == ["Launch"]

    other = ProjectEditor(editor.store, RecordingAutosave(), editor.account)
    await other.open(tmp_path / "launch.hgproj")
    assert other.project is not None and other.project.title == "Launch" and other.saved_state() is SavedState.SAVED
    with pytest.raises(ProjectFileError, match="no longer there"):
        await other.open(tmp_path / "gone.hgproj")
    assert other.project.title == "Launch"  # what was open stays


async def test_a_failed_save_leaves_the_project_unsaved(editor: ProjectEditor, tmp_path: Path) -> None:
    editor.new()
    editor.change("title", title="Launch")
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        await editor.save(blocker / "launch.hgproj")
    assert editor.saved_path is None and editor.has_unsaved_edits()
    editor.close()
    assert not await editor.save(tmp_path / "nothing.hgproj")  # nothing open: nothing saved


async def test_edits_a_crash_left_are_offered_back_once_and_are_in_no_file_yet(
    editor: ProjectEditor, tmp_path: Path
) -> None:
    path = tmp_path / "launch.hgproj"
    editor.new()
    editor.change("title", title="Launch")
    await editor.save(path)
    editor.change("title", title="Launch, edited")
    await asyncio.sleep(0.01)  # the copy is newer than the file
    assert editor.project is not None
    await editor.store.write_recovery(editor.project, editor.saved_path)  # what the autosaver writes

    again = ProjectEditor(editor.store, RecordingAutosave(), editor.account)  # the next start
    recovery = await again.find_recovery()
    assert recovery is not None and recovery.saved_path == path
    assert again.restore() and again.project is not None and again.project.title == "Launch, edited"
    assert again.saved_path == path and again.saved_state() is SavedState.CHANGED and again.has_unsaved_edits()
    assert await again.find_recovery() is None  # offered only while nothing is open

    await again.drop_edits()
    assert not again.has_unsaved_edits() and not editor.store.recovery_file.exists()
    again.close()
    assert await again.find_recovery() is None and not again.restore()


async def test_discarding_the_recovery_copy_forgets_it(editor: ProjectEditor) -> None:
    await editor.store.write_recovery(Project(title="Lost"), None)
    assert await editor.find_recovery() is not None
    await editor.discard_recovery()
    assert editor.recovery is None and not editor.restore() and await editor.find_recovery() is None


def test_price_and_what_the_balance_lacks(editor: ProjectEditor, account: FakeAccount) -> None:
    ready(editor, " ".join(["word"] * 150))  # about a minute
    assert editor.project is not None
    price = editor.price()
    assert price.quote is not None and price.shortfall is None  # no balance known: nothing said to lack
    account.balance = Balance(BillingType.WALLET, Currency.USD, Money.usd("0.05"))
    short = editor.price()
    assert short.quote == price.quote and short.shortfall == price.quote.total - Money.usd("0.05")
    account.balance = Balance(BillingType.WALLET, Currency.USD, Money.usd(1000))
    assert editor.price().shortfall is None
    prices = editor.engine_prices(editor.project)
    assert list(prices) == editor.engines()  # the look renders on Avatar IV only


def test_a_render_needs_a_look_a_voice_and_a_client(editor: ProjectEditor) -> None:
    def not_connected() -> HeyGenApi:
        raise NotReadyToRender("Not connected.")

    editor.new()
    with pytest.raises(NotReadyToRender, match="choose a look"):
        editor.render_request(client)
    ready(editor, "Hi.")
    with pytest.raises(NotReadyToRender, match="Not connected"):
        editor.render_request(not_connected)
    api, spec = editor.render_request(client)
    assert spec.scenes[0].script == "Hi." and isinstance(api, Client)
    editor.change(voice=VoiceRef("voice_2", "Ben"))
    editor.edit_scene(Scene(id=editor.scene_id, script="Far too long for the stand-in client."), "script")
    with pytest.raises(InvalidRequestError, match="too long"):
        editor.render_request(client)


def queued(spec: VideoSpec, title: str, status: JobStatus) -> RenderJob:
    return RenderJob(
        id=1, account="sandbox", generation="v3", title=title, title_token="t", idempotency_key="k",
        spec=spec_to_json(spec), look_thumbnail_url=None, estimated_seconds=2.0, estimated_credits=1.0,
        output_dir="/tmp", status=status, needs_decision=False, remote_id=None, error=None, request_id=None,
        video_url=None, file_path=None, created_at=0.0, submitted_at=None, finished_at=None, updated_at=0.0,
        lease_owner=None, lease_until=None,
    )  # fmt: skip


def test_a_render_of_the_same_video_unchanged_is_noticed_until_it_finishes(editor: ProjectEditor) -> None:
    ready(editor, "Hi.")
    editor.change("title", title="Launch")
    project = editor.project
    assert project is not None
    spec = editor.render_request(client)[1]
    assert not editor.already_rendering(project, spec, [])
    assert not editor.already_rendering(project, spec, [queued(spec, "Another title", JobStatus.PENDING)])
    editor.mark_sent(project)
    assert editor.already_rendering(project, spec, [])  # sent, not in the queue yet
    assert editor.already_rendering(project, spec, [queued(spec, "Launch", JobStatus.PENDING)])
    assert not editor.already_rendering(project, spec, [queued(spec, "Launch", JobStatus.DOWNLOADED)])
    editor.render_refused()
    assert not editor.already_rendering(project, spec, [])


async def test_a_deleted_look_is_kept_said_and_blocks_the_render(editor: ProjectEditor) -> None:
    editor.load(Project(look=LookRef("look_gone", "Old look"), voice=VoiceRef("voice_1", "Anna")), None)
    assert await editor.check_look(client())
    look, problem = editor.shown_look()
    assert look is not None and look.look_id == "look_gone" and "no longer exists" in problem
    with pytest.raises(NotReadyToRender, match="no longer exists"):
        editor.render_request(client)
    editor.use_look(LOOK)
    assert editor.shown_look() == (LookRef("look_1", "Eileen", "group_1", None, "photo_avatar", ("avatar_iv",)), "")


async def test_a_fresh_picture_address_replaces_an_expired_one_and_the_avatar_type_is_heygens(
    editor: ProjectEditor,
) -> None:
    saved = LookRef("look_1", "Eileen", preview_image_url="https://old.example/1.png", avatar_type="photo_avatar")
    editor.load(Project(look=saved), None)
    fresh = Look("look_1", "Eileen", avatar_type="digital_twin", preview_image_url="https://new.example/1.png")
    assert await editor.check_look(client(fresh))
    look, problem = editor.shown_look()
    assert look is not None and look.preview_image_url == "https://new.example/1.png" and problem == ""
    assert editor.project is not None and editor.avatar_type(editor.project) == "digital_twin"
