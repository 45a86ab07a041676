"""The family's pages: the stage and the next deadline in plain English, the draft plan and
a comment form, and section A views one question per page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.case.models import Case, Stage
from sendplan.casework.disputes.models import Appealable, Mediation
from sendplan.casework.family.models import FamilyComment
from sendplan.casework.plans.models import PlanVersion
from tests.casework_pages.portal_builders import (
    DECISION,
    DRAFT,
    REQUEST,
    at,
    make_case,
    young_person_case,
)

pytestmark = pytest.mark.django_db

IN_COMMENT_PERIOD = DRAFT + dt.timedelta(days=5)


def case_url(case: Case, name: str = "family-case", *args) -> str:
    return reverse(f"casework:{name}", args=[case.pk, *args])


def test_parent_sees_the_decision_deadline_in_plain_english(cast):
    with at(REQUEST + dt.timedelta(days=3)):
        case = make_case(cast, Stage.REQUESTED)
        response = cast.client_for(cast.parent).get(case_url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert "We have the request for an EHC needs assessment for Jamie." in page
    assert (
        "The council must decide by Monday 17 February 2025 whether to carry out an assessment."
        in page
    )
    assert "What happens next" in page


def test_a_late_decision_is_called_late(cast):
    with at(REQUEST + dt.timedelta(days=3)):
        case = make_case(cast, Stage.REQUESTED)
    with at(DECISION + dt.timedelta(days=10)):
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert "It is late. You can ask your caseworker why." in page


def test_assessment_shows_the_week_of_20(cast):
    with at(DECISION + dt.timedelta(days=7)):
        case = make_case(cast, Stage.ASSESSING)
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert "We are collecting advice about Jamie (week 7 of 20)." in page
    assert "by Monday 26 May 2025" in page


def test_steps_are_marked_in_words(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        response = cast.client_for(cast.parent).get(case_url(case))
    states = [s.state for s in response.context["fc"].steps]
    assert states == ["Done", "Done", "Done", "Done", "Now", "Not yet"]


def test_parent_home_goes_straight_to_the_only_case(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        response = cast.client_for(cast.parent).get(reverse("casework:family-home"))
    assert response.status_code == 302
    assert response.url == case_url(case)


def test_home_without_a_case_explains_what_will_appear(cast):
    response = cast.client_for(cast.other_parent).get(reverse("casework:family-home"))
    assert response.status_code == 200
    assert "There is nothing to show here yet." in response.content.decode()


def test_draft_out_for_comments_shows_warning_and_how_to_comment(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
        draft = cast.client_for(cast.parent).get(case_url(case, "family-draft")).content.decode()
    assert "You have until Tuesday 29 April 2025 to comment on the draft plan." in page
    assert case_url(case, "family-comments") in page
    assert "Speech and language therapy" in draft
    assert "45 minutes" in draft


def test_draft_page_is_404_before_the_draft_is_sent(cast):
    with at(DECISION + dt.timedelta(days=30)):
        case = make_case(cast, Stage.DRAFTING)
        response = cast.client_for(cast.parent).get(case_url(case, "family-draft"))
    assert response.status_code == 404


def test_other_parent_gets_404_on_every_family_page(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        client = cast.client_for(cast.other_parent)
        codes = {
            name: client.get(case_url(case, name, *extra)).status_code
            for name, extra in (
                ("family-case", ()),
                ("family-draft", ()),
                ("family-comments", ()),
                ("family-views", (1,)),
                ("family-views-check", ()),
            )
        }
    assert set(codes.values()) == {404}


def test_caseworker_is_not_family_and_gets_404(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        response = cast.client_for(cast.caseworker).get(case_url(case))
    assert response.status_code == 404


def test_family_pages_refuse_wrong_methods(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        client = cast.client_for(cast.parent)
        assert client.post(case_url(case)).status_code == 405
        assert client.post(case_url(case, "family-draft")).status_code == 405
        assert client.delete(case_url(case, "family-comments")).status_code == 405
        assert client.post(case_url(case, "family-views-check")).status_code == 405


def test_parent_comment_is_kept_word_for_word(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        response = cast.client_for(cast.parent).post(
            case_url(case, "family-comments"),
            {"text": "Please name Test Special School.", "finished": "no"},
        )
    assert response.status_code == 302
    comment = FamilyComment.objects.get()
    assert comment.text == "Please name Test Special School."
    assert comment.created_by == cast.parent
    assert Case.objects.get(pk=case.pk).draft_comments_received_on is None


def test_finished_comments_are_recorded_on_the_case(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        client = cast.client_for(cast.parent)
        response = client.post(
            case_url(case, "family-comments"), {"text": "All good.", "finished": "yes"}
        )
        sent = client.get(response.url).content.decode()
    assert Case.objects.get(pk=case.pk).draft_comments_received_on == IN_COMMENT_PERIOD
    assert "The council will now write the final plan." in sent


def test_empty_comment_shows_errors_beside_the_fields(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        response = cast.client_for(cast.parent).post(case_url(case, "family-comments"), {})
    assert response.status_code == 200
    assert [e["href"] for e in response.context["errors"]] == ["#text", "#finished"]
    assert not FamilyComment.objects.exists()


def test_young_person_comments_on_their_own_draft(cast):
    with at(IN_COMMENT_PERIOD):
        case, young, _ = young_person_case(cast)
        response = cast.client_for(young).post(
            case_url(case, "family-comments"),
            {"text": "I want to go to college.", "finished": "no"},
        )
    assert response.status_code == 302
    assert FamilyComment.objects.get().created_by == young


def test_parent_of_a_young_person_may_read_but_not_comment(cast):
    with at(IN_COMMENT_PERIOD):
        case, _, parent = young_person_case(cast)
        client = cast.client_for(parent)
        page = client.get(case_url(case))
        form = client.get(case_url(case, "family-comments"))
        post = client.post(case_url(case, "family-comments"), {"text": "x", "finished": "no"})
    assert page.status_code == 200
    assert "so the decisions about the plan are theirs" in page.content.decode()
    assert form.status_code == 403 and post.status_code == 403
    assert not FamilyComment.objects.exists()


def test_section_a_views_are_asked_one_question_per_page_and_saved_in_the_draft(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        client = cast.client_for(cast.parent)
        lock = PlanVersion.objects.get(plan__case=case).lock
        first = client.get(case_url(case, "family-views", 1))
        step1 = client.post(
            case_url(case, "family-views", 1), {"text": "Quiet spaces help me.", "lock": lock}
        )
        step2 = client.post(
            case_url(case, "family-views", 2), {"lock": lock + 1, "skip": "Skip for now"}
        )
        step3 = client.post(
            case_url(case, "family-views", 3), {"text": "To work with animals.", "lock": lock + 1}
        )
        check = client.get(step3.url).content.decode()
    assert "What is important to me, and what my family thinks" in first.content.decode()
    assert step1.url == case_url(case, "family-views", 2)
    assert step2.url == case_url(case, "family-views", 3)
    draft = PlanVersion.objects.get(plan__case=case)
    # The family's own words, kept apart from what the caseworker wrote (which is unchanged).
    assert (draft.family_views, draft.family_aspirations) == (
        "Quiet spaces help me.",
        "To work with animals.",
    )
    assert draft.family_interests == ""  # skipped
    assert draft.views == "Jamie likes trains."
    assert "To work with animals." in check


def test_stale_section_a_save_is_refused_and_keeps_what_was_typed(cast):
    with at(IN_COMMENT_PERIOD):
        case = make_case(cast, Stage.CONSULTING)
        client = cast.client_for(cast.parent)
        lock = PlanVersion.objects.get(plan__case=case).lock
        response = client.post(
            case_url(case, "family-views", 1), {"text": "My words.", "lock": lock - 1}
        )
    assert response.status_code == 409
    assert "changed this part of the plan at" in response.context["errors"][0]["text"]
    assert response.context["form"]["text"].value() == "My words."
    assert PlanVersion.objects.get(plan__case=case).views == "Jamie likes trains."


def test_section_a_is_open_while_drafting_before_the_draft_is_sent(cast):
    with at(DECISION + dt.timedelta(days=30)):
        case = make_case(cast, Stage.DRAFTING)
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
        form = cast.client_for(cast.parent).get(case_url(case, "family-views", 1))
    assert "Write section A" in page
    assert form.status_code == 200


def test_section_a_pages_are_404_once_the_plan_is_final(cast):
    with at(dt.date(2025, 6, 2)):
        case = make_case(cast, Stage.FINAL_ISSUED)
        response = cast.client_for(cast.parent).get(case_url(case, "family-views", 1))
    assert response.status_code == 404


def test_final_plan_page_gives_the_appeal_date_and_review_date(cast):
    with at(dt.date(2025, 6, 2)):
        case = make_case(cast, Stage.FINAL_ISSUED)
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert "The final plan for Jamie was sent on Monday 12 May 2025." in page
    assert "you can appeal until Saturday 12 July 2025" in page
    assert "The plan must be reviewed by" in page


def test_refusal_to_assess_explains_mediation_and_appeal(cast):
    with at(DECISION):
        case = make_case(cast, Stage.NOT_ASSESSING)
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert "the council decided not to carry out an assessment" in page
    assert "you can appeal until Thursday 10 April 2025" in page
    assert "mediation" in page


def test_a_mediation_certificate_extends_the_appeal_date_the_family_is_given(cast):
    # Decision on 10 February 2025: 2 months ends on 10 April. The family declined
    # mediation and the certificate came on 1 April: 1 month from it is 1 May, which is
    # later, so on 15 April they are still told they can appeal.
    with at(DECISION):
        case = make_case(cast, Stage.NOT_ASSESSING)
    Mediation.objects.create(
        case=case,
        about=Appealable.NOT_TO_ASSESS,
        adviser_contacted_on=dt.date(2025, 3, 20),
        family_choice=Mediation.Choice.CERTIFICATE,
        family_choice_on=dt.date(2025, 3, 28),
        certificate_on=dt.date(2025, 4, 1),
    )
    with at(dt.date(2025, 4, 15)):
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert "you can appeal until Thursday 1 May 2025" in page


def test_a_certificate_about_another_decision_changes_nothing(cast):
    with at(DECISION):
        case = make_case(cast, Stage.NOT_ASSESSING)
    Mediation.objects.create(
        case=case,
        about=Appealable.CEASE,
        adviser_contacted_on=dt.date(2025, 3, 20),
        certificate_on=dt.date(2025, 4, 1),
    )
    with at(dt.date(2025, 4, 5)):
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert "you can appeal until Thursday 10 April 2025" in page


@pytest.mark.parametrize(
    ("sendiass", "expected"),
    [
        (
            {"name": "Riverside SENDIASS", "phone": "020 7946 0123", "email": "", "website": ""},
            "Riverside SENDIASS can help you. It does not work for the council.<br>"
            "Telephone: 020 7946 0123",
        ),
        (
            {"name": "", "phone": "", "email": "", "website": ""},
            "Ask the council's SEND team for its contact details.",
        ),
    ],
)
def test_the_family_page_gives_the_local_sendiass(cast, settings, sendiass, expected):
    settings.SENDIASS = sendiass
    with at(REQUEST + dt.timedelta(days=3)):
        case = make_case(cast, Stage.REQUESTED)
        page = cast.client_for(cast.parent).get(case_url(case)).content.decode()
    assert expected in page
