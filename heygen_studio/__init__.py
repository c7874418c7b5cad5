"""HeyGen Studio: a desktop app that turns a photo into a talking-avatar video with HeyGen."""

__version__ = "0.1.0"
