"""Files held for a request for an assessment not yet sent (the front door): checked and
stored as every document is, kept against a random batch token in the uploader's session,
and turned into documents of the learner when the request is sent. Nothing about a child is
recorded until then; a batch never sent expires.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.documents import scanner
from sendplan.documents.checks import check_upload
from sendplan.documents.models import Document, HeldFile
from sendplan.documents.services import documents_storage
from sendplan.learners.models import Learner

#: How many files one request may carry.
MAX_FILES = 10
#: A batch not sent within this long is deleted with its files.
KEEP_FOR = dt.timedelta(days=2)


def new_batch() -> str:
    """A random token naming one draft's files; it says nothing about anyone."""
    return uuid.uuid4().hex


def held_files(*, user: User, batch: str) -> list[HeldFile]:
    """The files this user holds in the batch, oldest first."""
    if not batch:
        return []
    return list(HeldFile.objects.filter(uploaded_by=user, batch=batch))


@transaction.atomic
def held_file_add(*, user: User, batch: str, upload: UploadedFile) -> HeldFile:
    """Check the file and store it under a random name, held in ``batch`` for ``user``.

    Refuses with ``ValidationError`` keyed ``upload`` a file that fails the checks, or one
    more than :data:`MAX_FILES`."""
    if HeldFile.objects.filter(uploaded_by=user, batch=batch).count() >= MAX_FILES:
        raise ValidationError({"upload": f"You can add up to {MAX_FILES} files"})
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    storage = documents_storage()
    token = uuid.uuid4().hex
    stored = storage.save(f"{token[:2]}/{token}", upload)
    try:
        held = HeldFile(
            batch=batch,
            original_filename=(upload.name or "")[-255:],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            storage_name=stored,
            uploaded_by=user,
        )
        held.full_clean()
        held.save()
    except BaseException:
        storage.delete(stored)
        raise
    return held


@transaction.atomic
def held_file_remove(*, user: User, batch: str, held_id: int) -> bool:
    """Remove one of the user's held files (its stored file goes once this commits)."""
    deleted, _ = HeldFile.objects.filter(pk=held_id, uploaded_by=user, batch=batch).delete()
    return bool(deleted)


def _title(filename: str) -> str:
    stem = " ".join(PurePath(filename).stem.replace("_", " ").split())
    return (stem or "Evidence")[:200]


@transaction.atomic
def held_files_adopt(
    *, user: User, batch: str, learner: Learner, case: Any = None
) -> list[Document]:
    """Make the user's held files documents (evidence) of ``learner``, linked to ``case``.

    The caller has decided the request may be made; the stored files are kept, only their
    rows change. With a virus scanner configured each waits for its scan, as any upload."""
    scanning = scanner.configured() is not None
    documents = []
    for held in HeldFile.objects.select_for_update().filter(uploaded_by=user, batch=batch):
        document = Document(
            learner=learner,
            case=case,
            kind=Document.Kind.EVIDENCE,
            title=_title(held.original_filename),
            original_filename=held.original_filename,
            content_type=held.content_type,
            size=held.size,
            sha256=held.sha256,
            storage_name=held.storage_name,
            uploaded_by=user,
            scan_status=Document.Scan.PENDING if scanning else Document.Scan.NOT_SCANNED,
        )
        held.delete()
        document.full_clean()
        document.save()
        documents.append(document)
    if scanning:
        from sendplan.documents.tasks import document_scan_task

        for document in documents:
            transaction.on_commit(
                partial(document_scan_task.enqueue, document_id=document.pk), robust=True
            )
    return documents


def held_file_forget(sender: type[HeldFile], instance: HeldFile, **kwargs: Any) -> None:
    """Once a held file's row is gone, delete its stored file, unless a document now names
    it (the file was adopted)."""
    name = instance.storage_name

    def forget() -> None:
        if not Document.objects.filter(storage_name=name).exists():
            documents_storage().delete(name)

    transaction.on_commit(forget, using=kwargs.get("using"), robust=True)


def held_files_expire(*, now: dt.datetime | None = None) -> int:
    """Delete held files older than :data:`KEEP_FOR` (requests never sent). Returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = HeldFile.objects.filter(uploaded_at__lt=cutoff).delete()
    return deleted
