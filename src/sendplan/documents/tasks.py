"""Virus scans on the queue (``core.tasks``, ADR 0114): a document waits, not downloadable,
until a worker has sent it to clamd."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from sendplan.documents.scanner import ScannerError
from sendplan.documents.services import document_scan

log = logging.getLogger(__name__)

#: Tries before a scan is left waiting for ``sendplan documents-scan``; the first retry
#: after SCAN_RETRY_AFTER and each later one after twice as long.
SCAN_ATTEMPTS = 5
SCAN_RETRY_AFTER = timedelta(minutes=1)


@task()
def document_scan_task(*, document_id: int, attempt: int = 1) -> str:
    """Scan one document; when clamd is out of reach, try again later."""
    try:
        return document_scan(document_id=document_id)
    except ScannerError as error:
        reason = str(error)
    if attempt >= SCAN_ATTEMPTS:
        log.error("document %s not scanned after %s attempts: %s", document_id, attempt, reason)
        return "not scanned: still waiting"
    log.warning("scan of document %s failed (%s): trying again", document_id, reason)
    retry = document_scan_task
    if document_scan_task.get_backend().supports_defer:
        delay = SCAN_RETRY_AFTER * 2 ** (attempt - 1)
        retry = document_scan_task.using(run_after=timezone.now() + delay)
    retry.enqueue(document_id=document_id, attempt=attempt + 1)
    return "waiting: scanner out of reach"
