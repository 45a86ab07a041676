"""The advice form's "Save as draft" and "Continue" to check your answers, then "Send advice"
from the check page: one URL, the step named by ``action``."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from sendplan.core.dates import govuk_time
from sendplan.learners.models import AuditEvent
from tests.casework_pages.portal_builders import ADVICE, DRAFT, advice_for, at, make_case
from tests.casework_pages.test_contributors import current_lock, detail, send_advice

pytestmark = pytest.mark.django_db

SECRET = "Draft words nobody else should read"


def check_url(advice) -> str:
    return detail(advice) + "?action=check"


def reads(user) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(user=user).order_by("pk").values_list("action", "detail"))


def test_saving_an_incomplete_draft_keeps_it_and_shows_it_again(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        response = client.post(
            detail(advice),
            {
                "lock": current_lock(advice),
                "action": "save",
                "section_C": "Half written",
                "section_G": "",
            },
        )
        page = client.get(response.url)
        saved_at = timezone.now()
    assert response.status_code == 302
    assert response.url == detail(advice)
    html = page.content.decode()
    assert page.context["form"]["section_C"].value() == "Half written"
    assert ">Half written</textarea>" in html
    assert "Your advice has been saved as a draft. It has not been sent" in html
    assert (
        f"Draft saved by {cast.health.display_name} at {govuk_time(saved_at)}. "
        "It has not been sent."
    ) in html
    advice.refresh_from_db()
    assert advice.received_on is None
    assert advice.draft == {"sections": {"C": "Half written", "G": ""}, "summary": ""}
    assert not AdviceSection.objects.exists()


def test_a_draft_with_nothing_written_can_be_saved(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice), {"lock": current_lock(advice), "action": "save"}
        )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.draft == {"sections": {"C": "", "G": ""}, "summary": ""}


def test_a_draft_over_the_maximum_length_is_refused_beside_its_field(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice),
            {
                "lock": current_lock(advice),
                "action": "save",
                "section_C": "Kept",
                "section_G": "x" * 20001,
            },
        )
    assert response.status_code == 200
    assert response.context["errors"] == [
        {"href": "#section_G", "text": "Section G must be 20,000 characters or fewer"}
    ]
    html = response.content.decode()
    assert 'id="section_G-error"' in html
    assert ">Kept</textarea>" in html
    advice.refresh_from_db()
    assert advice.draft is None


def test_a_summary_over_the_maximum_length_shows_its_error_message(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice), {"lock": current_lock(advice), "action": "save", "summary": "y" * 5001}
        )
    assert response.context["errors"] == [
        {"href": "#summary", "text": "Anything else must be 5,000 characters or fewer"}
    ]
    assert 'aria-describedby="summary-hint summary-error"' in response.content.decode()


def test_saving_after_sending_is_refused(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        send_advice(client, advice, {"section_C": "Sent as it was."})
        response = client.post(
            detail(advice),
            {"lock": current_lock(advice), "action": "save", "section_C": "Second thoughts"},
        )
    assert response.status_code == 409
    assert response.context["errors"] == [
        {
            "href": "#advice-sent",
            "text": "This advice was sent on 11 February 2025. "
            "Advice cannot be changed once it has been sent.",
        }
    ]
    assert 'id="advice-sent"' in response.content.decode()
    advice.refresh_from_db()
    assert advice.draft is None
    assert list(AdviceSection.objects.values_list("text", flat=True)) == ["Sent as it was."]


def test_continue_with_nothing_written_shows_the_error_and_saves_nothing(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice),
            {"lock": current_lock(advice), "action": "check", "section_C": " ", "section_G": ""},
        )
    assert response.status_code == 200
    assert response.context["errors"] == [
        {"href": "#section_C", "text": "Write your advice in at least one section"}
    ]
    advice.refresh_from_db()
    assert advice.draft is None


def test_continue_saves_the_draft_and_the_check_page_lists_each_section_with_change_links(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        response = client.post(
            detail(advice),
            {
                "lock": current_lock(advice),
                "action": "check",
                "section_C": "Needs an inhaler nearby.",
                "section_G": "",
                "summary": "Seen in clinic.",
            },
        )
        page = client.get(response.url)
    assert response.status_code == 302
    assert response.url == check_url(advice)
    advice.refresh_from_db()
    assert advice.draft == {
        "sections": {"C": "Needs an inhaler nearby.", "G": ""},
        "summary": "Seen in clinic.",
    }
    assert page.status_code == 200
    assert page.context["rows"] == [
        ("C", "C: health care needs", "Needs an inhaler nearby."),
        ("G", "G: health care provision", ""),
    ]
    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Check your answers before sending your advice</h1>' in html
    assert "Section C: health care needs" in html and "Section G: health care provision" in html
    assert "Nothing written" in html  # section G
    assert "Seen in clinic." in html
    for anchor in ("section_C", "section_G", "summary"):
        assert f'href="{detail(advice)}#{anchor}">Change<span' in html
    # Who it is about, by name only, as on the form.
    assert "Jamie Okonkwo-Test" in html
    assert cast.learner.date_of_birth.strftime("%Y") not in html
    # Sending posts the draft's fingerprint, not its words.
    assert 'name="action" value="send"' in html
    assert "<textarea" not in html
    assert html.count("Needs an inhaler nearby.") == 1


def test_change_link_goes_back_to_the_form_with_what_was_typed(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        client.post(
            detail(advice),
            {"lock": current_lock(advice), "action": "check", "section_G": "Nurse, daily."},
        )
        form_page = client.get(detail(advice))
    assert form_page.context["form"]["section_G"].value() == "Nurse, daily."
    assert 'id="section_G"' in form_page.content.decode()


def test_send_from_the_check_page_sends_exactly_the_saved_text_and_clears_the_draft(cast):
    typed = {
        "section_C": "Asthma.\r\nInhaler kept in class.",
        "section_G": "School nurse checks technique termly.",
        "summary": "Reviewed in clinic in January.",
    }
    with at(ADVICE.replace(day=20)):
        advice = advice_for(cast)
        response = send_advice(cast.client_for(cast.health), advice, typed)
    assert response.status_code == 302
    assert response.url == reverse("casework:advice-sent", args=[advice.pk])
    advice.refresh_from_db()
    assert dict(AdviceSection.objects.values_list("section", "text")) == {
        "C": "Asthma.\r\nInhaler kept in class.",
        "G": "School nurse checks technique termly.",
    }
    assert advice.summary == "Reviewed in clinic in January."
    assert advice.received_on == ADVICE.replace(day=20)
    assert (advice.draft, advice.draft_saved_at, advice.draft_saved_by) == (None, None, None)


def test_a_draft_saved_by_a_colleague_after_the_check_is_not_sent(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        # Named and assigned: two people at the trust answer it.
        AdviceRequest.objects.filter(pk=advice.pk).update(
            assigned_to=cast.other_health, assigned_on=ADVICE, assigned_by=cast.caseworker
        )
        client = cast.client_for(cast.health)
        client.post(
            detail(advice),
            {"lock": current_lock(advice), "action": "check", "section_C": "What I checked"},
        )
        checked = client.get(check_url(advice)).context["checked"]
        cast.client_for(cast.other_health).post(
            detail(advice),
            {"lock": current_lock(advice), "action": "save", "section_C": "A colleague's change"},
        )
        response = client.post(
            detail(advice), {"lock": current_lock(advice), "action": "send", "checked": checked}
        )
    assert response.status_code == 409
    assert response.context["errors"][0]["href"] == "#check-answers"
    assert response.context["errors"][0]["text"].startswith(
        f"{cast.other_health.display_name} saved this advice again at "
    )
    assert "A colleague&#x27;s change" in response.content.decode()
    advice.refresh_from_db()
    assert advice.received_on is None
    assert not AdviceSection.objects.exists()


def test_send_without_a_saved_draft_goes_nowhere(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice), {"lock": current_lock(advice), "action": "send", "checked": "anything"}
        )
    assert response.status_code == 409
    assert response.context["errors"] == [
        {"href": "#section_C", "text": "There is no saved advice to send. Write your advice first."}
    ]
    assert AdviceRequest.objects.get(pk=advice.pk).received_on is None


def test_check_page_without_a_draft_returns_to_the_form(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        no_draft = client.get(check_url(advice))
        client.post(
            detail(advice), {"lock": current_lock(advice), "action": "save"}
        )  # nothing written
        empty_draft = client.get(check_url(advice))
    assert no_draft.status_code == 302 and no_draft.url == detail(advice)
    assert empty_draft.status_code == 302 and empty_draft.url == detail(advice)


def test_check_page_after_sending_returns_to_the_advice_sent(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        send_advice(client, advice, {"section_C": "Given."})
        response = client.get(check_url(advice))
    assert response.status_code == 302
    assert response.url == detail(advice)


def test_every_request_on_the_advice_writes_one_read_naming_its_step(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        client.get(detail(advice))
        client.post(
            detail(advice), {"lock": current_lock(advice), "action": "save", "section_C": "Notes"}
        )
        client.post(
            detail(advice), {"lock": current_lock(advice), "action": "check", "section_C": "Notes"}
        )
        client.get(check_url(advice))
        client.get(detail(advice) + "?action=anything")
    read = AuditEvent.Action.VIEW_RECORD
    assert reads(cast.health) == [
        (read, "advice request: form"),
        (read, "advice request: save"),
        (read, "advice request: check"),
        (read, "advice request: check"),
        (read, "advice request: form"),  # a word it does not know is never written down
    ]
    assert AuditEvent.objects.filter(learner=cast.learner).count() == 5


def test_la_colleague_gets_403_on_every_action_and_never_sees_the_draft(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        cast.client_for(cast.health).post(
            detail(advice), {"lock": current_lock(advice), "action": "save", "section_C": SECRET}
        )
        client = cast.client_for(cast.la_colleague)
        page = client.get(detail(advice))
        responses = [
            client.get(check_url(advice)),
            client.post(
                detail(advice), {"lock": current_lock(advice), "action": "save", "section_C": "x"}
            ),
            client.post(
                detail(advice), {"lock": current_lock(advice), "action": "check", "section_C": "x"}
            ),
            client.post(
                detail(advice), {"lock": current_lock(advice), "action": "send", "checked": "x"}
            ),
            client.post(detail(advice), {"lock": current_lock(advice), "section_C": "x"}),
        ]
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert "Draft saved" not in page.content.decode()
    assert [r.status_code for r in responses] == [403, 403, 403, 403, 403]
    advice.refresh_from_db()
    assert advice.draft["sections"]["C"] == SECRET
    assert advice.received_on is None


def test_a_practitioner_not_asked_gets_404_on_every_action(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.other_health)
        responses = [
            client.get(check_url(advice)),
            client.post(
                detail(advice), {"lock": current_lock(advice), "action": "save", "section_C": "x"}
            ),
            client.post(
                detail(advice), {"lock": current_lock(advice), "action": "send", "checked": "x"}
            ),
        ]
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_an_unknown_action_is_a_bad_request(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            detail(advice), {"lock": current_lock(advice), "action": "publish", "section_C": "x"}
        )
    assert response.status_code == 400
    assert AdviceRequest.objects.get(pk=advice.pk).draft is None


def test_la_case_page_and_family_pages_do_not_show_draft_text(cast):
    with at(DRAFT):
        case = make_case(cast, Stage.DRAFTING)
        advice = advice_for(cast, case=case)
        saved = cast.client_for(cast.health).post(
            detail(advice),
            {
                "lock": current_lock(advice),
                "action": "save",
                "section_C": SECRET,
                "summary": SECRET,
            },
        )
        plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
        case_page = cast.client_for(cast.caseworker).get(reverse("casework:case", args=[case.pk]))
        parent = cast.client_for(cast.parent)
        family_case = parent.get(reverse("casework:family-case", args=[case.pk]))
        family_draft = parent.get(reverse("casework:family-draft", args=[case.pk]))
    assert saved.status_code == 302
    assert AdviceRequest.objects.get(pk=advice.pk).draft["sections"]["C"] == SECRET
    for response in (case_page, family_case, family_draft):
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    # The case page still lists the request as waiting.
    assert "Waiting" in case_page.content.decode()
