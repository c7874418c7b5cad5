"""The shared vocabulary of a HeyGen client: one abstract class both API generations implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from heygen_studio.api.errors import InvalidRequestError, UnsupportedError
from heygen_studio.api.mapping import FieldNote, explain_mapping
from heygen_studio.api.models import (
    Account,
    ApiLimits,
    Asset,
    AvatarGroup,
    CreatedAvatar,
    Generation,
    Look,
    Orientation,
    Page,
    PhotoPrompt,
    Pose,
    SpeechClip,
    Style,
    SubmittedVideo,
    TrainingStatus,
    VideoBatch,
    VideoSpec,
    VideoStatus,
    VideoSummary,
    Voice,
)
from heygen_studio.api.upload_progress import UploadProgress

if TYPE_CHECKING:
    from heygen_studio.api.transport import Transport

OwnershipName = Literal["private", "public"]


class HeyGenApi(ABC):
    """An async HeyGen client for one API generation. Use `async with` or call `aclose()`."""

    generation: ClassVar[Literal["v3", "v2"]]
    limits: ClassVar[ApiLimits]

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._transport!r})"

    async def __aenter__(self) -> HeyGenApi:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._transport.aclose()

    # --- account and uploads -------------------------------------------------------------------

    @abstractmethod
    async def account(self) -> Account:
        """The account the key belongs to and its remaining credits."""

    @abstractmethod
    async def upload_photo(
        self, data: bytes, mime_type: str, filename: str = "photo", progress: UploadProgress | None = None
    ) -> Asset:
        """Upload a PNG or JPEG; the returned Asset.ref names it in later requests.

        `progress(sent, total)` is called as the bytes go out (again from 0 if the upload is retried).
        """

    async def upload_asset(self, data: bytes, mime_type: str, filename: str, idempotency_key: str) -> Asset:
        """Upload a file a render uses (the user's own recording, the photo of an image video); the same
        `idempotency_key` again never uploads it twice."""
        raise self.unsupported("Uploading a recording or a photo for a video", "switch to v3 in Settings.")

    # --- avatars and looks ---------------------------------------------------------------------

    @abstractmethod
    async def create_photo_avatar(self, name: str, asset_ref: str, group_id: str | None = None) -> CreatedAvatar:
        """Make a photo avatar from an uploaded photo; with `group_id`, add it to that group as a look."""

    @abstractmethod
    async def add_looks(self, group_id: str, asset_refs: list[str], name: str) -> list[Look] | None:
        """Add uploaded photos as looks of a group (None when HeyGen does not list them back)."""

    @abstractmethod
    async def train(self, group_id: str) -> None:
        """Start training a group so it can make new looks (legacy API only)."""

    @abstractmethod
    async def training_status(self, group_id: str) -> TrainingStatus:
        """How a group's training (v2) or processing (v3) stands."""

    @abstractmethod
    async def generate_photos(self, prompt: PhotoPrompt) -> str:
        """Start generating AI photos of a person; returns the id to pass to generation_status."""

    @abstractmethod
    async def generate_looks(
        self, group_id: str, prompt: str, orientation: Orientation, pose: Pose, style: Style
    ) -> str:
        """Start generating new looks for a group from a prompt; returns the id to pass to generation_status."""

    @abstractmethod
    async def generation_status(self, generation_id: str) -> Generation:
        """How a photo or look generation stands, with its images once done."""

    @abstractmethod
    async def add_motion(self, look_id: str) -> str:
        """Make a moving version of a look; returns the new look's id (legacy API only)."""

    @abstractmethod
    async def add_sound_effect(self, look_id: str) -> None:
        """Add ambient sound to a look (legacy API only)."""

    @abstractmethod
    async def list_groups(
        self, ownership: OwnershipName = "private", token: str | None = None, limit: int = 50
    ) -> Page[AvatarGroup]:
        """One page of avatar groups: your own (private) or HeyGen's presets (public)."""

    @abstractmethod
    async def list_looks(
        self,
        group_id: str | None = None,
        ownership: OwnershipName = "private",
        token: str | None = None,
        limit: int = 50,
    ) -> Page[Look]:
        """One page of looks, of one group or of all groups."""

    @abstractmethod
    async def get_look(self, look_id: str) -> Look:
        """One look."""

    @abstractmethod
    async def rename_look(self, look_id: str, name: str) -> Look:
        """Give a look a new name."""

    @abstractmethod
    async def delete_look(self, look_id: str) -> None:
        """Delete a look."""

    @abstractmethod
    async def get_group(self, group_id: str) -> AvatarGroup:
        """One avatar group."""

    @abstractmethod
    async def delete_group(self, group_id: str) -> None:
        """Delete an avatar group and its looks."""

    @abstractmethod
    async def consent_url(self, group_id: str) -> str:
        """A page the person in the photo opens to approve the avatar (current API only)."""

    # --- voices and videos ---------------------------------------------------------------------

    @abstractmethod
    async def list_voices(
        self, language: str | None = None, gender: str | None = None, token: str | None = None
    ) -> Page[Voice]:
        """One page of voices, optionally of one language or gender."""

    async def generate_speech(
        self, voice_id: str, text: str, speed: float = 1.0, locale: str | None = None
    ) -> SpeechClip:
        """`text` spoken by the voice, with its length and word timings (v3 `POST /v3/voices/speech`)."""
        raise self.unsupported("Listening to a script", "it has no speech endpoint. Switch to v3 in Settings")

    @abstractmethod
    def build_video_request(self, spec: VideoSpec) -> dict[str, Any]:
        """The exact JSON body submit_video would send for `spec`."""

    @abstractmethod
    async def submit_video(self, spec: VideoSpec, idempotency_key: str) -> SubmittedVideo:
        """Start a render. Re-using `idempotency_key` never makes a second video where HeyGen supports it."""

    def build_video_batch_request(self, specs: Sequence[VideoSpec], title: str | None = None) -> dict[str, Any]:
        """The exact JSON body submit_video_batch would send for `specs`."""
        raise self.unsupported("Sending videos in batches", "it takes one video per request")

    async def submit_video_batch(self, specs: Sequence[VideoSpec], title: str | None = None) -> str:
        """Start up to MAX_BATCH_VIDEOS renders in one call (v3 `POST /v3/videos/batches`); returns the batch id.

        HeyGen honours no Idempotency-Key on batches: the call is never re-sent by the client, and a lost answer
        (OutcomeUnknownError) may or may not have made the videos, so look each up by its title before sending it
        again. A video HeyGen refuses refuses the whole batch; InvalidRequestError.field then starts `videos[i]`.
        """
        raise self.unsupported("Sending videos in batches", "it takes one video per request; send them one by one")

    async def video_batch(self, batch_id: str, token: str | None = None) -> VideoBatch:
        """One page of a batch's items (pass `next_token` back for the next), with its status and counts."""
        raise self.unsupported("Following a batch of videos", "it has no batches")

    @abstractmethod
    async def video_status(self, video_id: str) -> VideoStatus:
        """How a render stands, with fresh download URLs once completed."""

    @abstractmethod
    async def video_statuses(self, video_ids: list[str]) -> dict[str, VideoStatus]:
        """Statuses of many renders by id; unknown ids come back as not_found."""

    @abstractmethod
    async def list_videos(self, title: str | None = None, token: str | None = None) -> Page[VideoSummary]:
        """One page of the account's videos, optionally those whose title contains `title`."""

    @abstractmethod
    async def delete_video(self, video_id: str) -> None:
        """Delete a video."""

    # --- shared helpers ------------------------------------------------------------------------

    def explain_video_request(self, spec: VideoSpec) -> list[FieldNote]:
        """What this generation sends instead for the fields of `spec` it has no equivalent for."""
        return explain_mapping(spec, self.generation)

    def check_video_spec(self, spec: VideoSpec) -> None:
        """Raise InvalidRequestError, before anything is sent, for a spec this generation would reject."""
        if not spec.scenes or len(spec.scenes) > self.limits.max_scenes:
            raise InvalidRequestError(
                f"A video needs 1 to {self.limits.max_scenes} scenes; this one has {len(spec.scenes)}.",
                field="scenes",
            )
        if spec.audio_asset_id:  # the user's own recording is what is said: there is no script to check
            return
        for number, scene in enumerate(spec.scenes, start=1):
            if not scene.script.strip():
                raise InvalidRequestError(
                    f"Scene {number} has no script. Type what the avatar should say.", field="script"
                )
            if len(scene.script) > self.limits.max_script_chars:
                raise InvalidRequestError(
                    f"Scene {number}'s script is {len(scene.script)} characters; HeyGen takes at most "
                    f"{self.limits.max_script_chars} per scene. Shorten it or split it into scenes.",
                    field="script",
                )

    def check_prompt(self, text: str, typed: str, field: str) -> None:
        """Raise InvalidRequestError when `text`, the prompt as sent (what the user typed, `typed`, plus whatever the
        app adds to it), is longer than HeyGen takes."""
        limit = self.limits.max_prompt_chars
        if len(text) <= limit:
            return
        added = len(text) - len(typed.strip())
        extra = f", {added} of them the framing and style the app adds to what you typed" if added > 0 else ""
        raise InvalidRequestError(
            f"The description is {len(text)} characters{extra}; HeyGen takes at most {limit}. "
            f"Shorten it by {len(text) - limit} characters and try again.",
            field=field,
        )

    def check_upload(self, data: bytes, mime_type: str) -> None:
        """Raise InvalidRequestError for a file HeyGen would refuse as a photo."""
        if mime_type not in self.limits.upload_mime_types:
            raise InvalidRequestError(
                "HeyGen takes photos as PNG or JPEG. Convert the photo and try again.", field="file"
            )
        if len(data) > self.limits.max_upload_bytes:
            raise InvalidRequestError(
                f"The photo is larger than {self.limits.max_upload_bytes // (1024 * 1024)} MB. "
                "Use a smaller photo and try again.",
                field="file",
            )

    def unsupported(self, what: str, reason: str) -> UnsupportedError:
        """The error for an operation this generation lacks, in plain words."""
        api = "current (v3)" if self.generation == "v3" else "legacy (v2)"
        return UnsupportedError(f"{what} is not available with HeyGen's {api} API: {reason}")
