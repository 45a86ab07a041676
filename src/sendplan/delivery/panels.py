"""What the delivery log adds to casework's pages (``web.panels``): shortfalls in the work
tray, the manager's link from the casework dashboard, and delivery on the plan page."""

from __future__ import annotations

import datetime as dt

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Role, User
from sendplan.casework.plans.models import Plan
from sendplan.delivery import selectors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.panels import Panel, register_panel


def tray_panel(*, user: User, today: dt.date, **_: object) -> Panel | None:
    """The caseworker's rows delivered below the threshold, and rows to quantify."""
    shortfalls = selectors.caseload_shortfalls(fetched_by=user, today=today)
    to_quantify = selectors.to_quantify(fetched_by=user, today=today).count()
    if shortfalls:
        audit_record(
            user=user,
            action=AuditEvent.Action.LIST,
            detail=f"work tray, {len(shortfalls)} provision rows in shortfall",
        )
    return Panel(
        "delivery/panels/tray.html",
        {
            "shortfalls": shortfalls,
            "to_quantify": to_quantify,
            "threshold": selectors.threshold(),
            "weeks": selectors.window_weeks(),
        },
    )


def dashboard_panel(*, user: User, today: dt.date, **_: object) -> Panel | None:
    if not standing_for(user).roles & {Role.LA_MANAGER, Role.ADMIN}:
        return None
    return Panel("delivery/panels/dashboard.html", {"threshold": selectors.threshold()})


def plan_panel(*, user: User, plan: Plan, today: dt.date, **_: object) -> Panel | None:
    """What was delivered of the plan in force; the plan page has audited the read."""
    if plan.status != Plan.Status.MAINTAINED:
        return None
    delivery = selectors.plan_delivery(plan=plan, today=today)
    if not delivery.rows and not delivery.unquantified:
        return None
    return Panel(
        "delivery/panels/plan.html",
        {
            "delivery": delivery,
            "family": standing_for(user).is_family,
            "threshold": selectors.threshold(),
            "weeks": selectors.window_weeks(),
        },
    )


def register() -> None:
    register_panel("casework:tray", tray_panel)
    register_panel("casework:dashboard", dashboard_panel)
    register_panel("casework:plan", plan_panel)
