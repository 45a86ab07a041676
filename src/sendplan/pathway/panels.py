"""What the pathway adds to casework's pages (``web.panels``): the Care Act assessments to
ask for and the plans of young people 19 or over with no recent review decision, in the
caseworker's work tray."""

from __future__ import annotations

import datetime as dt

from sendplan.accounts.models import User
from sendplan.pathway.selectors import pathway_actions
from sendplan.web.panels import Panel, register_panel


def tray_panel(*, user: User, today: dt.date, **_: object) -> Panel | None:
    actions = pathway_actions(fetched_by=user, today=today)
    if not actions.count:
        return None
    return Panel("pathway/_tray_panel.html", {"actions": actions})


def register() -> None:
    register_panel("casework:tray", tray_panel)
