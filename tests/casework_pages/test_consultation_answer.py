"""A setting answers a consultation in the service: its SENCO finds it from their home page,
reads the draft, and says whether the setting can meet the needs, with reasons; nobody else
can answer for it, and nobody can once the draft is no longer out for comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Consultation
from sendplan.learners.models import AuditEvent
from tests.casework.conftest import DRAFT, at, make_case
from tests.conftest import _member

pytestmark = pytest.mark.django_db

ON = DRAFT + dt.timedelta(days=3)


@pytest.fixture
def consultation(cast) -> Consultation:
    with at(DRAFT):
        case = make_case(cast, Stage.CONSULTING)
        return plan_services.consultation_send(
            case_id=case.pk, setting_id=cast.setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
        )


def _url(consultation) -> str:
    return reverse("casework:consultation", args=[consultation.pk])


def test_the_senco_sees_it_waiting_on_their_home_page_and_in_the_list(cast, consultation):
    with at(ON):
        client = cast.client_for(cast.senco)
        home = client.get(reverse("home")).content.decode()
        listed = client.get(reverse("casework:consultations")).content.decode()
    assert "1 waiting for your answer" in home
    assert _url(consultation) in listed and "Waiting for your answer" in listed
    assert AuditEvent.objects.filter(user=cast.senco, detail__startswith="consultations").exists()


def test_the_senco_answers_and_the_caseworker_sees_it(cast, consultation):
    with at(ON):
        client = cast.client_for(cast.senco)
        page = client.get(_url(consultation)).content.decode()
        assert "Read the draft plan" in page
        response = client.post(
            _url(consultation), {"response": "cannot_meet", "reasons": "No sensory room."}
        )
        assert response.status_code == 302
        answered = client.get(_url(consultation)).content.decode()
    consultation.refresh_from_db()
    assert (consultation.response, consultation.responded_on) == ("cannot_meet", ON)
    assert consultation.reasons == "No sensory room."
    assert "Your answer has been sent to the council." in answered
    with at(ON):
        case_page = cast.client_for(cast.caseworker).get(
            reverse("casework:case", args=[consultation.case_id])
        )
    assert "cannot meet the needs" in case_page.content.decode()


def test_cannot_meet_needs_reasons_and_keeps_what_was_typed(cast, consultation):
    with at(ON):
        response = cast.client_for(cast.senco).post(
            _url(consultation), {"response": "cannot_meet", "reasons": "  "}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say why your setting cannot meet the needs" in page
    assert 'value="cannot_meet" checked' in page
    consultation.refresh_from_db()
    assert consultation.responded_on is None


def test_another_setting_and_a_leaver_cannot_see_or_answer_it(cast, consultation):
    leaver = _member(Role.SETTING_STAFF, cast.setting.organisation, "leaver")
    leaver.memberships.update(ended_on=ON - dt.timedelta(days=1))
    # Another school and a health practitioner: not found. The leaver holds no role at all
    # any more, so every professional page refuses them.
    for user, status in ((cast.other_senco, 404), (cast.health, 404), (leaver, 403)):
        with at(ON):
            client = cast.client_for(user)
            assert client.get(_url(consultation)).status_code == status, user.username
            posted = client.post(_url(consultation), {"response": "can_meet"})
            assert posted.status_code == status, user.username
    consultation.refresh_from_db()
    assert consultation.responded_on is None


def test_the_service_refuses_anyone_but_the_settings_staff(cast, consultation):
    with at(ON), pytest.raises(PermissionDenied, match="own staff"):
        plan_services.consultation_answer(
            consultation_id=consultation.pk, response="can_meet", answered_by=cast.caseworker
        )


def test_no_answer_once_the_draft_is_no_longer_out(cast, consultation):
    with at(ON):
        case_services.case_withdraw(
            case_id=consultation.case_id,
            withdrawn_on=ON,
            reason="Moved",
            changed_by=cast.caseworker,
        )
        # The learner is placed at the SENCO's school, so they still see the learner.
        page = cast.client_for(cast.senco).get(_url(consultation)).content.decode()
        assert "this consultation has closed" in page
        assert "Send your answer" not in page
        with pytest.raises(TransitionRefused):
            plan_services.consultation_answer(
                consultation_id=consultation.pk, response="can_meet", answered_by=cast.senco
            )


def test_once_the_learner_is_no_longer_visible_the_consultation_goes_too(cast, consultation):
    cast.learner.placements.all().delete()
    with at(ON):
        assert cast.client_for(cast.senco).get(_url(consultation)).status_code == 200
        case_services.case_withdraw(
            case_id=consultation.case_id,
            withdrawn_on=ON,
            reason="Moved",
            changed_by=cast.caseworker,
        )
    with at(ON + dt.timedelta(days=1)):
        assert cast.client_for(cast.senco).get(_url(consultation)).status_code == 404
