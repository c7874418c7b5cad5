"""Avatar groups (the people), with their preview, looks count and status."""

from __future__ import annotations

from heygen_studio.api import AvatarGroup
from heygen_studio.ui.models.filtered_list import FilteredListModel
from heygen_studio.ui.models.looks_model import status_badge


class GroupsModel(FilteredListModel[AvatarGroup]):
    def name_of(self, item: AvatarGroup) -> str:
        return item.name

    def url_of(self, item: AvatarGroup) -> str | None:
        return item.preview_image_url

    def created_of(self, item: AvatarGroup) -> int | None:
        return item.created_at

    def badge_of(self, item: AvatarGroup) -> str:
        return status_badge(item.status)

    def subtitle_of(self, item: AvatarGroup) -> str:
        count = item.looks_count
        return "" if count is None else f"{count} look{'s' if count != 1 else ''}"
