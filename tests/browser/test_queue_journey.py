"""A commissioner starts a placement run in a real browser: the page returns at once and
says the run is waiting; once a worker has run the queue, the page that reloads itself
shows the finished run. With axe-core on both pages."""

from __future__ import annotations

import pytest

from sendplan.planning.models import PlanningRun
from tests.queue import drain_queue, task_states

pytestmark = pytest.mark.browser


def test_a_run_waits_for_the_worker_and_its_page_shows_it_finished(site, cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    site.sign_in("manager")
    site.goto("planning:index")
    site.follow(site.page.get_by_role("button", name="Run the optimisation"))

    run = PlanningRun.objects.get()
    assert site.page.url == site.url("planning:run", run.pk)
    assert site.page.get_by_text("Waiting to start").is_visible()
    assert site.page.get_by_role("link", name="Check progress").is_visible()
    site.assert_accessible()
    assert task_states() == {"READY": 1}

    drain_queue()

    # The progress page reloads itself (HTTP Refresh) until the run has finished.
    site.page.get_by_text("These are proposals").wait_for()
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.DONE, run.message
    site.assert_accessible()
