"""Reading a plan: current version, any version, history, differences, print page and PDF."""

from __future__ import annotations

import base64
import contextlib
import re
import zlib

import pytest
from django.urls import reverse

from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.learners.models import AuditEvent
from tests.casework_pages.plan_builders import TODAY, amendment_draft, at, issued_plan


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def plan(cast, frozen) -> Plan:
    return issued_plan(cast)


def _url(name: str, plan: Plan, *args) -> str:
    return reverse(f"casework:{name}", args=[plan.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# The current version


def test_plan_page_shows_the_issued_version_with_linked_sections(cast, plan):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan", plan)))
    assert 'Version</dt><dd class="govuk-summary-list__value">1 (current)' in html
    assert "Issued</strong> on 12 May 2025" in html
    assert "Needs support with spoken language in class." in html  # B1
    assert "Speech and language therapy" in html and "45 minutes" in html  # F1
    assert "weekly in term time" in html and "Speech and language therapist" in html
    # E1 answers B1 and F1 works towards E1: the links are shown by reference.
    assert re.search(r">E1</th>\s*<td[^>]*>By the end of Year 7.*?</td>\s*<td[^>]*>B1<", html, re.S)
    assert re.search(r">F1</th>.*?<td class=\"govuk-table__cell\">E1</td>", html, re.S)
    assert "Special school" in html  # section I
    assert "cannot be changed" in html


def test_plan_page_links_to_print_and_pdf_of_an_issued_version(cast, plan):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan", plan)))
    assert _url("plan-print", plan, 1) in html
    assert _url("plan-pdf", plan, 1) in html


def test_plan_page_is_read_by_family_and_audited_without_names(cast, plan):
    _html(cast.client_for(cast.parent).get(_url("plan", plan)))
    event = AuditEvent.objects.filter(user=cast.parent).latest("at")
    assert event.learner == cast.learner
    assert "Jamie" not in event.detail and "Okonkwo" not in event.detail


def test_plan_page_for_an_outsider_is_404(cast, plan):
    assert cast.client_for(cast.other_parent).get(_url("plan", plan)).status_code == 404
    assert cast.client_for(cast.other_health).get(_url("plan", plan)).status_code == 404


def test_plan_page_refuses_post(cast, plan):
    assert cast.client_for(cast.caseworker).post(_url("plan", plan)).status_code == 405


def test_family_does_not_see_a_draft_version(cast, plan):
    draft = amendment_draft(cast, plan)
    client = cast.client_for(cast.parent)
    assert client.get(_url("plan-version", plan, draft.number)).status_code == 404
    # The caseworker does, marked as not yet the plan.
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-version", plan, draft.number)))
    assert "not yet the plan" in html and "Needs a quiet space to eat." in html


def test_unknown_version_number_is_404(cast, plan):
    assert cast.client_for(cast.caseworker).get(_url("plan-version", plan, 9)).status_code == 404


# History and differences


def test_history_lists_every_version_with_who_issued_it_and_when(cast, plan, frozen):
    draft = amendment_draft(cast, plan)
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-history", plan)))
    assert html.index("Version 2") < html.index("Version 1")  # newest first
    assert "Issued 12 May 2025 by " + cast.caseworker.display_name in html
    assert f"?from=1&amp;to={draft.number}" in html


def test_history_for_family_shows_issued_versions_only(cast, plan):
    amendment_draft(cast, plan)
    html = _html(cast.client_for(cast.parent).get(_url("plan-history", plan)))
    assert "Version 1" in html and "Version 2" not in html


def test_history_for_an_outsider_is_404_and_refuses_post(cast, plan):
    assert cast.client_for(cast.other_parent).get(_url("plan-history", plan)).status_code == 404
    assert cast.client_for(cast.caseworker).post(_url("plan-history", plan)).status_code == 405


def test_compare_shows_added_and_removed_rows_in_words(cast, plan):
    draft = amendment_draft(cast, plan)

    plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        placement_type="Resourced provision in a mainstream school",
    )
    url = _url("plan-compare", plan) + "?from=1&to=2"
    html = _html(cast.client_for(cast.caseworker).get(url))
    assert "Changes from version 1 to version 2" in html
    assert "Added: need" in html and "Needs a quiet space to eat." in html
    assert "Changed: placement" in html
    assert "Before:</strong> Special school" in html
    assert "After:</strong> Resourced provision in a mainstream school" in html
    assert "2 changes." in html


def test_compare_without_two_versions_is_404(cast, plan):
    client = cast.client_for(cast.caseworker)
    assert client.get(_url("plan-compare", plan)).status_code == 404
    assert client.get(_url("plan-compare", plan) + "?from=1&to=1").status_code == 404


def test_compare_for_an_outsider_is_404_and_refuses_post(cast, plan):
    amendment_draft(cast, plan)
    url = _url("plan-compare", plan) + "?from=1&to=2"
    assert cast.client_for(cast.other_parent).get(url).status_code == 404
    assert cast.client_for(cast.caseworker).post(url).status_code == 405


# Print page and PDF


def test_print_page_uses_a_body_class_and_no_inline_styles(cast, plan):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-print", plan, 1)))
    assert '<body class="govuk-template__body sp-plan-print">' in html
    assert "casework/plan-print.css" in html
    assert "style=" not in html and "<script" not in html
    assert 'Version</dt><dd class="govuk-summary-list__value">1, issued 12 May 2025' in html
    assert "Speech and language therapy" in html


def test_print_page_of_a_draft_says_it_is_not_the_issued_plan(cast, plan):
    amendment_draft(cast, plan)
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-print", plan, 2)))
    assert "NOT THE ISSUED PLAN" in html


def test_print_page_for_an_outsider_is_404_and_refuses_post(cast, plan):
    assert cast.client_for(cast.other_parent).get(_url("plan-print", plan, 1)).status_code == 404
    assert cast.client_for(cast.caseworker).post(_url("plan-print", plan, 1)).status_code == 405


def _pdf_text(content: bytes) -> str:
    """The text of every content stream: ReportLab writes ASCII85 over Flate, and text in a
    standard font as literal strings, so words can be found without a PDF library."""
    text = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = raw.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2])
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        text.append(data.decode("latin-1"))
    return "\n".join(text)


