"""Settings: the HeyGen account (API key, API version) and app preferences."""

from heygen_studio.ui.panels.base import Panel


class SettingsPanel(Panel):
    title = "Settings"
    icon_name = "settings"
    summary = ("Connect your HeyGen account: paste your API key from heygen.com and choose the "
               "API version. Your key is kept in your computer's secure keychain, never in a file.")
    next_step = ("Paste your HeyGen API key here to connect your account. You can find it in "
                 "your account settings on heygen.com.")
