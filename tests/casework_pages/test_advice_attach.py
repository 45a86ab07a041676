"""A practitioner attaches their report to advice from the advice page itself (most advice
exists as a report): checked as every upload is, linked to the request and the case, and
refused to anyone who may not write the advice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.documents.models import Document
from tests.casework_pages.portal_builders import ADVICE, advice_for, at, make_case
from tests.documents.files import ELF, PDF, upload
from tests.factories import LearnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_store")]


def attach(advice) -> str:
    return reverse("casework:advice-attach", args=[advice.pk])


def test_the_advice_page_offers_the_upload_and_the_report_is_linked(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        client = cast.client_for(cast.health)
        page = client.get(reverse("casework:advice-detail", args=[advice.pk])).content.decode()
        assert f'action="{attach(advice)}"' in page
        response = client.post(
            attach(advice), {"upload": upload("audiology.pdf", PDF), "title": "Audiology report"}
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.advice_request, document.case, document.learner) == (
        advice,
        advice.case,
        cast.learner,
    )
    assert document.kind == Document.Kind.ADVICE_REPORT
    with at(ADVICE):
        page = client.get(response.url).content.decode()
    assert "Audiology report" in page


def test_a_disguised_file_is_refused_with_the_error_summary_and_nothing_kept(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.health).post(
            attach(advice), {"upload": upload("report.pdf", ELF), "title": "Report"}
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#upload"' in page
    assert 'value="Report"' in page
    assert not Document.objects.exists()


def test_someone_not_asked_cannot_attach(cast):
    with at(ADVICE):
        advice = advice_for(cast)
        response = cast.client_for(cast.other_health).post(
            attach(advice), {"upload": upload("audiology.pdf", PDF), "title": "Audiology report"}
        )
    assert response.status_code in (403, 404)
    assert not Document.objects.exists()


def test_the_practitioner_downloads_their_report_for_a_child_they_are_not_involved_with(cast):
    learner = LearnerFactory(responsible_la=cast.la)
    with at(ADVICE):
        advice = advice_for(cast, case=make_case(cast, Stage.ASSESSING, learner=learner))
        client = cast.client_for(cast.health)
        client.post(attach(advice), {"upload": upload("audiology.pdf", PDF), "title": "Report"})
        document = Document.objects.get(advice_request=advice)
        download = client.get(reverse("documents:download", args=[document.public_id]))
        # A colleague at the trust not asked sees nothing of it.
        other = cast.client_for(cast.other_health)
        refused = other.get(reverse("documents:download", args=[document.public_id]))
    assert download.status_code == 200
    assert refused.status_code == 404
