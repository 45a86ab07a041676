"""The nowcast's counts from the live record, and the table on the sufficiency page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.casework.models import Case, Plan
from sendplan.casework.plans.models import CeaseReason
from sendplan.sufficiency import selectors
from tests.casework.conftest import at
from tests.factories import LearnerFactory
from tests.sufficiency.test_money import _cells

ON = dt.date(2026, 10, 1)


def _case(la, stage, received, **fields):
    return Case.objects.create(
        learner=LearnerFactory(responsible_la=la),
        received_on=received,
        source=Case.Source.PARENT,
        requested_by="mother",
        stage=stage,
        **fields,
    )


def _plan(la, born, **fields):
    fields.setdefault("status", Plan.Status.MAINTAINED)
    fields.setdefault("issued_on", dt.date(2020, 1, 1))
    return Plan.objects.create(
        learner=LearnerFactory(responsible_la=la, date_of_birth=born), **fields
    )


def test_the_live_record_is_counted_on_the_day(cast):
    before = selectors.live_record(fetched_by=cast.la_colleague, on=ON)
    la = cast.la
    _case(la, Stage.REQUESTED, dt.date(2026, 9, 1))
    _case(
        la,
        Stage.CONSULTING,
        dt.date(2026, 5, 1),
        decision_on=dt.date(2026, 6, 1),
        assess=True,
        draft_issued_on=dt.date(2026, 8, 1),
    )
    _case(la, Stage.REQUESTED, dt.date(2026, 11, 1))  # after the day: not yet received
    _case(
        la,
        Stage.NOT_ASSESSING,
        dt.date(2026, 2, 1),
        decision_on=dt.date(2026, 3, 1),
        assess=False,
        rights_given=True,
    )
    _case(
        la,
        Stage.FINAL_ISSUED,
        dt.date(2025, 2, 1),
        decision_on=dt.date(2025, 3, 1),
        assess=True,
        draft_issued_on=dt.date(2025, 5, 1),
        final_issued_on=dt.date(2025, 6, 1),
    )
    _case(cast.other_la, Stage.REQUESTED, dt.date(2026, 9, 1))  # another LA's
    _plan(la, dt.date(2002, 3, 4))  # 25 in March 2027
    _plan(la, dt.date(2015, 1, 1), cease_decided_on=dt.date(2026, 9, 20))
    _plan(
        la,
        dt.date(2010, 1, 1),
        status=Plan.Status.CEASED,
        ceased_on=dt.date(2026, 1, 1),
        cease_reason=CeaseReason.NEEDS_MET,
    )
    _plan(
        la,
        dt.date(2000, 1, 1),
        status=Plan.Status.CEASED,
        ceased_on=dt.date(2025, 7, 31),
        cease_reason=CeaseReason.MAXIMUM_AGE,
    )
    _plan(cast.other_la, dt.date(2002, 3, 4))
    live = selectors.live_record(fetched_by=cast.la_colleague, on=ON)
    assert live.plans == before.plans + 2
    assert live.open_cases.get("requested", 0) == before.open_cases.get("requested", 0) + 1
    assert live.open_cases.get("drafting", 0) == before.open_cases.get("drafting", 0) + 1
    assert (
        sorted(live.finished)[-2:]
        == sorted([*before.finished, ("requested", False), ("drafting", True)])[-2:]
    )
    assert len(live.finished) == len(before.finished) + 2
    # Received in the year to 1 October 2026: the open request, the draft, the refusal.
    assert live.requests_last_year == before.requests_last_year + 3
    assert live.cease_decided == before.cease_decided + 1
    assert live.ceased_other_last_year == before.ceased_other_last_year + 1
    assert dt.date(2002, 3, 4) in live.birth_dates


def test_the_page_shows_the_live_record_against_the_model(cast, finished_run):
    with at(ON):
        html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:overview")).content
    rows = _cells(html.decode(), "The live record against the published-data model")
    labels = [r[0] for r in rows]
    assert labels == [
        "EHC plans now",
        "New plans in the next 12 months",
        "Plans ceasing in the next 12 months",
        "EHC plans in 12 months",
        "Growth in a year",
    ]
    assert rows[0][1].endswith("on 1 October 2026")
    assert "in January" in rows[0][2] and "80% interval" in rows[3][2]
    assert rows[4][2].endswith("%")


def test_the_live_record_takes_four_queries_however_large(cast, django_assert_num_queries):
    selectors.live_record(fetched_by=cast.la_colleague, on=ON)  # the user's standing settles
    with django_assert_num_queries(4):
        selectors.live_record(fetched_by=cast.la_colleague, on=ON)
    for i in range(5):
        _case(cast.la, Stage.REQUESTED, dt.date(2026, 9, 1 + i))
        _plan(cast.la, dt.date(2010, 1, 1 + i))
    with django_assert_num_queries(4):
        selectors.live_record(fetched_by=cast.la_colleague, on=ON)
