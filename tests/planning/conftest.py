"""A small planning area on top of the standing cast, with the clock frozen.

On 28 November 2026 the planning date is 31 August 2027. The area has:

* Oak Secondary, a special school for ASD aged 11-19 with one vacancy (£30,000 a place);
* Elm Primary, a special school for ASD aged 4-10, full, holding the two transfer learners;
* Far Independent, outside the area, full, holding one learner (£80,000 fee) whose plan is
  due for review before the planning date (so a move is on the table);
* Local Primary, a mainstream strand for every need, with room (£8,000).

Learners in the cast's LA: two ASD transfers (11 on the planning date) at Elm, one ASD
learner of 15 at Far Independent, a transfer with no primary need, and a transfer in
mainstream (not planned unless mainstream is).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from sendplan.casework.models import Plan, PlanVersion, Review
from sendplan.learners.models import Learner, Placement
from sendplan.provision.models import ProvisionStrand, Setting
from tests.factories import (
    LearnerFactory,
    NeedFactory,
    PlacementFactory,
    SettingFactory,
    StrandFactory,
)

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
PLANNING_DATE = dt.date(2027, 8, 31)
PLAN_ISSUED = dt.date(2020, 3, 2)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _queue_only(settings):
    # The database queue with no worker: a queued run waits for a test to compute it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass
class Area:
    oak: ProvisionStrand
    elm: ProvisionStrand
    independent: ProvisionStrand
    mainstream: ProvisionStrand
    transfers: list[Learner]
    in_independent: Learner
    no_need: Learner
    in_mainstream: Learner


def _placed(la, strand, dob, need="ASD", lat=51.45, lon=-0.12, **kw) -> Learner:
    learner = LearnerFactory(
        responsible_la=la, date_of_birth=dob, latitude=lat, longitude=lon, **kw
    )
    if need:
        NeedFactory(learner=learner, code=need, rank=1)
    if strand is not None:
        PlacementFactory(learner=learner, setting=strand.setting, strand=strand)
    return learner


def _due_for_review(learner: Learner) -> Learner:
    """A plan issued years ago whose annual review falls before the planning date: a move is
    on the table (``planning/stability.py``)."""
    plan = Plan.objects.create(
        learner=learner, status=Plan.Status.MAINTAINED, issued_on=dt.date(2020, 3, 2)
    )
    Review.objects.create(plan=plan, due_on=dt.date(2027, 3, 1))
    return learner


@pytest.fixture
def area(cast) -> Area:
    oak = StrandFactory(
        setting=SettingFactory(name="Oak Secondary", latitude=51.46, longitude=-0.11),
        min_age=11,
        max_age=19,
        capacity=10,
        on_roll=9,
        place_funding=10_000,
        top_up=20_000,
        needs=["ASD"],
    )
    elm = StrandFactory(
        setting=SettingFactory(
            name="Elm Primary", latitude=51.44, longitude=-0.12, min_age=4, max_age=10
        ),
        min_age=4,
        max_age=10,
        capacity=10,
        on_roll=10,
        needs=["ASD"],
    )
    independent = StrandFactory(
        setting=SettingFactory(
            name="Far Independent",
            kind=Setting.Kind.INDEPENDENT,
            in_area=False,
            latitude=51.30,
            longitude=-0.30,
        ),
        kind=ProvisionStrand.Kind.INDEPENDENT,
        min_age=5,
        max_age=19,
        capacity=5,
        on_roll=5,
        place_funding=0,
        top_up=0,
        annual_fee=80_000,
        needs=["ASD"],
    )
    mainstream = StrandFactory(
        setting=SettingFactory(name="Local Primary", kind=Setting.Kind.MAINSTREAM),
        kind=ProvisionStrand.Kind.MAINSTREAM,
        min_age=3,
        max_age=18,
        capacity=30,
        on_roll=20,
        place_funding=0,
        top_up=8_000,
        needs=["ASD", "SEMH", "MLD"],
    )
    # The cast's own special school is full, so only the places above are in play.
    ProvisionStrand.objects.filter(setting=cast.setting).update(on_roll=100)
    la = cast.la
    transfers = [
        _placed(la, elm, dt.date(2016, 3, 1), lat=51.445, lon=-0.115),
        _placed(la, elm, dt.date(2015, 9, 1), lat=51.47, lon=-0.10),
    ]
    return Area(
        oak=oak,
        elm=elm,
        independent=independent,
        mainstream=mainstream,
        transfers=transfers,
        in_independent=_due_for_review(_placed(la, independent, dt.date(2012, 1, 1))),
        no_need=_placed(la, None, dt.date(2016, 5, 5), need=None),
        in_mainstream=_placed(la, mainstream, dt.date(2016, 6, 6), need="MLD"),
    )


def plans_naming_their_places() -> None:
    """Give every placed learner without a plan one that names their place: accepting a
    proposal amends its section I (ADR 0139)."""
    for placement in Placement.objects.filter(ended_on__isnull=True).exclude(
        learner__plans__status=Plan.Status.MAINTAINED
    ):
        Plan.objects.create(
            learner_id=placement.learner_id, status=Plan.Status.MAINTAINED, issued_on=PLAN_ISSUED
        )
    for plan in Plan.objects.filter(status=Plan.Status.MAINTAINED, versions__isnull=True):
        placement = Placement.objects.filter(
            learner_id=plan.learner_id, ended_on__isnull=True
        ).first()
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            status=PlanVersion.Status.ISSUED,
            issued_on=plan.issued_on,
            placement_setting_id=placement.setting_id if placement else None,
            placement_strand_id=placement.strand_id if placement else None,
        )
