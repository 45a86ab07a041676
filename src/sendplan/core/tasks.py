"""Background work: one queue for placement runs, forecast runs and emails (ADR 0114).

Work goes through the tasks API that Django 6 ships (here its backport, ``django_tasks``):
a page enqueues a task and returns at once; a worker runs it. With the default database
backend the queue is a table and the workers are ``sendplan db_worker`` processes, any
number of them on PostgreSQL. Another backend (``TASKS`` in the settings) needs no change
here: nothing below uses more of the API than ``task``, ``enqueue`` and ``run_after``.

Runs keep their status and progress on their own rows, as the pages show them, and the
queue adds three rules to both kinds:

* **One run at a time per area and kind.** A worker claims a run (queued -> running) only
  while no other run of the same LA and kind is running; a partial unique index enforces
  it, so it holds however many workers there are. A run that finds its area busy stays
  queued, and whoever ends the area's running run hands the oldest waiting one to the
  queue. Every other run waits in the table, not in a process.
* **Errors of the moment are tried again.** A run that met a locked or unreachable database,
  or whose worker stopped (no news for the kind's ``stale_after``), goes back to the queue,
  up to :data:`MAX_ATTEMPTS` tries; then it fails with a sentence the page shows. Emails
  are tried :data:`EMAIL_ATTEMPTS` times, further apart each time.
* **Nothing waits for ever.** :func:`runs_recover` retries or fails an area's stale runs and
  hands its oldest waiting run to the queue when no task is due to start it (a task lost
  with a machine, say). The pages of runs, every request for a run and every task that
  finds its area busy call it.

Computing a run is its app's business and is safe to repeat: an attempt given up on stores
nothing, and a run computed again replaces its results as a whole. Each app describes its
kind of run with a :class:`RunKind` and its task in its own ``tasks`` module
(``planning.tasks``, ``sufficiency.tasks``) and registers the kind when the app is ready, so
this module imports no app.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

# The backport of Django 6's ``django.tasks``: on Django 6 this import is the only change.
from django_tasks import task
from django_tasks.base import Task

log = logging.getLogger(__name__)

#: A run row: each kind's model has ``status`` (with ``Status``), ``attempts``,
#: ``created_at``, ``queued_at``, ``started_at``, ``finished_at`` and ``message``.
Run = Any

#: Errors of the moment (the database locked or out of reach): the queue tries the run again
#: rather than record them as the run's outcome.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

#: Tries of one run before it fails: a worker restarted mid-run (a deployment) costs one.
MAX_ATTEMPTS = 2
#: A waiting run handed to the queue this long ago, in an area with nothing running, has
#: lost its task: hand it over again (a duplicate task finds it claimed and does nothing).
ORPHAN_AFTER = timedelta(minutes=5)
#: What a waiting run's page says while another run of its area works.
BUSY = "Waiting for the run before it for this area to finish"

#: Tries of one email, the first retry after EMAIL_RETRY_AFTER and each later one after
#: twice as long as the one before.
EMAIL_ATTEMPTS = 5
EMAIL_RETRY_AFTER = timedelta(minutes=1)


# Tasks. Module-level functions with JSON arguments, as every backend needs.


@task()
def email_send(*, subject: str, body: str, to: str, from_email: str, attempt: int = 1) -> int:
    """Send one message to one address; on a failure of the moment, try again later.

    Nothing about the recipient reaches a log line or the queue's record of a failure: the
    error's kind only (an SMTP refusal names the address).
    """
    message = EmailMessage(subject, body, from_email, [to])
    try:
        return int(get_connection().send_messages([message]) or 0)
    except (smtplib.SMTPException, OSError) as error:
        kind = error.__class__.__name__
    # Out of the ``except``: nothing raised below carries the error, which may name the address.
    if attempt >= EMAIL_ATTEMPTS:
        log.error("email not sent after %s attempts (%s)", attempt, kind)
        raise EmailNotSent(f"not sent after {attempt} attempts ({kind})")
    log.warning("email attempt %s failed (%s): trying again", attempt, kind)
    retry = email_send
    if email_send.get_backend().supports_defer:
        delay = EMAIL_RETRY_AFTER * 2 ** (attempt - 1)
        retry = email_send.using(run_after=timezone.now() + delay)
    retry.enqueue(subject=subject, body=body, to=to, from_email=from_email, attempt=attempt + 1)
    return 0


class EmailNotSent(Exception):
    """An email that failed every try."""


def email_enqueue(
    *, subject: str, body: str, to: Iterable[str], from_email: str | None = None
) -> int:
    """Queue one message per address, once the current transaction commits (at once outside
    one), so that no one sees who else was told. Returns how many were queued."""
    addresses = list(to)
    sender = from_email or settings.DEFAULT_FROM_EMAIL
    for address in addresses:
        send = partial(
            email_send.enqueue, subject=subject, body=body, to=address, from_email=sender
        )
        transaction.on_commit(send, robust=True)
    return len(addresses)


# Runs.


@dataclass(frozen=True)
class RunKind:
    """How the queue drives one kind of run. Status values are the same for both models."""

    name: str
    model: type[Run]
    #: The field naming the run's area (its LA).
    area_field: str
    #: A run "running" this long without finishing has lost its worker.
    stale_after: timedelta
    #: Fields a claim sets besides status: the first progress sentence.
    claimed: dict[str, Any]
    #: Progress fields for a sentence (an empty one clears it).
    progress: Callable[[str], dict[str, Any]]
    execute: Callable[[Any], Any]
    task: Task[Any, str]
    #: Fields that go back to their start when a run is put back in the queue.
    requeued: dict[str, Any] = field(default_factory=dict)

    def area_of(self, run: Run) -> int | str:
        return getattr(run, self.area_field)  # type: ignore[no-any-return]

    def in_area(self, area: int | str) -> Any:
        return self.model.objects.filter(**{self.area_field: area})


#: The kinds of run the queue drives, by their model; each app registers its own.
RUN_KINDS: dict[type[Model], RunKind] = {}


def register_run_kind(kind: RunKind) -> None:
    """Make ``kind`` the queue's way of driving runs of ``kind.model`` (from ``AppConfig.ready``)."""
    RUN_KINDS[kind.model] = kind


