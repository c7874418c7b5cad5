"""Renders: the videos being made by HeyGen and the finished ones to watch or save."""

from heygen_studio.ui.panels.base import Panel


class RendersPanel(Panel):
    title = "Renders"
    icon_name = "renders"
    summary = ("Follow your videos while HeyGen makes them, then watch and save the finished "
               "ones. Rendering carries on even if you switch to another step.")
    next_step = "Nothing rendering yet. When your scenes are ready, click Render in Scenes."
