"""The front door's pages: the request asked one question at a time from the home page, kept
in the session until sent, checked with change links, and confirmed with a reference; and
the caseworker's tray and confirmation page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.case.models import Case
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.documents.models import Document
from sendplan.learners.models import AuditEvent, Learner
from tests.casework.conftest import at
from tests.casework.front_door_builders import (
    RECEIVED,
    send_for_new_child,
)
from tests.documents.files import PDF, upload
from tests.factories import LearnerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = reverse("casework:request-start")
CHECK = reverse("casework:request-check")
SENT = reverse("casework:request-sent")


def step(name: str) -> str:
    return reverse("casework:request-step", args=[name])


CHILD = {
    "given_name": "Amira",
    "family_name": "Khan-Test",
    "date_of_birth_day": "4",
    "date_of_birth_month": "3",
    "date_of_birth_year": "2016",
    "postcode": "se1 7pb",
    "school": "Riverside Primary",
}


def test_the_home_pages_offer_the_request_to_those_who_may_ask(cast):
    for user in (cast.parent, cast.senco):
        body = cast.client_for(user).get(reverse("home")).content.decode()
        assert f'href="{START}"' in body
    for user in (cast.caseworker, cast.health):
        assert f'href="{START}"' not in cast.client_for(user).get(reverse("home")).content.decode()


def test_only_those_who_may_ask_open_the_request(cast, council):
    assert cast.client_for(cast.parent).get(START).status_code == 200
    assert cast.client_for(cast.health).get(START).status_code == 403
    assert cast.client_for(cast.caseworker).get(START).status_code == 403
    assert cast.client_for(cast.parent).put(START).status_code == 405
    # No request started: the questions are not there.
    assert cast.client_for(cast.parent).get(step("needs")).status_code == 404
    assert cast.client_for(cast.parent).get(CHECK).status_code == 404


def test_the_start_page_takes_the_time_limit_from_the_engine(cast, council):
    body = cast.client_for(cast.parent).get(START).content.decode()
    assert "within 6 weeks of receiving your request" in body


def test_a_parent_asks_for_a_child_not_listed_one_question_at_a_time(
    cast, council, mailoutbox, django_capture_on_commit_callbacks
):
    client = cast.client_for(cast.parent)
    with at(RECEIVED):
        response = client.post(START)
        assert response.url == step("who")
        who = client.get(step("who")).content.decode()
        assert "Jamie Okonkwo-Test" in who and "A child not listed here" in who
        assert client.post(step("who"), {"child": "new"}).url == step("child")
        # Mistakes are shown beside the field, with what was typed kept.
        wrong = client.post(step("child"), {**CHILD, "given_name": "", "postcode": "nowhere"})
        assert wrong.status_code == 200
        body = wrong.content.decode()
        assert "There is a problem" in body
        assert "Enter the child&#x27;s first name" in body
        assert "Enter a real postcode, like SE1 7PB" in body
        assert 'value="Khan-Test"' in body and 'value="Riverside Primary"' in body
        assert client.post(step("child"), CHILD).url == step("needs")
        assert client.post(step("needs"), {"needs": "She is not talking yet."}).url == step("tried")
        assert client.post(step("tried"), {"tried": ""}).url == step("evidence")
        added = client.post(step("evidence"), {"upload": upload("nursery report.pdf", PDF)})
        assert added.status_code == 302
        assert "nursery report.pdf" in client.get(step("evidence")).content.decode()
        assert client.post(step("evidence"), {"continue": "1"}).url == CHECK
        # Nothing is recorded until the request is sent.
        assert not Case.objects.exists()
        assert not Learner.objects.filter(provisional=True).exists()
        check = client.get(CHECK).content.decode()
        for answer in ("Amira Khan-Test", "4 March 2016", "SE1 7PB", "She is not talking yet."):
            assert answer in check
        assert f'href="{step("needs")}?change=1"' in check
        # A change goes back to the check page.
        changed = client.post(step("needs"), {"needs": "She does not talk yet.", "change": "1"})
        assert changed.url == CHECK
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(CHECK)
        assert sent.url == SENT
        done = client.get(SENT).content.decode()
        # The answers went with the request: the check page has nothing to show.
        assert client.get(CHECK).status_code == 404
    request = AssessmentRequest.objects.get()
    assert request.needs == "She does not talk yet."
    assert request.case.received_on == RECEIVED
    assert request.case.learner.provisional
    assert Document.objects.get(case=request.case).original_filename == "nursery report.pdf"
    assert request.reference in done
    assert "17 February 2025" in done
    assert "within 6 weeks" in done
    assert [m.to for m in mailoutbox] == [[cast.parent.email]]


def test_the_check_page_of_a_child_on_record_audits_the_read(cast, council):
    client = cast.client_for(cast.parent)
    with at(RECEIVED):
        client.post(START)
        client.post(step("who"), {"child": str(cast.learner.pk)})
        client.post(step("needs"), {"needs": "He is struggling."})
        body = client.get(CHECK).content.decode()
    assert "Jamie Okonkwo-Test" in body
    assert AuditEvent.objects.filter(user=cast.parent, learner=cast.learner).exists()


def test_a_senco_is_asked_for_the_upn_and_whether_the_family_know(cast, council):
    client = cast.client_for(cast.senco)
    with at(RECEIVED):
        assert client.post(START).url == step("child")
        body = client.get(step("child")).content.decode()
        assert "Unique pupil number (UPN) (optional)" in body
        bad = client.post(step("child"), {**CHILD, "upn": "123"})
        assert "Enter a UPN of 13 characters" in bad.content.decode()
        client.post(step("child"), {**CHILD, "upn": "a123456789012"})
        client.post(step("needs"), {"needs": "Needs beyond what we can give."})
        client.post(step("tried"), {"tried": "A year of SEN support."})
        assert client.post(step("evidence"), {"continue": "1"}).url == step("family")
        missing = client.post(step("family"), {})
        assert "Select whether the family know you are asking" in missing.content.decode()
        assert client.post(step("family"), {"family_aware": "yes"}).url == CHECK
        assert client.post(CHECK).url == SENT
    request = AssessmentRequest.objects.get()
    assert request.upn == "A123456789012"
    assert request.case.source == Case.Source.SETTING


# The caseworker's side.


def test_the_tray_lists_new_requests_to_confirm(cast, council):
    with at(RECEIVED):
        sent = send_for_new_child(cast)
        body = cast.client_for(cast.caseworker).get(reverse("casework:tray")).content.decode()
    assert "New requests to confirm" in body
    assert reverse("casework:request-confirm", args=[sent.pk]) in body


def test_the_confirmation_page_shows_the_duplicate_check_with_reasons(cast, council):
    twin = LearnerFactory(
        given_name="Amira",
        family_name="Khan-Test",
        date_of_birth=dt.date(2016, 3, 4),
        responsible_la=cast.la,
    )
    with at(RECEIVED):
        sent = send_for_new_child(cast)
        url = reverse("casework:request-confirm", args=[sent.pk])
        body = cast.client_for(cast.caseworker).get(url).content.decode()
        assert "Duplicate check" in body
        assert "Same date of birth" in body and "Same first name" in body
        assert f'value="{twin.pk}"' in body
        assert cast.client_for(cast.la_colleague).get(url).status_code == 403
        outsider = MembershipFactory(
            user=UserFactory(username="far"), organisation=cast.other_la, role=Role.LA_CASEWORKER
        ).user
        assert cast.client_for(outsider).get(url).status_code == 404
        assert cast.client_for(cast.parent).get(url).status_code == 403
        nothing = cast.client_for(cast.caseworker).post(url, {})
        assert nothing.status_code == 400
        merged = cast.client_for(cast.caseworker).post(url, {"same_as": str(twin.pk)})
    sent.refresh_from_db()
    assert merged.url == reverse("casework:case", args=[sent.case_id])
    assert sent.case.learner == twin and sent.merged


def test_confirming_as_new_takes_the_case(cast, council):
    with at(RECEIVED):
        sent = send_for_new_child(cast)
        url = reverse("casework:request-confirm", args=[sent.pk])
        response = cast.client_for(cast.caseworker).post(url, {"same_as": "new"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.case.caseworker == cast.caseworker
    assert not sent.case.learner.provisional


# A request by post, phone or email for a child not on record.

RECORD = reverse("casework:request-record")
BY_POST = {
    **CHILD,
    "upn": "",
    "channel": "post",
    "received_on_day": "6",
    "received_on_month": "1",
    "received_on_year": "2025",
    "source": Case.Source.HEALTH,
    "requested_by": "Community paediatrician",
    "needs": "Letter about speech.",
}


def test_a_request_by_post_is_checked_with_the_duplicate_check_before_the_clock_starts(
    cast, council
):
    twin = LearnerFactory(
        given_name="Amira",
        family_name="Khan-Test",
        date_of_birth=dt.date(2016, 3, 4),
        responsible_la=cast.la,
    )
    client = cast.client_for(cast.caseworker)
    with at(RECEIVED + dt.timedelta(days=2)):
        assert f'href="{RECORD}"' in client.get(reverse("casework:tray")).content.decode()
        assert client.get(RECORD).status_code == 200
        check = client.post(RECORD, BY_POST).content.decode()
        assert "Check the request before recording it" in check
        assert "17 February 2025" in check  # 6 weeks from the day it was received
        assert "Same date of birth" in check and f'value="{twin.pk}"' in check
        assert not Case.objects.exists()
        unanswered = client.post(RECORD, {**BY_POST, "confirm": "1"})
        assert unanswered.status_code == 400 and not Case.objects.exists()
        done = client.post(RECORD, {**BY_POST, "confirm": "1", "same_as": "new"})
    recorded = AssessmentRequest.objects.get()
    assert done.url == reverse("casework:case", args=[recorded.case_id])
    assert recorded.case.received_on == RECEIVED
    assert recorded.channel == "post" and recorded.case.source == Case.Source.HEALTH
    assert recorded.case.learner != twin and not recorded.case.learner.provisional


def test_a_request_by_phone_for_a_child_found_on_record_goes_on_their_record(cast, council):
    twin = LearnerFactory(
        given_name="Amira",
        family_name="Khan-Test",
        date_of_birth=dt.date(2016, 3, 4),
        responsible_la=cast.la,
    )
    with at(RECEIVED):
        cast.client_for(cast.caseworker).post(
            RECORD, {**BY_POST, "channel": "phone", "confirm": "1", "same_as": str(twin.pk)}
        )
    assert AssessmentRequest.objects.get().case.learner == twin


def test_only_council_caseworkers_record_requests(cast, council):
    assert cast.client_for(cast.la_colleague).get(RECORD).status_code == 403
    assert cast.client_for(cast.parent).get(RECORD).status_code == 403
    invalid = cast.client_for(cast.caseworker).post(RECORD, {**BY_POST, "given_name": ""})
    assert invalid.status_code == 400
    assert 'value="Khan-Test"' in invalid.content.decode()


def test_a_young_person_on_record_asks_for_themselves_without_giving_their_details(cast, council):
    from sendplan.learners.models import Involvement
    from tests.factories import InvolvementFactory

    family = Involvement.objects.get(user=cast.parent).organisation
    me = LearnerFactory(given_name="Riley", family_name="Young-Test", responsible_la=cast.la,
                        date_of_birth=dt.date(2007, 1, 1))  # fmt: skip
    young = MembershipFactory(
        user=UserFactory(username="yp"), organisation=family, role=Role.YOUNG_PERSON
    ).user
    InvolvementFactory(
        learner=me, kind=Involvement.Kind.YOUNG_PERSON, organisation=family, user=young
    )
    client = cast.client_for(young)
    with at(RECEIVED):
        assert client.post(START).url == step("needs")
        client.post(step("needs"), {"needs": "I need help at college."})
        client.post(step("tried"), {"tried": ""})
        client.post(step("evidence"), {"continue": "1"})
        assert "Riley Young-Test" in client.get(CHECK).content.decode()
        assert client.post(CHECK).url == SENT
    request = AssessmentRequest.objects.get()
    assert request.case.learner == me
    assert request.case.source == Case.Source.YOUNG_PERSON