def kind_of(run: Run) -> RunKind:
    return RUN_KINDS[type(run)]


def work_on(model: type[Model], run_id: int) -> str:
    """What a kind's task does: compute the run, or leave it waiting for its area's turn."""
    run: Run = model._default_manager.filter(pk=run_id).first()
    if run is None:
        return "gone"  # deleted since it was asked for (an LA's demo rebuilt, say)
    run_work(run=run)
    return str(run.status)


def run_enqueue(*, run: Run) -> None:
    """Hand a run that was just asked for to the queue (once, however often it is asked).

    The task is enqueued when the current transaction commits, so a worker never looks for
    a run that is not there yet. Whatever happens to that task, :func:`runs_recover` makes
    sure a waiting run is started.
    """
    kind = kind_of(run)
    handed = kind.model.objects.filter(
        pk=run.pk, status=kind.model.Status.QUEUED, queued_at__isnull=True
    ).update(queued_at=timezone.now())
    if handed:
        _enqueue(kind, run.pk)
    runs_recover(kind=kind, area=kind.area_of(run))


def _enqueue(kind: RunKind, run_id: int) -> None:
    transaction.on_commit(partial(kind.task.enqueue, run_id=run_id), robust=True)


def _hand_over(kind: RunKind, run_id: int) -> None:
    kind.model.objects.filter(pk=run_id).update(queued_at=timezone.now())
    _enqueue(kind, run_id)


