"""The looks of one avatar group, as a thumbnail grid model."""

from __future__ import annotations

from heygen_studio.api import Look, Status
from heygen_studio.ui.models.filtered_list import FilteredListModel


def status_badge(status: Status | None) -> str:
    """A short word painted on a card that is not ready yet (empty when it is)."""
    if status in (None, Status.COMPLETED):
        return ""
    return {Status.PENDING_CONSENT: "Needs consent", Status.FAILED: "Failed"}.get(status, "Processing…")


class LooksModel(FilteredListModel[Look]):
    def name_of(self, item: Look) -> str:
        return item.name

    def url_of(self, item: Look) -> str | None:
        return item.preview_image_url

    def badge_of(self, item: Look) -> str:
        return "Motion" if item.is_motion and not status_badge(item.status) else status_badge(item.status)

    def remove(self, look_id: str) -> None:
        self.set_items([old for old in self.all_items() if old.id != look_id])
