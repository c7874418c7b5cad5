"""A video's files from what was asked: its sound (the scenes' speech or the user's own audio), picture and captions."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from heygen_studio.sandbox import media
from heygen_studio.sandbox.audio_files import decode_audio
from heygen_studio.sandbox.entities import Scene, Video
from heygen_studio.sandbox.speech import Speech, synthesize

if TYPE_CHECKING:
    from heygen_studio.sandbox.state import SandboxState


def scene_speech(scene: Scene) -> Speech:
    """The scene's script in its voice, speed and locale (synthesized once: later calls are answered from a cache)."""
    return synthesize(scene.script, scene.voice_id, scene.speed, scene.locale)


def own_audio(data: bytes) -> media.Soundtrack:
    """An uploaded recording as a sound track; ValueError when it is not audio the sandbox can read."""
    samples, rate = decode_audio(data)
    return media.Soundtrack(samples, rate)


def scene_sound(state: SandboxState, scene: Scene) -> media.Soundtrack:
    """The user's own audio, or the scene's speech."""
    if scene.audio_asset_id:
        return own_audio(state.assets[scene.audio_asset_id].data.get())
    speech = scene_speech(scene)
    return media.Soundtrack(speech.samples, speech.sample_rate)


def soundtrack(state: SandboxState, video: Video) -> media.Soundtrack:
    """Each scene's sound, one after another."""
    return media.Soundtrack.joined([scene_sound(state, scene) for scene in video.scenes])


def shots(state: SandboxState, video: Video) -> list[media.Shot]:
    """Each scene's picture, from when its sound starts."""
    result, clock = [], 0.0
    for scene in video.scenes:
        result.append(media.Shot(clock, picture(state, video, scene)))
        clock += scene_sound(state, scene).duration_s
    return result


def captions(state: SandboxState, video: Video) -> list[media.Caption]:
    """Each scene's phrases, timed by its speech's words, scene after scene (none while the user's own audio plays)."""
    timeline: list[media.Caption] = []
    clock = 0.0
    for scene in video.scenes:
        if scene.audio_asset_id:
            clock += scene_sound(state, scene).duration_s
            continue
        speech = scene_speech(scene)
        timeline += media.captions_for(scene.script, speech.words, clock)
        clock += speech.duration_s
    return timeline


def picture(state: SandboxState, video: Video, scene: Scene) -> media.Picture:
    """What a scene shows: its image (the look's or the one given; a stand-in once it is deleted) fitted on its
    background colour or image, or cut out on nothing for a transparent WebM."""
    look = state.looks.get(scene.look_id)
    asset = state.assets.get(scene.image_asset_id or (look.asset_id if look else ""))
    image = asset.data.get() if asset else media.derive_images(None, video.id, 1)[0]
    background = None if video.output_format == "webm" else media.BACKGROUND
    if background is not None and scene.background:
        background = media.hex_colour(scene.background)
    backdrop = state.assets.get(scene.backdrop_asset_id or "")
    picture = media.Picture(image, video.width, video.height, background, video.fit, video.cut_out)
    return replace(picture, backdrop=backdrop.data.get()) if backdrop else picture


def video_file(state: SandboxState, video: Video, burned: bool) -> bytes:
    """The rendered video in its output format, with its captions burned in when `burned`."""
    timeline = captions(state, video) if burned else []
    return media.render_video(shots(state, video), soundtrack(state, video), timeline, video.output_format)


def thumbnail(state: SandboxState, video: Video) -> bytes:
    """The opening frame of the first scene, as a JPEG."""
    return media.thumbnail_jpeg(picture(state, video, video.scenes[0]))