def test_pdf_of_an_issued_plan_carries_sections_version_and_issue_date(cast, plan):
    response = cast.client_for(cast.caseworker).get(_url("plan-pdf", plan, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ehc-plan-{plan.pk}-version-1.pdf"'
    )
    content = response.content
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content)
    for words in (
        "Education, health and care plan",
        "Version 1, issued 12 May 2025",
        "A: views, interests and aspirations",
        "B: special educational needs",
        "Needs support with spoken language in class.",
        "Speech and language therapy",
        "45 minutes",
        "K: advice and information",
        "EHC plan version 1, issued 12 May 2025",  # every page's footer
    ):
        assert words in text, words


def test_pdf_has_a_title_shown_by_readers_a_language_and_a_bookmark_per_section(cast, plan):
    content = cast.client_for(cast.caseworker).get(_url("plan-pdf", plan, 1)).content
    assert b"/Title (EHC plan for Jamie Okonkwo-Test, version 1, issued 12 May 2025)" in content
    assert b"/DisplayDocTitle true" in content
    assert b"/Lang (en-GB)" in content
    assert b"/Outlines" in content
    assert b"(H1: social care provision" in content  # bookmark titles are real text
    assert b"/Subtype /Image" not in content  # no pictures of text


def test_pdf_of_a_draft_is_404(cast, plan):
    amendment_draft(cast, plan)
    assert cast.client_for(cast.caseworker).get(_url("plan-pdf", plan, 2)).status_code == 404


def test_pdf_is_audited_as_an_export(cast, plan):
    cast.client_for(cast.la_colleague).get(_url("plan-pdf", plan, 1))
    event = AuditEvent.objects.filter(user=cast.la_colleague).latest("at")
    assert event.action == AuditEvent.Action.EXPORT and event.learner == cast.learner


def test_pdf_for_an_outsider_is_404_and_refuses_post(cast, plan):
    assert cast.client_for(cast.other_health).get(_url("plan-pdf", plan, 1)).status_code == 404
    assert cast.client_for(cast.caseworker).post(_url("plan-pdf", plan, 1)).status_code == 405


def test_versions_stay_issued_after_a_new_draft(cast, plan):
    amendment_draft(cast, plan)
    statuses = dict(plan.versions.values_list("number", "status"))
    assert statuses == {1: PlanVersion.Status.ISSUED, 2: PlanVersion.Status.DRAFT}
