"""Emails go through the queue: one message per address, sent by a worker, tried again when
the mail server fails, and never an address in a log line or the queue's record of a failure.
Delivery is Django's in-memory outbox (the one thing the tests mock: mail leaves the machine).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from sendplan.core import tasks
from sendplan.core.tasks import EMAIL_ATTEMPTS, EMAIL_RETRY_AFTER, email_enqueue
from tests.queue import drain_queue, task_states

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
ADDRESSES = ["parent@example.org", "young.person@example.org"]


def test_each_address_gets_its_own_message_once_the_transaction_commits(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    # Tests run tasks at once (the immediate backend): sent as soon as it is queued.
    with django_capture_on_commit_callbacks(execute=True):
        assert email_enqueue(subject="Update", body="Sign in to see it.", to=ADDRESSES) == 2
        assert mailoutbox == []
    assert [m.to for m in mailoutbox] == [[a] for a in ADDRESSES]
    assert {m.from_email for m in mailoutbox} == {"sendplan@localhost"}


class _FailingConnection:
    """A mail server that refuses the first ``failures`` messages (naming the address, as
    SMTP refusals do), then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures

    def __call__(self) -> _FailingConnection:
        return self

    def send_messages(self, messages: list[mail.EmailMessage]) -> int:
        if self.failures:
            self.failures -= 1
            address = messages[0].to[0]
            raise smtplib.SMTPRecipientsRefused({address: (450, b"mailbox busy")})
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_queued_mail_and_tries_again_later_after_a_failure(
    settings, mailoutbox, monkeypatch, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(tasks, "get_connection", _FailingConnection(failures=1))
    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.INFO):
        email_enqueue(subject="Update", body="Sign in to see it.", to=ADDRESSES[:1])
        assert task_states() == {"READY": 1}
        assert mailoutbox == []
        drain_queue()
        # Refused: tried again in a minute, not before.
        assert task_states() == {"SUCCESSFUL": 1, "READY": 1}
        assert mailoutbox == []
    with time_machine.travel(NOW + EMAIL_RETRY_AFTER, tick=False):
        drain_queue()
    assert [m.to for m in mailoutbox] == [ADDRESSES[:1]]
    assert task_states() == {"SUCCESSFUL": 2}
    assert "SMTPRecipientsRefused" in caplog.text
    assert ADDRESSES[0] not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_mail_refused_every_time_fails_its_last_task_without_naming_the_address(
    settings, mailoutbox, monkeypatch, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(tasks, "get_connection", _FailingConnection(failures=EMAIL_ATTEMPTS))
    later = NOW
    with caplog.at_level(logging.INFO):
        email_enqueue(subject="Update", body="Sign in to see it.", to=ADDRESSES[:1])
        for attempt in range(EMAIL_ATTEMPTS):
            with time_machine.travel(later, tick=False):
                drain_queue()
            later += EMAIL_RETRY_AFTER * 2**attempt
    assert mailoutbox == []
    assert task_states() == {"SUCCESSFUL": EMAIL_ATTEMPTS - 1, "FAILED": 1}
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "sendplan.core.tasks.EmailNotSent"
    assert ADDRESSES[0] not in failed.traceback
    assert ADDRESSES[0] not in caplog.text
