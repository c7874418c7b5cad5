"""The open video project with no widgets: edits and undo, its file and recovery copy, price and render rules."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from heygen_studio.api import limits_for
from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.errors import HeyGenError, NotFoundError
from heygen_studio.api.mapping import FieldNote, explain_mapping, v2_dimension
from heygen_studio.api.models import ApiLimits, AspectRatio, Look, VideoSpec, Voice
from heygen_studio.config import Generation
from heygen_studio.domain.money import Balance, Money
from heygen_studio.domain.pricing import AvatarType, Engine, VideoQuote
from heygen_studio.domain.project import (
    FILE_SUFFIX,
    LookRef,
    NotReadyToRender,
    OwnAudio,
    Project,
    ProjectEstimate,
    Scene,
    VoiceRef,
    draft_of,
    draft_video_spec,
    estimate,
    project_engines,
    video_spec,
)
from heygen_studio.domain.quotes import quote_project
from heygen_studio.editor.engines import EngineOffer, avatar_type_of, engine_offers, engines_for
from heygen_studio.editor.history import History
from heygen_studio.services.projects import ProjectStore, RecentProject, Recovery
from heygen_studio.services.speech_previews import SpeechRequest, speech_request
from heygen_studio.storage.render_jobs import RenderJob

log = logging.getLogger(__name__)

ONE_RECORDING = (
    "Your own recording is lip-synced as one take, so it needs a video with one scene: delete the other scenes "
    "first (or start a new video for it)."
)
MISSING_LOOK = (
    "This look no longer exists in your HeyGen account. Choose another look in the Library; your scenes are kept."
)


@dataclass(frozen=True)
class Account:
    """What pricing needs of the connection: its API generation and what the account has left (None: unknown)."""

    generation: Generation
    balance: Balance | None


@dataclass(frozen=True)
class Price:
    """What a video costs (None: no published price) and what the balance lacks to pay it (None: fits or unknown)."""

    quote: VideoQuote | None
    shortfall: Money | None


class SavedState(Enum):
    SAVED = "saved"
    """The file holds exactly what is open."""
    CHANGED = "changed"
    """Saved once; edited since."""
    NEVER = "never"
    """Not in any file yet."""


class Autosave(Protocol):
    """Writes the recovery copy a moment after the last change (services.projects.Autosaver)."""

    def changed(self, project: Project, saved_path: Path | None) -> None: ...

    def cancel(self) -> None: ...


def same_video(job: RenderJob, project: Project, spec: VideoSpec) -> bool:
    """True when `job` renders `spec` of `project` unchanged (the queue adds a token to the title it sends)."""
    if job.title != (project.title.strip() or "Untitled video"):
        return False
    try:
        return replace(job.video_spec(), title=spec.title) == spec
    except (ValueError, TypeError, KeyError):  # a row written by another version: not this video
        return False


class ProjectEditor:
    """The project being edited, its undo history, file and recovery copy, and whether it may render.

    Every edit, undo and redo calls `on_edit(project)`; the rest answers when asked. Files go through `store`."""

    def __init__(self, store: ProjectStore, autosave: Autosave, account: Callable[[], Account]) -> None:
        self.store = store
        self.autosave = autosave
        self.account = account
        self.on_edit: Callable[[Project], None] = lambda _project: None
        self.history: History[Project] = History()
        self.project: Project | None = None
        self.saved_path: Path | None = None
        self.saved_project: Project | None = None  # as last saved or opened; None: restored edits no file holds
        self.scene_id = ""  # the scene shown
        self.recovery: Recovery | None = None
        self.look: Look | None = None  # what HeyGen says of the project's look (avatar type, engines)
        self.missing_look_id: str | None = None
        self.previews: dict[str, str] = {}  # look id → its picture's current address (saved ones expire)
        self.sent: Project | None = None  # the last project sent to the render queue
        self.heard_seconds: Callable[[SpeechRequest | None], float | None] = lambda _request: None
        """The measured length of speech heard before (services.speech_previews.SpeechPreviews.measured)."""

    # --- the open project -------------------------------------------------------------------------

    def load(self, project: Project, path: Path | None) -> None:
        """Edit `project` (from `path`, None for a new one) from a clean history."""
        self.history.clear()
        self.saved_path = path
        self.saved_project = project
        self.missing_look_id = None
        if self.look is None or project.look is None or self.look.id != project.look.look_id:
            self.look = None  # until check_look asks HeyGen
        self.scene_id = project.scenes[0].id
        self.project = project

    def new(self, look: LookRef | None = None) -> None:
        self.load(Project(look=look), None)

    def close(self) -> None:
        """Stop editing (the caller asked about unsaved edits first: they are dropped)."""
        self.autosave.cancel()
        self.project = None
        self.history.clear()

    def has_unsaved_edits(self) -> bool:
        return self.project is not None and self.project != self.saved_project

    def saved_state(self) -> SavedState:
        if self.saved_path is None:
            return SavedState.NEVER
        return SavedState.SAVED if self.project == self.saved_project else SavedState.CHANGED

    # --- files ------------------------------------------------------------------------------------

    async def open(self, path: Path) -> None:
        """Open the project in `path`; ProjectFileError with a plain reason leaves the open one as it is."""
        self.load(await self.store.open(path), path)

    def save_path(self, folder: Path) -> Path:
        """Where Save as starts: the project's file, else its title in `folder`."""
        assert self.project is not None
        return self.saved_path or folder / f"{self.project.title or 'Untitled video'}{FILE_SUFFIX}"

    async def save(self, path: Path) -> bool:
        """Save the open project to `path` (False: nothing open); OSError leaves everything as it was."""
        project = self.project
        if project is None:
            return False
        self.autosave.cancel()
        self.saved_path = await self.store.save(project, path)
        self.saved_project = project
        return True

    async def drop_edits(self) -> None:
        """Don't save: the edits go, and so does their recovery copy (else the next start offers them back)."""
        self.autosave.cancel()
        await self.store.discard_recovery()
        self.saved_project = self.project

    async def recent(self) -> list[RecentProject]:
        return await self.store.recent()

    async def find_recovery(self) -> Recovery | None:
        """Edits a crash left unsaved, offered back while no project is open (None: nothing to offer)."""
        self.recovery = None if self.project is not None else await self.store.find_recovery()
        return self.recovery

    def restore(self) -> bool:
        """Open the recovered edits (False: there are none); they are not in any file yet."""
        recovery = self.recovery
        if recovery is None:
            return False
        self.load(recovery.project, recovery.saved_path)
        self.saved_project = None
        return True

    async def discard_recovery(self) -> None:
        self.recovery = None
        await self.store.discard_recovery()

    # --- editing ----------------------------------------------------------------------------------

    def push(self, new: Project, merge_key: str | None = None) -> None:
        """Make `new` the project, undoably; edits with the same `merge_key` in a row undo as one."""
        if self.project is None or new == self.project:
            return
        self.history.push(self.project, new, merge_key)
        self._apply(new)

    def change(self, merge_key: str | None = None, **values: Any) -> None:
        """Change fields of the project (`values` as Project's)."""
        if self.project is not None:
            self.push(replace(self.project, **values), merge_key)

    def undo(self) -> None:
        project = self.history.undo()
        if project is not None:
            self._apply(project)

    def redo(self) -> None:
        project = self.history.redo()
        if project is not None:
            self._apply(project)

    def _apply(self, project: Project) -> None:
        self.project = project
        if all(scene.id != self.scene_id for scene in project.scenes):
            self.scene_id = project.scenes[0].id
        self.autosave.changed(project, self.saved_path)
        self.on_edit(project)

    def set_voice(self, voice: Voice) -> None:
        self.change(voice=VoiceRef(voice.id, voice.name, voice.language))

    def set_own_audio(self, audio: OwnAudio) -> None:
        """Lip-sync `audio` instead of the scripts; ValueError (nothing changes) while the video has several scenes."""
        if self.project is None:
            return
        if len(self.project.scenes) > 1:
            raise ValueError(ONE_RECORDING)
        self.change(own_audio=audio)

    def remove_own_audio(self) -> None:
        """Speak the scripts in the chosen voice again."""
        self.change(own_audio=None)

    def set_shape(self, aspect: AspectRatio | None) -> None:
        """Render in `aspect`, or (None) in a custom size, the legacy API's nearest to now at first."""
        if self.project is None:
            return
        if aspect is not None:
            self.change(aspect_ratio=aspect, custom_size=None)
        else:
            self.change(custom_size=self.project.custom_size or v2_dimension(draft_video_spec(self.project, "v2")))

    # --- scenes -----------------------------------------------------------------------------------

    @property
    def scene_index(self) -> int:
        """Where the scene shown is in the project."""
        assert self.project is not None
        return next((i for i, s in enumerate(self.project.scenes) if s.id == self.scene_id), 0)

    def select_scene(self, row: int) -> bool:
        """Show scene `row` (False: there is none)."""
        if self.project is None or not 0 <= row < len(self.project.scenes):
            return False
        self.scene_id = self.project.scenes[row].id
        return True

    def edit_scene(self, scene: Scene, field: str) -> None:
        """`scene` replaces the scene with its id; typing in one of its fields is one step to undo."""
        if self.project is None:
            return
        index = next((i for i, s in enumerate(self.project.scenes) if s.id == scene.id), None)
        if index is not None:
            self.push(self.project.with_scene(index, scene), f"{field}:{scene.id}")

    def add_scene(self) -> None:
        """An empty scene after the one shown; ValueError says why not."""
        self._insert_scene(Scene())

    def duplicate_scene(self) -> None:
        """A copy of the scene shown after it; ValueError says why not."""
        if self.project is not None:
            self._insert_scene(self.project.scenes[self.scene_index].duplicate())

    def _insert_scene(self, scene: Scene) -> None:
        if self.project is None:
            return
        if self.project.own_audio is not None:
            raise ValueError("A video with your own recording has one scene: Remove the recording to add scenes.")
        try:
            new = self.project.with_scene_inserted(self.scene_index + 1, scene)
        except ValueError as error:
            raise ValueError(f"{error} Put more into one scene, or make a second video.") from error
        self.scene_id = scene.id
        self.push(new)

    def delete_scene(self) -> None:
        """Delete the scene shown; ValueError says why not."""
        if self.project is None:
            return
        index = self.scene_index
        try:
            new = self.project.without_scene(index)
        except ValueError as error:
            raise ValueError(f"{error} Clear its script instead.") from error
        self.scene_id = new.scenes[min(index, len(new.scenes) - 1)].id
        self.push(new)

    def reorder(self, scene_ids: list[str]) -> bool:
        """The scenes in this order (False: not the project's scenes, nothing changes)."""
        if self.project is None:
            return False
        try:
            new = self.project.with_scene_order(scene_ids)
        except ValueError:
            return False
        self.push(new)
        return True

    # --- the look ---------------------------------------------------------------------------------

    def use_look(self, look: Look) -> None:
        """The look goes into the open project, or starts a new one."""
        ref = LookRef(
            look.id, look.name, look.group_id, look.preview_image_url, look.avatar_type, look.supported_engines
        )
        self.look = look
        if self.project is None:
            self.new(ref)
        else:
            self.missing_look_id = None
            self.change(look=ref)

    async def check_look(self, api: HeyGenApi) -> bool:
        """Ask HeyGen about the project's look (deleted since? a fresh picture?); True when that changed
        what the open project shows."""
        look = self.project.look if self.project is not None else None
        if look is None:
            return False
        try:
            found = await api.get_look(look.look_id)
        except NotFoundError:
            if self.project is None or self.project.look != look:
                return False
            self.missing_look_id = look.look_id
            return True
        except HeyGenError as error:
            log.info("Could not check the project's look: %r", error)
            return False
        if found.preview_image_url and found.preview_image_url != look.preview_image_url:
            self.previews[look.look_id] = found.preview_image_url
        if self.project is None or self.project.look != look:
            return False
        self.look = found
        return True

    def shown_look(self) -> tuple[LookRef | None, str]:
        """The project's look with its picture's current address, and what is wrong with it ("" if nothing)."""
        look = self.project.look if self.project is not None else None
        if look is None:
            return None, ""
        if look.look_id in self.previews:  # the address saved with the project expired
            look = replace(look, preview_image_url=self.previews[look.look_id])
        return look, MISSING_LOOK if look.look_id == self.missing_look_id else ""

    def avatar_type(self, project: Project) -> AvatarType | None:
        """What kind of avatar the look is: as HeyGen says now, else as saved with the project."""
        if project.look is None:
            return None
        fresh = self.look.avatar_type if self.look is not None and self.look.id == project.look.look_id else None
        return avatar_type_of(fresh, project.look.avatar_type)

    def engines(self) -> list[Engine]:
        """The engines the open project can render on: as HeyGen says of its look now, else as saved with it
        (Avatar IV and III while not known)."""
        project = self.project or Project()
        look = self._checked_look()
        if look is not None and look.supported_engines and not project.is_image_video:
            return engines_for(look)  # as HeyGen says now
        return list(project_engines(project))

    def _checked_look(self) -> Look | None:
        """What HeyGen said of the open project's look, if it was asked."""
        look = self.project.look if self.project is not None else None
        return self.look if look is not None and self.look is not None and self.look.id == look.look_id else None

    # --- length and price -------------------------------------------------------------------------

    @property
    def generation(self) -> Generation:
        return self.account().generation

    @property
    def limits(self) -> ApiLimits:
        return limits_for(self.generation)

    def measured(self, project: Project | None = None) -> dict[str, float]:
        """Scene id → the measured seconds of its speech, for each scene heard as it is now (same words, voice
        and speed)."""
        project = project or self.project
        if project is None or project.own_audio is not None:  # the recording is the sound, not the scripts
            return {}
        found = ((scene.id, self.heard_seconds(speech_request(project, scene))) for scene in project.scenes)
        return {scene_id: seconds for scene_id, seconds in found if seconds is not None}

    def estimate(self, project: Project) -> ProjectEstimate:
        """Each scene's length: measured where its speech was heard, else from its words; with the user's own
        recording, its length as read from the file."""
        guessed = estimate(project, self.limits)
        measured = self.measured(project)
        if project.own_audio is not None:  # one scene: the recording is its sound
            measured = {project.scenes[0].id: project.own_audio.duration_s}
        if not measured:
            return guessed
        scenes = tuple(
            replace(length, seconds=measured.get(scene.id, length.seconds))
            for scene, length in zip(project.scenes, guessed.scenes, strict=True)
        )
        return ProjectEstimate(scenes, sum(length.seconds for length in scenes))

    def price(self, project: Project | None = None) -> Price:
        """The price of `project` (the open one by default) and what the balance lacks to pay it."""
        project = project or self.project
        assert project is not None
        account = self.account()
        balance = account.balance
        quote = quote_project(
            project,
            account.generation,
            limits_for(account.generation),
            balance.billing_type if balance else None,
            self.avatar_type(project),
            measured=self.measured(project),
        )
        return Price(quote, None if quote is None or balance is None else balance.shortfall(quote.total))

    def field_notes(self, project: Project) -> list[FieldNote]:
        """What the API in use cannot send of `project` as asked, and what it sends instead."""
        return explain_mapping(draft_video_spec(project, self.generation), self.generation)

    def engine_prices(self, project: Project) -> dict[Engine, Money | None]:
        """What `project` costs on each engine its look can use."""
        prices: dict[Engine, Money | None] = {}
        for engine in self.engines():
            quote = self.price(replace(project, engine=engine)).quote
            prices[engine] = None if quote is None else quote.total
        return prices

    def engine_offers(self, project: Project) -> list[EngineOffer]:
        """Every engine the editor offers, with `project`'s price on it or why its look can't use it."""
        look, checked = project.look, self._checked_look()
        known = bool(
            (look is not None and look.supported_engines) or (checked is not None and checked.supported_engines)
        )
        return engine_offers(self.engines(), look.name if look else "", self.engine_prices(project), known)

    # --- rendering --------------------------------------------------------------------------------

    def draft(self) -> Project:
        """The open project made the cheapest way for one look at it (its own choices stay as they are)."""
        assert self.project is not None
        return draft_of(self.project)

    def render_request(
        self, require_api: Callable[[], HeyGenApi], project: Project | None = None
    ) -> tuple[HeyGenApi, VideoSpec]:
        """The client and the checked request a render of `project` (the open one by default, or its draft)
        sends; NotReadyToRender or HeyGenError says why not."""
        project = project or self.project
        if project is None:
            raise NotReadyToRender("Open a video first.")
        if project.look is not None and project.look.look_id == self.missing_look_id:
            raise NotReadyToRender(
                "Before rendering, choose another look in the Library: the one this video used no longer exists."
            )
        spec = video_spec(project, self.generation)
        api = require_api()
        api.check_video_spec(spec)
        return api, spec

    def already_rendering(self, project: Project, spec: VideoSpec, jobs: Sequence[RenderJob]) -> bool:
        """True when a render of this very video is among `jobs`, unfinished (or was just sent and is not
        among them yet)."""
        same = [job for job in jobs if same_video(job, project, spec)]
        return any(not job.status.is_final for job in same) or (project == self.sent and not same)

    def mark_sent(self, project: Project) -> None:
        self.sent = project

    def render_refused(self) -> None:
        """The queue could not take the render: rendering the same video again is no second copy."""
        self.sent = None
