"""Reads for the home page: what each kind of user comes for, counted through the scopes."""

from __future__ import annotations

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
    #: Outstanding requests for advice this user answers (named or assigned), soonest due.
    advice_to_write: tuple[tuple[AdviceRequest, AdviceStatus], ...] = ()
    advice_to_write_count: int = 0
    #: Requests waiting for this user, in the triage role, to assign.
    advice_to_assign: tuple[tuple[AdviceRequest, AdviceStatus], ...] = ()
    advice_to_assign_count: int = 0


#: How many requests for advice the home page lists in each of its two lists.
ADVICE_SHOWN = 10


def home_summary(*, fetched_by: User, family: bool) -> HomeSummary:
    """Counts for the home page, all within what the user may already see."""
    visible = learners_visible_to(fetched_by=fetched_by)
    named = tuple(visible.order_by("given_name")[:10]) if family else ()
    if named:
        # The page names them: a list of learners, audited with its count only.
        audit_record(
            user=fetched_by, action=AuditEvent.Action.LIST, detail=f"home page, {len(named)} named"
        )
    today = timezone.localdate()
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
        advice_to_write=writing,
        advice_to_write_count=to_write.count() if writing else 0,
        advice_to_assign=assigning,
        advice_to_assign_count=to_assign.count() if assigning else 0,
    )
