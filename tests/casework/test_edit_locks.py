"""Each shared record a form changes refuses a save from a stale read, naming who saved."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.disputes.models import Mediation, Tribunal
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.reviews import services as review_services
from tests.casework.conftest import ADVICE, TODAY, at, make_case

CONTACTED = dt.date(2025, 5, 27)


def _mediation(cast, case, **kwargs) -> Mediation:
    return dispute_services.mediation_record(
        case_id=case.pk,
        about="not_to_assess",
        adviser_contacted_on=CONTACTED,
        changed_by=kwargs.pop("by", cast.caseworker),
        **kwargs,
    )


def test_a_mediation_changed_since_it_was_read_is_not_overwritten(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    mediation = _mediation(cast, case)
    read = mediation.lock
    _mediation(
        cast,
        case,
        mediation_id=mediation.pk,
        expected_lock=read,
        notes="Theirs",
        by=cast.la_colleague,
    )
    with pytest.raises(StaleEdit) as refused:
        _mediation(cast, case, mediation_id=mediation.pk, expected_lock=read, notes="Mine")
    assert refused.value.changed_by == cast.la_colleague.display_name
    assert Mediation.objects.get(pk=mediation.pk).notes == "Theirs"


def test_a_saved_mediation_is_not_changed_without_the_lock_it_was_read_at(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    mediation = _mediation(cast, case)
    with pytest.raises(TypeError):
        _mediation(cast, case, mediation_id=mediation.pk, notes="Mine")


def test_an_appeal_changed_since_it_was_read_is_not_overwritten(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    args = {"case_id": case.pk, "about": "not_to_assess"}
    appeal = dispute_services.tribunal_record(
        **args, registered_on=dt.date(2025, 4, 1), changed_by=cast.caseworker
    )
    read = appeal.lock
    dispute_services.tribunal_record(
        **args,
        appeal_id=appeal.pk,
        expected_lock=read,
        registered_on=dt.date(2025, 4, 2),
        changed_by=cast.la_colleague,
    )
    with pytest.raises(StaleEdit):
        dispute_services.tribunal_record(
            **args,
            appeal_id=appeal.pk,
            expected_lock=read,
            registered_on=dt.date(2025, 4, 3),
            changed_by=cast.caseworker,
        )
    assert Tribunal.objects.get(pk=appeal.pk).registered_on == dt.date(2025, 4, 2)


def test_an_order_done_is_recorded_once(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=dt.date(2025, 4, 1),
        changed_by=cast.caseworker,
    )
    order = dispute_services.tribunal_order_record(
        appeal_id=appeal.pk,
        kind="other",
        description="Send the advice",
        due_on=TODAY,
        changed_by=cast.caseworker,
    )
    comply = {"case_id": case.pk, "order_id": order.pk, "changed_by": cast.caseworker}
    dispute_services.tribunal_order_comply(**comply, complied_on=dt.date(2025, 5, 30))
    with pytest.raises(TransitionRefused, match="already recorded as done on 30 May 2025"):
        dispute_services.tribunal_order_comply(**comply, complied_on=TODAY)


def test_a_review_scheduled_since_it_was_read_is_not_overwritten(cast):
    with at(dt.date(2026, 9, 1)):
        plan = make_case(cast, Stage.FINAL_ISSUED).plan
        review = plan.reviews.get(decided_on__isnull=True)
        read = review.lock
        meeting = {"plan_id": plan.pk, "invitations_sent_on": dt.date(2026, 9, 1)}
        review_services.review_schedule(
            **meeting,
            meeting_on=dt.date(2026, 10, 1),
            expected_lock=read,
            changed_by=cast.la_colleague,
        )
        with pytest.raises(StaleEdit):
            review_services.review_schedule(
                **meeting,
                meeting_on=dt.date(2026, 10, 8),
                expected_lock=read,
                changed_by=cast.caseworker,
            )
    assert plan.reviews.get(decided_on__isnull=True).meeting_on == dt.date(2026, 10, 1)


def test_an_advice_draft_saved_since_it_was_read_is_not_overwritten(cast, frozen, health_org):
    # The practitioner asked, with the draft open in two tabs: the older tab's save is refused.
    case = make_case(cast, Stage.ASSESSING)
    advice = advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        requested_on=ADVICE,
        practitioner=cast.health,
        changed_by=cast.caseworker,
    )
    read = advice.lock
    advice_services.advice_draft_save(
        advice_request_id=advice.pk,
        changed_by=cast.health,
        sections={"C": "Theirs"},
        expected_lock=read,
    )
    with pytest.raises(StaleEdit) as refused:
        advice_services.advice_draft_save(
            advice_request_id=advice.pk,
            changed_by=cast.health,
            sections={"C": "Mine"},
            expected_lock=read,
        )
    # The draft's own stamp says who: the request itself was last changed by the caseworker.
    assert refused.value.changed_by == cast.health.display_name
    assert AdviceRequest.objects.get(pk=advice.pk).draft["sections"] == {"C": "Theirs"}
