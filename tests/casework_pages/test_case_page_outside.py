"""The case page: the caseworker reads each piece of advice received, and sees which
requests and consultations reach nobody in the service, so the answer must come by post."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.accounts.models import Organisation
from sendplan.casework.advice import services as advice_services
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from tests.casework_pages.portal_builders import ADVICE, DRAFT, advice_for, at, make_case
from tests.factories import OrganisationFactory, SettingFactory

pytestmark = pytest.mark.django_db

NOBODY_ADVICE = "Nobody there can answer in the service."
NOBODY_SETTING = "Nobody at this setting uses the service."


def _case_page(cast, case, day) -> str:
    with at(day):
        response = cast.client_for(cast.caseworker).get(reverse("casework:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_caseworker_reads_advice_received_from_the_case_page(cast):
    received = ADVICE + dt.timedelta(days=20)
    with at(received):
        advice = advice_for(cast)
        advice_services.advice_submit(
            advice_request_id=advice.pk,
            received_on=received,
            changed_by=cast.health,
            sections={"C": "Glue ear; hearing checked yearly."},
        )
    page = _case_page(cast, advice.case, received)
    link = reverse("casework:advice-detail", args=[advice.pk])
    assert f'href="{link}">Read the advice' in page
    with at(received):
        read = cast.client_for(cast.caseworker).get(link)
    assert read.status_code == 200
    assert "Glue ear; hearing checked yearly." in read.content.decode()


def test_a_request_to_an_organisation_nobody_uses_is_flagged(cast):
    quiet = OrganisationFactory(
        name="Community paediatrics (no accounts)", kind=Organisation.Kind.HEALTH
    )
    with at(ADVICE):
        case = make_case(cast, Stage.ASSESSING)
        advice_services.advice_request(
            case_id=case.pk,
            kind="health",
            organisation_id=quiet.pk,
            requested_on=ADVICE,
            changed_by=cast.caseworker,
        )
    assert NOBODY_ADVICE in _case_page(cast, case, ADVICE)


def test_a_request_to_a_named_practitioner_is_not_flagged(cast):
    with at(ADVICE):
        advice = advice_for(cast)
    assert NOBODY_ADVICE not in _case_page(cast, advice.case, ADVICE)


def test_a_consultation_with_a_setting_without_staff_is_flagged(cast):
    no_accounts = SettingFactory(name="Riverside College", organisation=None)
    with at(DRAFT):
        case = make_case(cast, Stage.CONSULTING)
        for setting in (no_accounts, cast.setting):
            plan_services.consultation_send(
                case_id=case.pk, setting_id=setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
            )
    page = _case_page(cast, case, DRAFT)
    assert page.count(NOBODY_SETTING) == 1
    rows = page[page.index("Settings consulted") :].split("<tr")
    riverside = next(r for r in rows if "Riverside College" in r)
    ours = next(r for r in rows if "Test Special School" in r)
    assert NOBODY_SETTING in riverside and NOBODY_SETTING not in ours
