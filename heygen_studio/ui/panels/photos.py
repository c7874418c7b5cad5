"""Photos: where the user adds and checks the face photos that become avatars."""

from heygen_studio.ui.panels.base import Panel


class PhotosPanel(Panel):
    title = "Photos"
    icon_name = "photos"
    summary = ("Start here: add a photo of a face. HeyGen Studio checks that it is clear and "
               "facing the camera, then turns it into an avatar that can talk.")
    next_step = "Add a well-lit, front-facing photo of one person to begin."
