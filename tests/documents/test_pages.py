"""The upload form and the download link: access through the one policy, an audit event for
every copy taken, a safe attachment, and errors on the form field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.documents.models import Document
from sendplan.documents.services import document_add
from sendplan.learners.models import AuditEvent
from tests.casework.conftest import make_case
from tests.documents import files
from tests.documents.conftest import stored_files
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _add(cast, *, title="Speech and language report", case=None):
    return document_add(
        user=cast.caseworker,
        learner=cast.learner,
        upload=files.upload("Jamie report.pdf", files.PDF),
        kind="advice_report",
        title=title,
        case=case,
    )


@pytest.fixture
def other_council_caseworker(cast):
    user = UserFactory(username="other-caseworker")
    MembershipFactory(user=user, organisation=cast.other_la, role=Role.LA_CASEWORKER)
    return user


def test_the_download_link_carries_only_a_random_id(cast):
    document = _add(cast)
    url = reverse("documents:download", args=[document.public_id])
    assert re.fullmatch(r"/documents/[0-9a-f-]{36}/", url)


@pytest.mark.parametrize("who", ["caseworker", "la_colleague", "senco", "health", "parent"])
def test_those_who_may_see_the_learner_download_it_as_an_attachment(cast, who):
    document = _add(cast, title="Speech report: Jamie / «SALT»")
    user = getattr(cast, who)
    response = cast.client_for(user).get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Speech report_ Jamie _ _SALT.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.filter(user=user, learner=cast.learner).latest("pk")
    assert event.action == AuditEvent.Action.EXPORT
    assert event.detail == "document downloaded"


def test_each_download_is_audited(cast):
    document = _add(cast)
    client = cast.client_for(cast.parent)
    url = reverse("documents:download", args=[document.public_id])
    for _ in range(3):
        assert client.get(url).status_code == 200
    exports = AuditEvent.objects.filter(
        user=cast.parent, learner=cast.learner, action=AuditEvent.Action.EXPORT
    )
    assert exports.count() == 3


@pytest.mark.parametrize("who", ["other_parent", "other_senco", "other_health", "other_council"])
def test_no_one_else_learns_it_exists(cast, who, other_council_caseworker):
    document = _add(cast)
    user = other_council_caseworker if who == "other_council" else getattr(cast, who)
    response = cast.client_for(user).get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(user=user, action=AuditEvent.Action.EXPORT).exists()


def test_a_made_up_id_is_not_found(cast):
    response = cast.client_for(cast.caseworker).get(
        "/documents/00000000-0000-4000-8000-000000000000/"
    )
    assert response.status_code == 404


def test_signed_out_users_are_sent_to_sign_in(cast, client):
    document = _add(cast)
    response = client.get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_download_is_get_only(cast):
    document = _add(cast)
    response = cast.client_for(cast.caseworker).post(
        reverse("documents:download", args=[document.public_id])
    )
    assert response.status_code == 405


def test_the_record_page_lists_documents_with_the_form_for_the_caseworker(cast):
    document = _add(cast)
    page = cast.client_for(cast.caseworker).get(reverse("learners:record", args=[cast.learner.pk]))
    body = page.content.decode()
    assert "Speech and language report" in body
    assert reverse("documents:download", args=[document.public_id]) in body
    assert 'enctype="multipart/form-data"' in body
    assert 'class="govuk-file-upload' in body


def test_a_reader_sees_the_list_without_the_form(cast):
    _add(cast)
    page = cast.client_for(cast.parent).get(reverse("learners:record", args=[cast.learner.pk]))
    body = page.content.decode()
    assert "Speech and language report" in body
    assert "govuk-file-upload" not in body


def test_uploading_from_the_record_page_goes_back_to_the_list(cast, document_store):
    response = cast.client_for(cast.caseworker).post(
        reverse("documents:upload", args=[cast.learner.pk]),
        {
            "upload": files.upload("letter.pdf", files.PDF),
            "kind": "letter",
            "title": "Decision letter",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learners:record", args=[cast.learner.pk]) + "#documents"
    document = Document.objects.get()
    assert (document.kind, document.title, document.uploaded_by) == (
        "letter",
        "Decision letter",
        cast.caseworker,
    )
    assert len(stored_files(document_store)) == 1


def test_a_disguised_file_is_refused_on_the_field_and_the_form_keeps_what_was_typed(
    cast, document_store
):
    response = cast.client_for(cast.caseworker).post(
        reverse("documents:upload", args=[cast.learner.pk]),
        {
            "upload": files.upload("report.pdf", files.ELF),
            "kind": "evidence",
            "title": "My report",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#upload"' in body
    assert 'id="upload-error"' in body
    assert "The selected file report.pdf must be a PDF" in body
    assert 'value="My report"' in body
    assert '<option value="evidence" selected>' in body
    assert not Document.objects.exists()
    assert stored_files(document_store) == []


def test_no_file_chosen_says_select_a_file(cast):
    response = cast.client_for(cast.caseworker).post(
        reverse("documents:upload", args=[cast.learner.pk]), {"kind": "evidence", "title": "x"}
    )
    assert response.status_code == 400
    assert "Select a file" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("la_colleague", 403), ("parent", 403)])
def test_readers_may_not_add(cast, who, status):
    client = cast.client_for(getattr(cast, who))
    url = reverse("documents:upload", args=[cast.learner.pk])
    assert client.get(url).status_code == status
    post = client.post(url, {"upload": files.upload("a.pdf", files.PDF), "kind": "letter"})
    assert post.status_code == status
    assert not Document.objects.exists()


def test_strangers_may_not_add(cast, other_council_caseworker):
    for user in (cast.other_parent, other_council_caseworker):
        response = cast.client_for(user).get(reverse("documents:upload", args=[cast.learner.pk]))
        assert response.status_code == 404


def test_the_case_page_lists_its_documents_and_adds_to_the_case(cast):
    case = make_case(cast)
    on_case = _add(cast, title="Case evidence", case=case)
    _add(cast, title="Record only")
    client = cast.client_for(cast.caseworker)
    body = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Case evidence" in body and "Record only" not in body
    assert f'name="case" value="{case.pk}"' in body

    response = client.post(
        reverse("documents:upload", args=[cast.learner.pk]),
        {
            "upload": files.upload("p.png", files.PNG, "image/png"),
            "kind": "evidence",
            "title": "Photo",
            "case": case.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[case.pk]) + "#documents"
    assert Document.objects.get(title="Photo").case == case
    assert on_case.case == case


def test_a_case_of_another_learner_is_refused(cast):
    other_case = make_case(cast, learner=cast.other_learner)
    response = cast.client_for(cast.caseworker).post(
        reverse("documents:upload", args=[cast.learner.pk]),
        {
            "upload": files.upload("a.pdf", files.PDF),
            "kind": "evidence",
            "title": "x",
            "case": other_case.pk,
        },
    )
    assert response.status_code == 400
    assert not Document.objects.exists()
