"""Writes to documents: add one (checked, stored, then scanned), delete one, and record what
the virus scanner said. Keyword-only and atomic, as every service.

A file and its row are kept together or not at all: the row is written in the transaction
that stored the file, and the file is deleted again if the row fails; a deleted row's file
is deleted once the deletion commits (``apps.py`` connects :func:`stored_file_forget`), so
erasing a learner's record erases their files too.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.core.errors import PermissionDenied
from sendplan.core.tasks import email_enqueue
from sendplan.documents import scanner
from sendplan.documents.checks import check_upload
from sendplan.documents.models import Document, HeldFile
from sendplan.learners.access import learner_can_edit, works_for
from sendplan.learners.models import Learner

log = logging.getLogger(__name__)

#: The ``STORAGES`` alias documents live in: never the default storage, never a public URL.
STORAGE = "documents"

#: What may be linked to a document, besides its learner.
LINKS = ("case", "advice_request", "plan_version", "review")


def documents_storage() -> Storage:
    return storages[STORAGE]


def may_add_document(*, user: User, learner: Learner, advice_request: Any = None) -> bool:
    """Whoever may change the learner's record; and for an advice request, the practitioner
    it names or someone who works for the organisation asked."""
    if learner_can_edit(learner=learner, user=user):
        return True
    if advice_request is None:
        return False
    return advice_request.practitioner_id == user.pk or works_for(
        user, advice_request.organisation_id
    )


def _learner_of(link: str, value: Any) -> int:
    if link == "case":
        return int(value.learner_id)
    if link == "advice_request":
        return int(value.case.learner_id)
    return int(value.plan.learner_id)  # a plan version or a review


def _check_links(learner: Learner, links: dict[str, Any]) -> dict[str, Any]:
    unknown = set(links) - set(LINKS)
    if unknown:
        raise TypeError(f"document_add() cannot link a document to {sorted(unknown)}")
    chosen = {k: v for k, v in links.items() if v is not None}
    for link, value in chosen.items():
        if _learner_of(link, value) != learner.pk:
            raise ValidationError({link: "This is not about the same learner as the document"})
    return chosen


def _check_details(kind: str, title: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in Document.Kind.values:
        errors["kind"] = "Select what kind of document this is"
    if not title:
        errors["title"] = "Enter a title for the document"
    elif len(title) > 200:
        errors["title"] = "Title must be 200 characters or fewer"
    return errors


@transaction.atomic
def document_add(
    *,
    user: User,
    learner: Learner,
    upload: UploadedFile,
    kind: str,
    title: str,
    **links: Any,
) -> Document:
    """Check the file, store it under a random name and record it against the learner (and
    any of ``case``, ``advice_request``, ``plan_version``, ``review``, which must be the
    same learner's).

    Refuses with ``PermissionDenied`` a user who may not add documents for the learner, and
    with ``ValidationError`` (keyed ``upload``, ``kind``, ``title`` or the link) a file or
    detail that fails a check. With a virus scanner configured the file waits, not
    downloadable, until the scanner has passed it; without one it is marked not scanned.
    """
    chosen = _check_links(learner, links)
    if not may_add_document(
        user=user, learner=learner, advice_request=chosen.get("advice_request")
    ):
        raise PermissionDenied
    title = " ".join(title.split())
    errors: dict[str, Any] = dict(_check_details(kind, title))
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        errors["upload"] = error.messages
    if errors:
        raise ValidationError(errors)

    storage = documents_storage()
    token = uuid.uuid4().hex
    stored = storage.save(f"{token[:2]}/{token}", upload)
    try:
        scanning = scanner.configured() is not None
        document = Document(
            learner=learner,
            kind=kind,
            title=title,
            original_filename=(upload.name or "")[-255:],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            storage_name=stored,
            uploaded_by=user,
            scan_status=Document.Scan.PENDING if scanning else Document.Scan.NOT_SCANNED,
            **chosen,
        )
        document.full_clean()
        document.save()
    except BaseException:
        storage.delete(stored)
        raise
    if scanning:
        from sendplan.documents.tasks import document_scan_task

        transaction.on_commit(
            partial(document_scan_task.enqueue, document_id=document.pk), robust=True
        )
    return document


@transaction.atomic
def document_delete(*, user: User, document: Document) -> None:
    """Delete a document and, once that commits, its file."""
    if not learner_can_edit(learner=document.learner, user=user):
        raise PermissionDenied
    document.delete()


def stored_file_forget(sender: type[Document], instance: Document, **kwargs: Any) -> None:
    """Delete a deleted row's file once the deletion commits (never if it rolls back)."""
    name = instance.storage_name
    transaction.on_commit(
        partial(documents_storage().delete, name), using=kwargs.get("using"), robust=True
    )


# Scanning.


def _chunks(document: Document) -> Iterator[bytes]:
    with documents_storage().open(document.storage_name, "rb") as stored:
        while chunk := stored.read(scanner.CHUNK):
            yield chunk


def document_scan(*, document_id: int) -> str:
    """Scan a waiting document with clamd and record the verdict; safe to run twice (a
    document no longer waiting is left alone). Raises ``ScannerError`` when clamd gives no
    verdict, so the queue can try again later."""
    address = scanner.configured()
    document = (
        Document.objects.select_related("uploaded_by")
        .filter(pk=document_id, scan_status=Document.Scan.PENDING)
        .first()
    )
    if document is None or address is None:
        return "nothing to scan"
    verdict = scanner.instream(address, _chunks(document))
    status = Document.Scan.CLEAN if verdict.clean else Document.Scan.INFECTED
    updated = Document.objects.filter(pk=document.pk, scan_status=Document.Scan.PENDING).update(
        scan_status=status, scanned_at=timezone.now()
    )
    if updated and not verdict.clean:
        _tell_of_virus(document, verdict.found)
    return status


def _tell_of_virus(document: Document, found: str) -> None:
    """Quarantine: the file stays in storage for investigation but is never served; the
    person who uploaded it is told (with nothing about the learner in the email)."""
    log.warning("virus found in document %s (%s): quarantined", document.pk, found[:80])
    uploader = document.uploaded_by
    if uploader.email:
        email_enqueue(
            subject="A file you uploaded to SENDplan failed the virus check",
            body=(
                "The virus scanner found something harmful in a file you uploaded to SENDplan. "
                "The file has been quarantined: no one can download it. Sign in and open the "
                "learner's record to see which file, and contact your IT service desk about the "
                "device it came from."
            ),
            to=[uploader.email],
        )


def documents_scan_waiting() -> dict[str, int]:
    """Scan every waiting document now (``sendplan documents-scan``, for when no worker
    ran). Returns how many ended in each state."""
    counts: dict[str, int] = {}
    for pk in Document.objects.filter(scan_status=Document.Scan.PENDING).values_list(
        "pk", flat=True
    ):
        result = document_scan(document_id=pk)
        counts[result] = counts.get(result, 0) + 1
    return counts


# Files without a row.


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    folders, names = storage.listdir(folder)
    for name in names:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def documents_orphans_delete(
    *, older_than: dt.timedelta = dt.timedelta(hours=1), now: dt.datetime | None = None
) -> int:
    """Delete stored files that no row names and that are older than ``older_than`` (a file
    whose row was rolled back by a caller's larger transaction); newer ones may belong to an
    upload still in progress. Returns how many went (``sendplan documents-sweep``)."""
    storage = documents_storage()
    cutoff = (now or timezone.now()) - older_than
    known = set(Document.objects.values_list("storage_name", flat=True))
    known |= set(HeldFile.objects.values_list("storage_name", flat=True))
    deleted = 0
    for name in _stored_names(storage):
        if name in known or storage.get_modified_time(name) > cutoff:
            continue
        storage.delete(name)
        deleted += 1
    if deleted:
        log.warning("deleted %s stored files that no document names", deleted)
    return deleted
