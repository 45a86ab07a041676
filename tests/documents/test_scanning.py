"""Virus scanning through clamd's INSTREAM protocol, on the queue: a document waits, not
downloadable, until the scanner passes it; a harmful one is quarantined and its uploader
told."""

from __future__ import annotations

import pytest
from django.core import mail

from sendplan.documents import scanner
from sendplan.documents.models import Document
from sendplan.documents.services import document_add, document_scan, documents_scan_waiting
from sendplan.documents.tasks import SCAN_ATTEMPTS
from sendplan.learners.models import AuditEvent
from tests.documents import files

pytestmark = pytest.mark.django_db


def _add(cast, data=files.PDF, name="a.pdf"):
    return document_add(
        user=cast.caseworker,
        learner=cast.learner,
        upload=files.upload(name, data),
        kind="evidence",
        title="Report",
    )


def _download(cast, document, user=None):
    client = cast.client_for(user or cast.caseworker)
    return client.get(f"/documents/{document.public_id}/")


def test_the_client_sends_the_file_and_reads_the_verdict(clamd):
    address = scanner.ClamdAddress(socket_path=clamd.path, timeout=5)
    assert scanner.instream(address, [b"hello ", b"world"]) == scanner.Verdict(clean=True)
    assert clamd.scanned == [b"hello world"]
    found = scanner.instream(address, [b"prefix", files.EICAR])
    assert found == scanner.Verdict(clean=False, found="Eicar-Signature")
    assert scanner.ping(address)


def test_a_stream_over_clamds_limit_is_an_error_not_a_verdict(settings):
    from tests.documents.fake_clamd import FakeClamd

    server = FakeClamd(limit=100)
    try:
        address = scanner.ClamdAddress(socket_path=server.path, timeout=5)
        with pytest.raises(scanner.ScannerError, match="size limit exceeded"):
            scanner.instream(address, [b"x" * 200])
    finally:
        server.close()


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("stream: OK", scanner.Verdict(clean=True)),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", scanner.Verdict(False, "Win.Test.EICAR_HDB-1")),
    ],
)
def test_replies_are_read_as_verdicts(reply, verdict):
    assert scanner.parse_reply(reply) == verdict


@pytest.mark.parametrize("reply", ["", "stream: lstat() failed. ERROR", "PONG"])
def test_anything_else_is_no_verdict(reply):
    with pytest.raises(scanner.ScannerError):
        scanner.parse_reply(reply)


def test_no_clamd_configured_means_not_scanned_and_served(cast):
    document = _add(cast)
    assert document.scan_status == Document.Scan.NOT_SCANNED
    assert _download(cast, document).status_code == 200


def test_with_clamd_a_file_waits_and_is_not_served_until_scanned(
    cast, clamd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        document = _add(cast)
    assert len(queued) == 1  # the scan, handed to the queue when the row commits
    assert document.scan_status == Document.Scan.PENDING
    before = AuditEvent.objects.count()
    response = _download(cast, document)
    assert response.status_code == 409
    assert b"being checked for viruses" in response.content
    assert AuditEvent.objects.count() == before  # nothing was served, nothing copied

    queued[0]()  # the worker runs the task (the test settings run tasks at once)
    document.refresh_from_db()
    assert document.scan_status == Document.Scan.CLEAN
    assert document.scanned_at is not None
    assert clamd.scanned == [files.PDF]
    response = _download(cast, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF


def test_a_harmful_file_is_quarantined_and_its_uploader_told(
    cast, clamd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = _add(cast, data=files.PDF + files.EICAR)
    document.refresh_from_db()
    assert document.scan_status == Document.Scan.INFECTED
    response = _download(cast, document)
    assert response.status_code == 409
    assert b"found something harmful" in response.content
    [message] = mail.outbox
    assert message.to == [cast.caseworker.email]
    assert "quarantined" in message.body
    assert cast.learner.family_name not in message.body + message.subject
    record = cast.client_for(cast.caseworker).get(f"/learners/{cast.learner.pk}/")
    assert b"Virus found" in record.content


def test_clamd_out_of_reach_leaves_the_file_waiting_after_its_tries(
    cast, settings, django_capture_on_commit_callbacks, tmp_path
):
    settings.SENDPLAN_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    with django_capture_on_commit_callbacks(execute=True):
        document = _add(cast)
    document.refresh_from_db()
    assert document.scan_status == Document.Scan.PENDING
    assert _download(cast, document).status_code == 409
    assert SCAN_ATTEMPTS == 5


def test_scanning_waiting_files_by_hand_is_safe_to_repeat(cast, settings, clamd, tmp_path):
    # Added while clamd was down and no task ran: the command scans them later.
    settings.SENDPLAN_CLAMD_SOCKET = str(tmp_path / "down.sock")
    waiting = [_add(cast), _add(cast, data=files.PDF + files.EICAR, name="b.pdf")]
    settings.SENDPLAN_CLAMD_SOCKET = clamd.path
    assert documents_scan_waiting() == {"clean": 1, "infected": 1}
    assert documents_scan_waiting() == {}
    assert document_scan(document_id=waiting[0].pk) == "nothing to scan"


def test_the_command_refuses_without_a_scanner_and_scans_what_waits_with_one(
    cast, settings, clamd, tmp_path
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.SENDPLAN_CLAMD_SOCKET = str(tmp_path / "down.sock")
    document = _add(cast)
    settings.SENDPLAN_CLAMD_SOCKET = ""
    with pytest.raises(CommandError, match="No virus scanner is configured"):
        call_command("documents-scan")
    settings.SENDPLAN_CLAMD_SOCKET = clamd.path
    out = StringIO()
    call_command("documents-scan", stdout=out)
    assert out.getvalue() == "clean: 1\n"
    document.refresh_from_db()
    assert document.scan_status == Document.Scan.CLEAN
