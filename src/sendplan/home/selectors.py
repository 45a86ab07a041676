"""Reads for the home page: what each kind of user comes for, counted through the scopes."""

from __future__ import annotations

from dataclasses import dataclass

from sendplan.accounts.models import User
from sendplan.learners.access import coordinating
from sendplan.learners.models import Learner
from sendplan.learners.selectors import learners_visible_to


@dataclass(frozen=True)
class HomeSummary:
    visible_count: int
    caseload_count: int
    #: The family's own children (or the young person themselves), for direct links.
    family_learners: tuple[Learner, ...]


def home_summary(*, fetched_by: User, family: bool) -> HomeSummary:
    """Counts for the home page, all within what the user may already see."""
    visible = learners_visible_to(fetched_by=fetched_by)
    return HomeSummary(
        visible_count=visible.count(),
        caseload_count=visible.filter(coordinating(fetched_by)).count(),
        family_learners=tuple(visible.order_by("given_name")[:10]) if family else (),
    )
