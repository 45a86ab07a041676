"""Adding a document: the file is checked from its content, stored under a random name, and
either kept with its row or not kept at all."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sendplan.accounts.models import Role
from sendplan.documents.models import Document
from sendplan.documents.services import document_add, document_delete
from tests.documents import files
from tests.documents.conftest import stored_files
from tests.factories import LearnerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _add(cast, name, data, *, user=None, learner=None, kind="evidence", title="Report"):
    return document_add(
        user=user or cast.caseworker,
        learner=learner or cast.learner,
        upload=files.upload(name, data),
        kind=kind,
        title=title,
    )


def _refusal(cast, name, data, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        _add(cast, name, data, **kwargs)
    return " ".join(refused.value.message_dict["upload"])


def test_a_pdf_is_kept_under_a_random_name_with_its_digest(cast, document_store):
    document = _add(cast, "Jamie speech report.pdf", files.PDF, title="Speech report")
    assert document.content_type == "application/pdf"
    assert document.size == len(files.PDF)
    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert document.original_filename == "Jamie speech report.pdf"
    assert document.scan_status == Document.Scan.NOT_SCANNED
    assert "Jamie" not in document.storage_name and ".pdf" not in document.storage_name
    [kept] = stored_files(document_store)
    assert kept.read_bytes() == files.PDF


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("letter.docx", files.docx(), DOCX),
        ("old letter.DOC", files.ole("WordDocument"), "application/msword"),
        ("photo.png", files.PNG, "image/png"),
        ("photo.jpeg", files.JPEG, "image/jpeg"),
        ("photo.jpg", files.JPEG, "image/jpeg"),
        ("photo.heic", files.heic(), "image/heic"),
    ],
)
def test_word_documents_and_images_are_accepted(cast, name, data, content_type):
    assert _add(cast, name, data).content_type == content_type


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(cast, settings, document_store):
    settings.SENDPLAN_DOCUMENT_MAX_BYTES = 2048
    message = _refusal(cast, "big.pdf", files.PDF + b"0" * 2048)
    assert message == "The selected file big.pdf must be smaller than 2KB"
    assert not Document.objects.exists()
    assert stored_files(document_store) == []


def test_a_file_at_the_limit_is_accepted(cast, settings):
    settings.SENDPLAN_DOCUMENT_MAX_BYTES = 2048
    data = files.PDF + b"0" * (2048 - len(files.PDF))
    assert _add(cast, "edge.pdf", data).size == 2048


def test_an_empty_file_is_refused(cast):
    assert _refusal(cast, "empty.pdf", b"") == "The selected file empty.pdf is empty"


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("report.pdf", files.EXE, "a Windows program"),
        ("report.pdf", files.ELF, "a program"),
        ("report.pdf", files.zip_of({"a.txt": b"hello"}), "a ZIP archive"),
        ("letter.docx", files.zip_of({"a.txt": b"hello"}), "a ZIP archive"),
        ("letter.docx", files.docx(macros=True), "a Word document with macros"),
        ("picture.gif", files.GIF, "a GIF image"),
        ("setup.doc", files.ole("SummaryInformation"), "not a Word document"),
    ],
)
def test_a_disguised_or_unlisted_type_is_refused_by_its_content(
    cast, document_store, name, data, what
):
    message = _refusal(cast, name, data)
    assert message.startswith(f"The selected file {name} must be a PDF, Word document")
    assert what in message
    assert not Document.objects.exists()
    assert stored_files(document_store) == []


def test_a_name_that_does_not_match_the_content_is_refused(cast):
    message = _refusal(cast, "plan.pdf", files.PNG)
    assert message == (
        "The selected file plan.pdf is a PNG image, but its name ends in .pdf. "
        "Rename it to end in .png and upload it again"
    )


def test_the_browsers_content_type_is_not_trusted(cast):
    # The browser says PDF; the content is a program.
    with pytest.raises(ValidationError):
        document_add(
            user=cast.caseworker,
            learner=cast.learner,
            upload=files.upload("x.pdf", files.EXE, content_type="application/pdf"),
            kind="evidence",
            title="x",
        )


def test_kind_and_title_are_checked_with_the_file(cast):
    with pytest.raises(ValidationError) as refused:
        _add(cast, "a.pdf", files.EXE, kind="nonsense", title="  ")
    assert set(refused.value.message_dict) == {"upload", "kind", "title"}
    assert refused.value.message_dict["title"] == ["Enter a title for the document"]


@pytest.mark.parametrize("who", ["la_colleague", "senco", "health", "parent"])
def test_only_those_who_may_change_the_record_may_add(cast, who, document_store):
    with pytest.raises(PermissionDenied):
        _add(cast, "a.pdf", files.PDF, user=getattr(cast, who))
    assert stored_files(document_store) == []


def test_a_file_that_cannot_be_stored_leaves_no_row(cast, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "documents")},
        },
    }
    with pytest.raises(OSError):
        _add(cast, "a.pdf", files.PDF)
    assert not Document.objects.exists()


def test_a_row_that_cannot_be_written_leaves_no_file(cast, document_store):
    # An LA administrator adds a file to a record erased a moment before: the row is
    # refused after the file was stored, and the file goes again.
    admin = UserFactory(username="la-admin")
    MembershipFactory(user=admin, organisation=cast.la, role=Role.ADMIN)
    learner = LearnerFactory(responsible_la=cast.la)
    Learner = type(learner)
    Learner.objects.filter(pk=learner.pk).delete()
    with pytest.raises(ValidationError):
        _add(cast, "a.pdf", files.PDF, user=admin, learner=learner)
    assert not Document.objects.exists()
    assert stored_files(document_store) == []


def test_a_link_to_another_learners_case_is_refused(cast, document_store):
    from tests.casework.conftest import make_case

    other_case = make_case(cast, learner=cast.other_learner)
    with pytest.raises(ValidationError) as refused:
        document_add(
            user=cast.caseworker,
            learner=cast.learner,
            upload=files.upload("a.pdf", files.PDF),
            kind="evidence",
            title="t",
            case=other_case,
        )
    assert "case" in refused.value.message_dict
    assert stored_files(document_store) == []


def test_deleting_a_document_deletes_its_file_once_committed(
    cast, document_store, django_capture_on_commit_callbacks
):
    document = _add(cast, "a.pdf", files.PDF)
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(user=cast.caseworker, document=document)
    assert stored_files(document_store) == []


def test_erasing_a_learner_erases_their_files(
    cast, document_store, django_capture_on_commit_callbacks
):
    learner = LearnerFactory(responsible_la=cast.la)
    admin = UserFactory(username="la-admin")
    MembershipFactory(user=admin, organisation=cast.la, role=Role.ADMIN)
    _add(cast, "a.pdf", files.PDF, user=admin, learner=learner)
    _add(cast, "b.png", files.PNG, user=admin, learner=learner)
    kept = _add(cast, "c.pdf", files.PDF)  # another learner's: stays
    assert len(stored_files(document_store)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        learner.delete()
    assert not Document.objects.filter(learner_id=learner.pk).exists()
    assert [p.name for p in stored_files(document_store)] == [kept.storage_name.split("/")[-1]]


def test_the_practitioner_asked_for_advice_may_attach_their_report(cast, document_store):
    from sendplan.casework.advice import services as advice_services
    from sendplan.casework.case.models import Stage
    from tests.casework.conftest import ADVICE, at, make_case

    with at(ADVICE):
        case = make_case(cast, Stage.ASSESSING)
        advice = advice_services.advice_request(
            case_id=case.pk,
            kind="health",
            organisation_id=cast.health.memberships.get().organisation_id,
            requested_on=ADVICE,
            practitioner=cast.health,
            changed_by=cast.caseworker,
        )
    document = document_add(
        user=cast.health,
        learner=cast.learner,
        upload=files.upload("advice.pdf", files.PDF),
        kind="advice_report",
        title="Health advice",
        case=case,
        advice_request=advice,
    )
    assert (document.advice_request, document.case) == (advice, case)
    # Without the advice request, the same practitioner may not add to the record.
    with pytest.raises(PermissionDenied):
        _add(cast, "b.pdf", files.PDF, user=cast.health)
    with pytest.raises(TypeError):
        document_add(
            user=cast.caseworker,
            learner=cast.learner,
            upload=files.upload("c.pdf", files.PDF),
            kind="letter",
            title="t",
            tribunal=case,
        )


def test_a_file_whose_row_was_rolled_back_by_the_caller_is_swept_later(cast, document_store):
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from sendplan.documents.services import documents_orphans_delete

    class CallerFailed(Exception):
        pass

    kept = _add(cast, "kept.pdf", files.PDF)
    with pytest.raises(CallerFailed), transaction.atomic():
        _add(cast, "lost.pdf", files.PDF)
        raise CallerFailed
    assert Document.objects.get() == kept
    assert len(stored_files(document_store)) == 2
    # Files' times are the machine's, not the test's clock: compare far from now either way.
    long_ago = timezone.now() - dt.timedelta(days=1000)
    assert documents_orphans_delete(now=long_ago) == 0  # too new: an upload in progress?
    later = timezone.now() + dt.timedelta(days=1000)
    assert documents_orphans_delete(now=later) == 1
    [left] = stored_files(document_store)
    assert kept.storage_name.endswith(left.name)
