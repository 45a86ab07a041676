"""Builders shared by the work tray, case page and dashboard tests (not collected)."""

from __future__ import annotations

import datetime as dt

from sendplan.casework.case.models import Case, Stage
from tests.casework.conftest import TODAY, at, make_case
from tests.factories import LearnerFactory

__all__ = ["TODAY", "at", "case_for_new_learner", "make_case", "overdue_at_risk_and_due_soon"]


def case_for_new_learner(cast, stage: str, *, received_on: dt.date, name: str) -> Case:
    """A case for a fresh learner in the cast's LA, walked by the services to ``stage``."""
    given, _, family = name.partition(" ")
    learner = LearnerFactory(given_name=given, family_name=family, responsible_la=cast.la)
    return make_case(cast, stage, learner=learner, received_on=received_on)


def overdue_at_risk_and_due_soon(cast) -> dict[str, Case]:
    """On TODAY (2 June 2025): one case in each tray group, each with a distinct learner.

    - overdue: request on 6 January, no decision (6 weeks passed on 17 February);
    - at risk: assessing, final plan due in 14 days but no draft yet (needs 20 days);
    - due soon: request 40 days ago, decision due in 2 days.
    """
    return {
        "overdue": case_for_new_learner(
            cast, Stage.REQUESTED, received_on=dt.date(2025, 1, 6), name="Olive Overdue-Test"
        ),
        "at_risk": case_for_new_learner(
            cast,
            Stage.ASSESSING,
            received_on=TODAY - dt.timedelta(weeks=20) + dt.timedelta(days=14),
            name="Ari Atrisk-Test",
        ),
        "due_soon": case_for_new_learner(
            cast,
            Stage.REQUESTED,
            received_on=TODAY - dt.timedelta(days=40),
            name="Dee Duesoon-Test",
        ),
    }