def _hand_over_next(kind: RunKind, area: int | str) -> None:
    """Hand the area's oldest waiting run to the queue, if any."""
    waiting = (
        kind.in_area(area)
        .filter(status=kind.model.Status.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if waiting is not None:
        _hand_over(kind, waiting)


def run_claim(*, run: Run) -> bool:
    """Queued -> running, for one attempt. False when the run is not waiting, or another run
    of its area and kind is running (the database refuses a second; this one waits and its
    page says so). ``run`` is refreshed either way."""
    kind = kind_of(run)
    Status = kind.model.Status
    try:
        with transaction.atomic():
            claimed = kind.model.objects.filter(pk=run.pk, status=Status.QUEUED).update(
                status=Status.RUNNING,
                started_at=timezone.now(),
                attempts=F("attempts") + 1,
                **kind.claimed,
            )
    except IntegrityError:
        claimed = 0
        kind.model.objects.filter(pk=run.pk, status=Status.QUEUED).update(**kind.progress(BUSY))
    run.refresh_from_db()
    return bool(claimed)


def run_work(*, run: Run) -> bool:
    """Claim ``run``, compute it, then hand its area's next waiting run to the queue.

    What a worker's task does, and what ``sendplan planning-run`` and ``sufficiency-run`` do
    without a queue. False when the run was not waiting or its area is busy: then it waits,
    and the run that is working hands it over when it ends. ``run`` is refreshed.
    """
    kind = kind_of(run)
    area = kind.area_of(run)
    if not run_claim(run=run) and not (
        # In the way: a run that lost its worker? Then this run's turn may have come.
        runs_recover(kind=kind, area=area) and run_claim(run=run)
    ):
        return False
    try:
        kind.execute(run)
    except (KeyboardInterrupt, SystemExit):
        # The worker was told to stop at once: the run goes back to the queue for another.
        _release(kind, run, reason="the worker was stopped before finishing")
        raise
    except TRANSIENT_ERRORS as error:
        log.warning("%s run %s attempt %s: %r", kind.name, run.pk, run.attempts, error)
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
        reason = f"the database was busy or out of reach ({error.__class__.__name__})"
        _release(kind, run, reason=reason)
    except Exception as error:  # the run's page shows every failure; the worker goes on
        log.exception("%s run %s failed", kind.name, run.pk)
        _end(kind, run, message=str(error)[:2000] or error.__class__.__name__)
    finally:
        _hand_over_next(kind, area)
    run.refresh_from_db()
    return True


def _attempt(kind: RunKind, run: Run) -> Any:
    """The run's row while ``run``'s attempt still holds it."""
    return kind.model.objects.filter(
        pk=run.pk, status=kind.model.Status.RUNNING, attempts=run.attempts
    )


def _end(kind: RunKind, run: Run, *, message: str) -> None:
    _attempt(kind, run).update(
        status=kind.model.Status.FAILED,
        finished_at=timezone.now(),
        message=message,
        **kind.progress(""),
    )


def _release(kind: RunKind, run: Run, *, reason: str) -> None:
    """Put a running attempt back in the queue, or fail the run after its last try."""
    if run.attempts < MAX_ATTEMPTS:
        progress = kind.progress(f"Waiting to try again: {reason}") | kind.requeued
        _attempt(kind, run).update(status=kind.model.Status.QUEUED, **progress)
        return
    tries = "once" if run.attempts == 1 else f"{run.attempts} times"
    _end(kind, run, message=f"{reason[0].upper()}{reason[1:]}; tried {tries}. Start a new run.")


def runs_recover(*, kind: RunKind, area: int | str) -> int:
    """Retry or fail the area's runs whose worker stopped, and make sure that a waiting run
    is due to start when none is running. Returns how many had stopped. Cheap (two or
    three queries): the pages call it, and so does every request and every task that
    finds its area busy."""
    runs = kind.in_area(area)
    Status = kind.model.Status
    now = timezone.now()
    stale = list(runs.filter(status=Status.RUNNING, started_at__lt=now - kind.stale_after))
    minutes = int(kind.stale_after.total_seconds() // 60)
    for run in stale:
        log.warning("%s run %s: no news for %s minutes", kind.name, run.pk, minutes)
        _release(
            kind,
            run,
            reason=f"the worker stopped before finishing (no news for {minutes} minutes)",
        )
    if runs.filter(status=Status.RUNNING).exists():
        return len(stale)
    waiting = runs.filter(status=Status.QUEUED).order_by("created_at", "pk").first()
    # Ending a stale run ends the area's turn, and its successor is handed over as after
    # any run; otherwise only a waiting run that no task is due to start.
    if waiting is not None and (
        stale or waiting.queued_at is None or waiting.queued_at < now - ORPHAN_AFTER
    ):
        _hand_over(kind, waiting.pk)
    return len(stale)
