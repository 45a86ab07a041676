"""The advice contributors' portal: own requests only, due dates and status, advice written
into the right plan sections, late advice accepted with a warning."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Stage
from tests.casework_pages.portal_builders import ADVICE, advice_for, at, make_case
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("casework:advice-list")


def current_lock(advice) -> int:
    """The lock the advice form carries when read now."""
    return AdviceRequest.objects.get(pk=advice.pk).lock


def detail(advice) -> str:
    return reverse("casework:advice-detail", args=[advice.pk])


def send_advice(client, advice, data: dict[str, str]):
    """As a practitioner does: "Continue", then "Send advice" on the check-answers page.

    Returns the response to sending."""
    checked = client.post(detail(advice), {"lock": current_lock(advice), **data, "action": "check"})
    assert checked.status_code == 302, checked.content.decode()
    assert checked.url == detail(advice) + "?action=check"
    check_page = client.get(checked.url)
    assert check_page.status_code == 200
    return client.post(
        detail(advice),
        {"lock": current_lock(advice), "action": "send", "checked": check_page.context["checked"]},
    )


def test_practitioner_sees_request_named_to_them_with_due_date(cast):
    with at(ADVICE):
        advice_for(cast)
        response = cast.client_for(cast.health).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jamie Okonkwo-Test" in page
    assert "25 March 2025" in page
    assert "To do" in page


def test_colleague_in_same_trust_does_not_see_request_named_to_someone_else(cast):
    with at(ADVICE):
        advice_for(cast)
        response = cast.client_for(cast.other_health).get(LIST)
    assert "Jamie Okonkwo-Test" not in response.content.decode()
    assert response.context["page_obj"].paginator.count == 0


def test_request_to_the_trust_with_nobody_named_is_seen_by_nobody_there_until_assigned(cast):
    with at(ADVICE):
        advice_for(cast, named=False)
        response = cast.client_for(cast.other_health).get(LIST)
    assert response.context["page_obj"].paginator.count == 0


def test_overdue_request_is_tagged_overdue_in_words(cast):
    with at(ADVICE):
        advice_for(cast)
    with at(ADVICE.replace(month=4)):
        response = cast.client_for(cast.health).get(LIST)
    page = response.content.decode()
    assert "Overdue" in page
    assert "1 request on this page is overdue" in page


def test_family_cannot_open_the_advice_list(cast):
    response = cast.client_for(cast.parent).get(LIST)
    assert response.status_code == 403


def test_advice_list_wrong_method_is_405(cast):
    assert cast.client_for(cast.health).post(LIST).status_code == 405


def test_advice_list_query_count_does_not_grow_with_requests(cast):
    client = cast.client_for(cast.health)
    with at(ADVICE):
        advice_for(cast)
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as one:
            client.get(LIST)
        for _ in range(5):
            learner = LearnerFactory(responsible_la=cast.la)
            advice_for(cast, case=make_case(cast, Stage.ASSESSING, learner=learner))
        with CaptureQueriesContext(connection) as six:
            response = client.get(LIST)
    assert response.context["page_obj"].paginator.count == 6
    assert len(six) == len(one) <= 12


def test_health_advice_form_asks_for_sections_c_and_g(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).get(detail(advice))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="section_C"' in page and 'name="section_G"' in page
    assert 'name="section_B"' not in page


def test_ep_advice_form_asks_for_sections_b_and_f(cast):
    with at(ADVICE):
        advice = advice_for(cast, kind=AdviceRequest.Kind.EP)
        page = cast.client_for(cast.health).get(detail(advice)).content.decode()
    assert 'name="section_B"' in page and 'name="section_F"' in page


def test_sending_health_advice_writes_sections_c_and_g(cast):
    with at(ADVICE.replace(day=20)):
        advice = advice_for(cast)
        response = send_advice(
            cast.client_for(cast.health),
            advice,
            {"section_C": "Needs a daily medicine at school.", "section_G": "School nurse, daily."},
        )
    assert response.status_code == 302
    assert response.url == reverse("casework:advice-sent", args=[advice.pk])
    advice.refresh_from_db()
    assert advice.received_on == ADVICE.replace(day=20)
    sections = dict(AdviceSection.objects.values_list("section", "text"))
    assert sections == {"C": "Needs a daily medicine at school.", "G": "School nurse, daily."}


def test_empty_advice_is_refused_beside_the_first_section(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice), {"lock": current_lock(advice), "summary": ""}
        )
    assert response.status_code == 200
    assert response.context["errors"] == [
        {"href": "#section_C", "text": "Write your advice in at least one section"}
    ]
    assert AdviceRequest.objects.get(pk=advice.pk).received_on is None


def test_after_the_due_date_the_form_still_works_and_says_it_is_late(cast):
    with at(ADVICE):
        advice = advice_for(cast)
    with at(ADVICE.replace(month=4, day=1)):
        client = cast.client_for(cast.health)
        page = client.get(detail(advice)).content.decode()
        response = send_advice(client, advice, {"section_C": "Late but useful."})
        sent = client.get(response.url).content.decode()
    assert "This advice is late. It was due on Tuesday 25 March 2025" in page
    assert response.status_code == 302
    assert "recorded as late" in sent


def test_advice_already_sent_is_shown_read_only(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        send_advice(client, advice, {"section_C": "Given."})
        page = client.get(detail(advice)).content.decode()
    assert "The advice sent" in page
    assert "<textarea" not in page


def test_sending_twice_is_refused_with_an_error_summary(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        send_advice(client, advice, {"section_C": "Given."})
        response = client.post(
            detail(advice), {"lock": current_lock(advice), "section_C": "Again.", "action": "check"}
        )
    assert response.status_code == 409
    assert response.context["errors"][0]["text"] == (
        "This advice was sent on 11 February 2025. Advice cannot be changed once it has been sent."
    )
    assert AdviceSection.objects.get().text == "Given."


def test_outsider_practitioner_gets_404_for_a_request(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.other_senco).get(detail(advice))
    assert response.status_code == 404


def test_la_colleague_reads_the_request_but_cannot_send_advice(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.la_colleague)
        page = client.get(detail(advice))
        response = client.post(
            detail(advice), {"lock": current_lock(advice), "section_C": "Not mine to give."}
        )
    assert page.status_code == 200
    assert "Only the person or team asked can send it here" in page.content.decode()
    assert response.status_code == 403


def test_advice_detail_wrong_method_is_405(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).put(detail(advice))
    assert response.status_code == 405


def test_confirmation_before_sending_goes_back_to_the_form(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).get(
            reverse("casework:advice-sent", args=[advice.pk])
        )
    assert response.status_code == 302
    assert response.url == detail(advice)
