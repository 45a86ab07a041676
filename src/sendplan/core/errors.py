from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sendplan.core.dates import govuk_time

__all__ = ["Http404", "PermissionDenied", "StaleEdit"]

#: What a stale save asks of the user, unless the page has a better next step.
KEEP_TYPED = (
    "Your changes have not been saved: check what is saved now, then save again "
    "if they are still needed"
)


class StaleEdit(Exception):
    """Someone else saved the same record since this user read it (optimistic locking).

    Services raise it (through :func:`sendplan.core.locking.lock_check`); pages show
    :meth:`message`, re-show what the user typed and take the new lock, so saving again is a
    deliberate choice to replace the other person's change.
    """

    def __init__(self, *, changed_by: str, changed_at: dt.datetime | None) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.message())

    @classmethod
    def of(cls, row: object, *, by: str = "modified_by", at: str = "modified_at") -> StaleEdit:
        """The refusal for a row someone else saved: its ``modified_by`` and ``modified_at``
        (or the fields named, for a part of a row with its own stamp, such as a draft).

        Read after the row is locked, without a join: PostgreSQL re-reads a row changed
        under ``FOR UPDATE`` but not the rows outer-joined to it.
        """
        who = getattr(row, by, None)
        name = getattr(who, "display_name", "") or "someone else"
        return cls(changed_by=name, changed_at=getattr(row, at, None))

    def message(self, *, what: str = "this record", then: str = KEEP_TYPED) -> str:
        """Who changed ``what`` and when (GOV.UK time), then what the user should do:
        "Sam Jones changed this plan at 9:30am on 5 January 2026. Your changes ...".

        The one wording of a refused stale save; pages name the thing and, where the
        next step is not simply saving again, say what it is.
        """
        when = govuk_time(self.changed_at) or "an unknown time"
        text = f"{self.changed_by} changed {what} at {when}. {then}"
        return text[0].upper() + text[1:]
