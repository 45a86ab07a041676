"""The database queue's real worker, run inside a test.

A test that uses it needs ``django_db(transaction=True)``: the worker commits as it goes and
reads only what is committed, as it does beside the web server.
"""

from __future__ import annotations

import signal
from collections import Counter

from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def drain_queue() -> None:
    """``sendplan db_worker --batch``: run every task that is ready, then stop."""
    handlers = {number: signal.getsignal(number) for number in _SIGNALS}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0")
    finally:
        # The worker takes Ctrl-C for its own graceful stop; give it back to pytest.
        for number, handler in handlers.items():
            signal.signal(number, handler)


def drain_queue_in_this_thread(worker_id: str) -> None:
    """The same worker through its API, for a thread (only the main thread has signals)."""
    try:
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
    finally:
        connections.close_all()


def task_states() -> Counter[str]:
    """How many of the queue's tasks are in each state (READY, RUNNING, SUCCESSFUL, FAILED)."""
    return Counter(DBTaskResult.objects.values_list("status", flat=True))
