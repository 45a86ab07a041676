from django.core.exceptions import PermissionDenied
from django.http import Http404

__all__ = ["Http404", "PermissionDenied", "StaleEdit"]


class StaleEdit(Exception):
    """Someone else saved the same record since this user read it (optimistic locking)."""

    def __init__(self, *, changed_by: str, changed_at: object) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(f"changed by {changed_by} at {changed_at}")
