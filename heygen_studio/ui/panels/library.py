"""Library: the avatars and looks made from the user's photos, plus HeyGen's public ones."""

from heygen_studio.ui.panels.base import Panel


class LibraryPanel(Panel):
    title = "Library"
    icon_name = "library"
    summary = ("Your avatars live here: each photo you turned into an avatar, with its different "
               "looks. Pick the one you want to make talk.")
    next_step = "No avatars yet. Add a photo in Photos first, then come back to choose it."
