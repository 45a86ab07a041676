"""The pages of advice into the plan: each draft section with its advice, bringing words in
with their source, confirming no provision, the issue check, advice received by post, and
what the family sent on the case page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.family import services as family_services
from sendplan.casework.family.models import FamilyPreference
from sendplan.casework.plans.models import NoProvisionNeeded, PlanVersion
from sendplan.documents.models import Document
from tests.casework.advice_builders import (
    HEALTH,
    attach_report,
    health_request,
    out_for_comments,
)
from tests.casework.conftest import TODAY, at, make_case
from tests.documents.files import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_store")]


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def health_org(cast):
    return cast.learner.involvements.get(user=cast.health).organisation


@pytest.fixture
def advised(cast, frozen, health_org) -> tuple[Case, AdviceRequest]:
    """A draft out for comments with health advice for C and G, and its report attached."""
    case, advice = out_for_comments(cast, health_org, HEALTH)
    attach_report(cast.caseworker, case, advice)
    return case, advice


def _draft(case: Case) -> PlanVersion:
    return PlanVersion.objects.get(plan__case=case, status=PlanVersion.Status.DRAFT)


def _url(name: str, *args) -> str:
    return reverse(f"casework:{name}", args=args)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_draft_section_shows_the_advice_for_it_with_its_file_and_a_way_to_bring_it_in(
    cast, advised
):
    case, advice = advised
    html = _html(
        cast.client_for(cast.caseworker).get(_url("plan-draft-section", case.plan.pk, "C"))
    )
    assert "Advice for section C" in html and "Glue ear in both ears." in html
    document = Document.objects.get(advice_request=advice)
    assert reverse("documents:download", args=[document.public_id]) in html
    source = advice.sections.get(section="C")
    assert f"{_url('plan-draft-row-add', case.plan.pk, 'C')}?from={source.pk}" in html
    assert _url("advice-detail", advice.pk) in html
    # Empty and covered by advice: the warning offers to confirm no provision.
    assert _url("plan-draft-no-provision", case.plan.pk, "C") in html
    # Section B has no health advice.
    b = _html(cast.client_for(cast.caseworker).get(_url("plan-draft-section", case.plan.pk, "B")))
    assert "Glue ear" not in b


def test_bringing_advice_in_fills_the_form_and_keeps_the_source_in_the_plan(cast, advised):
    case, advice = advised
    client = cast.client_for(cast.caseworker)
    source = advice.sections.get(section="C")
    url = _url("plan-draft-row-add", case.plan.pk, "C")
    form = _html(client.get(f"{url}?from={source.pk}"))
    assert "Brought in from medical and health advice" in form
    assert "Glue ear in both ears." in form and f'value="{source.pk}"' in form
    draft = _draft(case)
    response = client.post(
        url, {"lock": draft.lock, "text": "Glue ear in both ears.", "source": source.pk}
    )
    assert response.status_code == 302
    need = _draft(case).needs.get(section="C")
    assert need.source == source
    shown = _html(client.get(_url("plan-version", case.plan.pk, draft.number)))
    assert "From medical and health advice by" in shown and "Test NHS Trust" in shown


def test_a_source_from_another_section_is_not_offered(cast, advised):
    case, advice = advised
    source = advice.sections.get(section="G")
    html = _html(
        cast.client_for(cast.caseworker).get(
            f"{_url('plan-draft-row-add', case.plan.pk, 'C')}?from={source.pk}"
        )
    )
    assert "Brought in from" not in html


def test_confirming_no_provision_is_recorded_with_the_reason(cast, advised):
    case, _ = advised
    client = cast.client_for(cast.caseworker)
    url = _url("plan-draft-no-provision", case.plan.pk, "G")
    page = _html(client.get(url))
    assert "Confirm that no provision is needed in section G" in page
    empty = client.post(url, {"lock": _draft(case).lock, "reason": ""})
    assert 'id="reason-error"' in empty.content.decode()
    response = client.post(url, {"lock": _draft(case).lock, "reason": "Met by the GP."})
    assert response.status_code == 302
    confirmed = NoProvisionNeeded.objects.get(version=_draft(case), section="G")
    assert confirmed.reason == "Met by the GP." and confirmed.created_by == cast.caseworker
    section = _html(client.get(_url("plan-draft-section", case.plan.pk, "G")))
    assert "No provision is needed in this section." in section
    version = _html(client.get(_url("plan-version", case.plan.pk, _draft(case).number)))
    assert "confirmed on 2 June 2025 that no provision is needed: Met by the GP." in version


def test_no_provision_page_refuses_readers_outsiders_and_other_methods(cast, advised):
    case, _ = advised
    url = _url("plan-draft-no-provision", case.plan.pk, "G")
    assert cast.client_for(cast.la_colleague).get(url).status_code == 403
    assert cast.client_for(cast.other_parent).get(url).status_code in (403, 404)
    assert cast.client_for(cast.caseworker).delete(url).status_code == 405
    assert (
        cast.client_for(cast.caseworker)
        .get(_url("plan-draft-no-provision", case.plan.pk, "I"))
        .status_code
        == 404
    )


def test_the_issue_check_stops_at_an_advised_section_left_empty(cast, advised):
    case, _ = advised
    draft = _draft(case)
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("plan-issue", case.plan.pk),
            {
                "lock": draft.lock,
                "issued_on_day": str(TODAY.day),
                "issued_on_month": str(TODAY.month),
                "issued_on_year": str(TODAY.year),
            },
        )
    )
    assert "The plan cannot be issued yet" in html
    assert "Section C is empty but advice was received for it" in html
    assert 'name="confirm"' not in html
    # Confirming anyway is refused by the service, and nothing is issued.
    refused = cast.client_for(cast.caseworker).post(
        _url("plan-issue", case.plan.pk),
        {
            "lock": draft.lock,
            "issued_on_day": str(TODAY.day),
            "issued_on_month": str(TODAY.month),
            "issued_on_year": str(TODAY.year),
            "confirm": "yes",
        },
    )
    assert "Section G is empty" in refused.content.decode()
    assert _draft(case).status == PlanVersion.Status.DRAFT


def test_advice_received_by_post_is_recorded_from_the_case_page(cast, frozen, health_org):
    case = make_case(cast, Stage.DRAFTING)
    advice = health_request(cast, case, health_org)
    client = cast.client_for(cast.caseworker)
    case_page = _html(client.get(_url("case", case.pk)))
    url = _url("advice-received", advice.pk)
    assert url in case_page
    assert "Upload the advice report" in _html(client.get(url))
    response = client.post(
        url,
        {
            "received_on_day": "3",
            "received_on_month": "3",
            "received_on_year": "2025",
            "upload": SimpleUploadedFile("audiology.pdf", PDF),
            "section_C": "Glue ear.",
        },
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.received_on.isoformat() == "2025-03-03"
    assert advice.sections.get().text == "Glue ear."
    assert Document.objects.get(advice_request=advice).case_id == case.pk
    # Read the advice: its file is listed there.
    detail = _html(client.get(_url("advice-detail", advice.pk)))
    assert "Medical and health advice from Test NHS Trust" in detail


def test_advice_received_needs_the_report_and_keeps_what_was_typed(cast, frozen, health_org):
    case = make_case(cast, Stage.DRAFTING)
    advice = health_request(cast, case, health_org)
    html = (
        cast.client_for(cast.caseworker)
        .post(
            _url("advice-received", advice.pk),
            {
                "received_on_day": "3",
                "received_on_month": "3",
                "received_on_year": "2025",
                "section_C": "Glue ear.",
            },
        )
        .content.decode()
    )
    assert 'href="#upload"' in html and "Select the advice report" in html
    assert "Glue ear." in html
    advice.refresh_from_db()
    assert advice.received_on is None


def test_advice_received_page_refuses_readers_others_and_other_methods(cast, frozen, health_org):
    case = make_case(cast, Stage.DRAFTING)
    advice = health_request(cast, case, health_org)
    url = _url("advice-received", advice.pk)
    assert cast.client_for(cast.la_colleague).get(url).status_code == 403
    assert cast.client_for(cast.health).get(url).status_code == 403
    assert cast.client_for(cast.caseworker).delete(url).status_code == 405
    assert cast.client_for(cast.caseworker).get(_url("advice-received", 999999)).status_code == 404


def test_the_case_page_shows_the_familys_comments_and_preferred_school(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    family_services.family_comment_give(
        case_id=case.pk, text="Please add swimming.", finished=False, changed_by=cast.parent
    )
    family_services.family_preference_give(
        case_id=case.pk, setting_id=cast.setting.pk, reason="Near home", changed_by=cast.parent
    )
    client = cast.client_for(cast.caseworker)
    html = _html(client.get(_url("case", case.pk)))
    assert "Please add swimming." in html and "2 June 2025" in html
    assert _url("plan-version", case.plan.pk, _draft(case).number) in html
    assert "School or college they would like" in html and "Test Special School" in html
    assert "Consult Test Special School today" in html
    # One click consults it.
    response = client.post(
        _url("action", case.pk, "consult-setting"),
        {
            "setting": cast.setting.pk,
            "sent_on_day": "2",
            "sent_on_month": "6",
            "sent_on_year": "2025",
        },
    )
    assert response.status_code == 302
    assert case.consultations.get().setting == cast.setting
    assert "Consult Test Special School today" not in _html(client.get(_url("case", case.pk)))


def test_the_family_chooses_a_school_from_the_register_on_their_page(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    client = cast.client_for(cast.parent)
    url = _url("family-preference", case.pk)
    page = _html(client.get(url))
    assert 'data-module="sp-autocomplete"' in page
    assert url in _html(client.get(_url("family-case", case.pk)))
    both = client.post(url, {"setting": cast.setting.pk, "setting_type": "special"})
    assert "not both" in both.content.decode()
    response = client.post(url, {"setting": cast.setting.pk, "reason": "Near home"})
    assert response.status_code == 302
    assert FamilyPreference.objects.get(case=case).setting == cast.setting
    assert "Test Special School" in _html(client.get(_url("family-case", case.pk)))


def test_the_preference_page_is_not_for_another_family(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    url = _url("family-preference", case.pk)
    assert cast.client_for(cast.other_parent).get(url).status_code == 404
    assert cast.client_for(cast.parent).delete(url).status_code == 405


def test_section_a_shows_the_familys_own_words_apart(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    draft = _draft(case)
    family_services.family_views_give(
        case_id=case.pk,
        field="views",
        text="I like the quiet room.",
        expected_lock=draft.lock,
        changed_by=cast.parent,
    )
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-version", case.plan.pk, 1)))
    assert "In Jamie’s and their family’s own words" in html
    assert "I like the quiet room." in html and "Jamie likes trains." in html
    assert _draft(case).views == "Jamie likes trains."
