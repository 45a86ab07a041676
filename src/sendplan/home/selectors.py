"""Reads for the home page: what each kind of user comes for, counted through the scopes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Role, User
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.advice.selectors import (
    AdviceStatus,
    advice_addressed_to,
    advice_awaiting_assignment,
    advice_status,
)
from sendplan.casework.case.models import Stage
from sendplan.casework.family.selectors import FamilyChild, family_cases
from sendplan.casework.plans.selectors import consultations_for_setting
from sendplan.casework.tray.selectors import Tray, work_tray
from sendplan.delivery.selectors import recordable_commitments
from sendplan.learners.access import coordinating
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_record


@dataclass(frozen=True)
class HomeSummary:
    visible_count: int
    caseload_count: int
    #: The family's own children (or the young person themselves), for direct links.
    family_learners: tuple[Learner, ...]
    #: A coordinator's deadlines overdue, at risk and due this week (counts per group).
    work: Tray | None = None
    #: Each of the family's children with their latest case and plan, if they have one.
    family_rows: tuple[tuple[Learner, FamilyChild | None], ...] = ()
    #: Consultations with the user's settings waiting for an answer (setting staff only).
    consultations_waiting: int = 0
    #: Outstanding requests for advice this user answers (named or assigned), soonest due.
    advice_to_write: tuple[tuple[AdviceRequest, AdviceStatus], ...] = ()
    advice_to_write_count: int = 0
    #: Requests waiting for this user, in the triage role, to assign.
    advice_to_assign: tuple[tuple[AdviceRequest, AdviceStatus], ...] = ()
    advice_to_assign_count: int = 0
    #: Provision rows this user records delivery for (setting staff and practitioners).
    delivery_count: int = 0


#: How many requests for advice the home page lists in each of its two lists.
ADVICE_SHOWN = 10


def home_summary(
    *,
    fetched_by: User,
    family: bool,
    coordinator: bool = False,
    setting_staff: bool = False,
    delivers: bool = False,
    today: dt.date | None = None,
) -> HomeSummary:
    """Counts for the home page, all within what the user may already see."""
    visible = learners_visible_to(fetched_by=fetched_by)
    named = tuple(visible.order_by("given_name")[:10]) if family else ()
    if named:
        # The page names them: a list of learners, audited with its count only.
        audit_record(
            user=fetched_by, action=AuditEvent.Action.LIST, detail=f"home page, {len(named)} named"
        )
    today = today or timezone.localdate()
    to_write = advice_addressed_to(fetched_by=fetched_by, outstanding=True)
    to_assign = advice_awaiting_assignment(fetched_by=fetched_by)
    if Role.ADVICE_TRIAGE not in standing_for(fetched_by).roles:
        to_assign = to_assign.none()
    writing = tuple((a, advice_status(a, today=today)) for a in to_write[:ADVICE_SHOWN])
    assigning = tuple((a, advice_status(a, today=today)) for a in to_assign[:ADVICE_SHOWN])
    if writing or assigning:
        # Both lists name learners: audited with their counts only.
        audit_record(
            user=fetched_by,
            action=AuditEvent.Action.LIST,
            detail=f"home page advice, {len(writing)} to write, {len(assigning)} to assign",
        )
    return HomeSummary(
        visible_count=visible.count(),
        caseload_count=visible.filter(coordinating(fetched_by)).count(),
        family_learners=named,
        family_rows=_family_rows(fetched_by, named) if named else (),
        consultations_waiting=(
            consultations_for_setting(fetched_by=fetched_by)
            .filter(responded_on__isnull=True, case__stage=Stage.CONSULTING)
            .count()
            if setting_staff
            else 0
        ),
        work=work_tray(fetched_by=fetched_by, today=today) if coordinator else None,
        advice_to_write=writing,
        advice_to_write_count=to_write.count() if writing else 0,
        advice_to_assign=assigning,
        advice_to_assign_count=to_assign.count() if assigning else 0,
        delivery_count=(
            recordable_commitments(fetched_by=fetched_by, today=today).count() if delivers else 0
        ),
    )


def _family_rows(
    user: User, named: tuple[Learner, ...]
) -> tuple[tuple[Learner, FamilyChild | None], ...]:
    children = {child.learner.pk: child for child in family_cases(fetched_by=user)}
    return tuple((learner, children.get(learner.pk)) for learner in named)
