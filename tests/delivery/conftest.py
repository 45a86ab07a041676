"""An issued plan for the cast's learner with rows the delivery log reads: one delivered by
the school (named in section I), one by the health trust, one whose words say no amount."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from sendplan.casework.plans.models import Plan, PlanProvision, PlanVersion
from sendplan.delivery.models import Commitment
from sendplan.delivery.services import commitments_sync

ISSUED = dt.date(2026, 9, 1)
#: A Saturday in the autumn term: the last complete week starts Monday 23 November.
TODAY = dt.date(2026, 12, 5)
WEEKS = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)]


@dataclass
class Issued:
    plan: Plan
    version: PlanVersion
    speech: Commitment  # 30 minutes twice a week, by the school
    therapy: Commitment  # 45 minutes fortnightly, by the health trust
    group: Commitment  # "as needed": not quantified


def row(version: PlanVersion, section: str, what: str, much: str, often: str, who: str, org=None):
    return PlanProvision.objects.create(
        version=version, section=section, what=what, how_much=much, how_often=often,
        delivered_by=who, delivered_by_organisation=org,
    )  # fmt: skip


def issue_plan(cast, *, learner=None, issued_on: dt.date = ISSUED) -> Issued:
    learner = learner or cast.learner
    plan = Plan.objects.create(learner=learner, status=Plan.Status.MAINTAINED, issued_on=issued_on)
    version = PlanVersion.objects.create(
        plan=plan, number=1, status=PlanVersion.Status.ISSUED, issued_on=issued_on,
        placement_setting=cast.setting,
    )  # fmt: skip
    health_org = cast.health.memberships.get().organisation
    speech = row(version, "F", "Speech and language work", "30 minutes", "twice a week",
                 "Teaching assistant trained by the therapist")  # fmt: skip
    therapy = row(version, "G", "Occupational therapy", "45 minutes", "fortnightly",
                  "Occupational therapist", health_org)  # fmt: skip
    group = row(version, "F", "Social skills group", "as needed", "regularly", "Learning mentor")
    commitments_sync(plan_id=plan.pk, changed_by=cast.caseworker, today=issued_on)
    by_row = {c.provision_id: c for c in plan.commitments.all()}
    return Issued(plan, version, by_row[speech.pk], by_row[therapy.pk], by_row[group.pk])


@pytest.fixture
def issued(cast) -> Issued:
    return issue_plan(cast)
