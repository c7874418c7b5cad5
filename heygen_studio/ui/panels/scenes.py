"""Scenes: where the user writes what the avatar says and picks a voice for each scene."""

from heygen_studio.ui.panels.base import Panel


class ScenesPanel(Panel):
    title = "Scenes"
    icon_name = "scenes"
    summary = ("Write what your avatar says. Each scene is one avatar, one voice and a short "
               "script; you see how long it runs and how many credits it costs before you render.")
    next_step = "Choose an avatar in Library, then type the script for your first scene here."
