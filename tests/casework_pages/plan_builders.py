"""Builders shared by the plan and review page tests (not collected)."""

from __future__ import annotations

import datetime as dt

from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Plan, PlanVersion, Section
from tests.casework.conftest import FINAL, TODAY, at, make_case
from tests.factories import LearnerFactory

__all__ = ["FINAL", "TODAY", "amendment_draft", "at", "issued_plan", "plan_for_new_learner"]


def issued_plan(cast, *, learner=None, received_on: dt.date | None = None) -> Plan:
    """A plan issued by the services (version 1, issued 12 May 2025 for the default dates)."""
    kwargs = {"learner": learner}
    if received_on is not None:
        kwargs["received_on"] = received_on
    case = make_case(cast, Stage.FINAL_ISSUED, **kwargs)
    return Plan.objects.get(case=case)


def plan_for_new_learner(cast, *, name: str, date_of_birth: dt.date, **kwargs) -> Plan:
    given, _, family = name.partition(" ")
    learner = LearnerFactory(
        given_name=given, family_name=family, responsible_la=cast.la, date_of_birth=date_of_birth
    )
    return issued_plan(cast, learner=learner, **kwargs)


def amendment_draft(cast, plan: Plan) -> PlanVersion:
    """A second version opened as a copy of the first, as after a review decision to amend."""
    draft = plan_services.plan_version_new_draft(plan_id=plan.pk, changed_by=cast.caseworker)
    plan_services.plan_need_save(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        section=Section.C,
        text="Needs a quiet space to eat.",
    )
    draft.refresh_from_db()
    return draft
