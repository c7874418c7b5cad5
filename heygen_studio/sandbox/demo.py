"""Demo content: a ready private avatar, public presets (photo and video avatars) from the sample photos, voices."""

from __future__ import annotations

from heygen_studio.resources import sample_photo
from heygen_studio.sandbox import photos
from heygen_studio.sandbox.entities import Asset, Voice
from heygen_studio.sandbox.state import SandboxState

VOICES = (  # Yui and Rafael are not starfish voices: the speech endpoint refuses them, as HeyGen does
    Voice("demo-en-us-ava", "Ava", "English", "female", 220.0),
    Voice("demo-en-us-noah", "Noah", "English", "male", 120.0),
    Voice("demo-en-gb-olivia", "Olivia (British)", "English", "female", 235.0),
    Voice("demo-en-gb-george", "George (British)", "English", "male", 110.0),
    Voice("demo-es-lucia", "Lucía", "Spanish", "female", 210.0),
    Voice("demo-es-mateo", "Mateo", "Spanish", "male", 125.0),
    Voice("demo-fr-camille", "Camille", "French", "female", 215.0),
    Voice("demo-fr-louis", "Louis", "French", "male", 115.0),
    Voice("demo-de-lena", "Lena", "German", "female", 205.0),
    Voice("demo-de-jonas", "Jonas", "German", "male", 118.0),
    Voice("demo-ja-yui", "Yui", "Japanese", "female", 240.0, starfish=False),
    Voice("demo-pt-br-rafael", "Rafael", "Portuguese", "male", 122.0, starfish=False),
)
PRESETS = (  # public groups: name, sample photo, gender, looks, avatar type (photo presets, then video avatars),
    # the engines its looks render on (as on HeyGen, not every look has Avatar III, and only some have Avatar V)
    ("Aria (preset)", "astronaut.png", "female", 2, "photo_avatar", ["avatar_iv", "avatar_iii"]),
    ("Marcus (preset)", "camera.png", "male", 2, "photo_avatar", ["avatar_iv"]),
    ("Whiskers (preset)", "chelsea.png", None, 1, "photo_avatar", ["avatar_iv"]),
    ("Nora (studio avatar)", "astronaut.png", "female", 1, "studio_avatar", ["avatar_iv", "avatar_iii"]),
    ("Theo (digital twin)", "camera.png", "male", 1, "digital_twin", ["avatar_iv", "avatar_iii", "avatar_v"]),
)


def seed(state: SandboxState) -> None:
    """Fill `state` with the demo account's content; counts start from zero afterwards."""
    now = state.now()
    with state.lock:
        for voice in VOICES:
            state.voices[voice.id] = voice
        astronaut = _sample(state, "astronaut.png", now)
        eileen = state.add_group(
            "Eileen (demo)",
            "private",
            now - 3600,
            gender="female",
            default_voice_id="demo-en-us-ava",
            trained_at=now - 3600,
        )
        looks = [state.add_look(eileen, "Eileen — studio", astronaut, now - 3600)]
        looks.append(
            state.add_look(
                eileen,
                "Eileen — warm light",
                state.derive(astronaut, "Eileen warm", 1, now)[0],
                now - 3000,
                source="generated",
            )
        )
        for look in looks:
            look.ready_at = look.created_at
        for name, photo, gender, count, avatar_type, engines in PRESETS:
            group = state.add_group(name, "public", now - 86400, gender=gender, default_voice_id=VOICES[0].id)
            for index, image in enumerate(state.derive(_sample(state, photo, now), name, count, now)):
                title = f"{name.partition(' (')[0]} {index + 1}"
                state.add_look(group, title, image, now - 86400, avatar_type=avatar_type, engines=list(engines))
        state.counts.clear()


def _sample(state: SandboxState, name: str, now: float) -> Asset:
    data = sample_photo(name).read_bytes()
    return photos.store(state, data, photos.check_photo(data), now)
