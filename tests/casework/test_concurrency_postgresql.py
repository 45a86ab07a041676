"""Two people saving the same draft at once, on two real database connections.

SQLite has no row locks (``select_for_update`` is a no-op and writers are serialised by the
file lock), so these run only in the PostgreSQL pass of CI (``DATABASE_URL`` set).
"""

import threading

import pytest
from django.db import connections, transaction

from sendplan.casework.case.models import Stage
from sendplan.casework.errors import StaleEdit
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion
from tests.casework.conftest import TODAY, at, make_case

# Deselected (not skipped) on SQLite by tests/conftest.py; CI's PostgreSQL pass runs them.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def _draft(cast) -> PlanVersion:
    with at(TODAY):
        case = make_case(cast, Stage.DRAFTING)
    return case.plan.versions.get(status=PlanVersion.Status.DRAFT)


def _in_thread(target, results, name):
    def run():
        try:
            results[name] = target()
        except StaleEdit as exc:
            results[name] = exc
        finally:
            connections.close_all()  # this thread's own connection

    return threading.Thread(target=run)


def test_a_save_waiting_on_the_lock_is_refused_and_the_first_is_kept(cast):
    draft = _draft(cast)
    read_lock = draft.lock
    results: dict[str, object] = {}
    second = _in_thread(
        lambda: plan_services.plan_version_update(
            version_id=draft.pk,
            expected_lock=read_lock,
            changed_by=cast.caseworker,
            aspirations="To work with animals",
        ),
        results,
        "second",
    )
    with transaction.atomic():
        # The first editor holds the row while the second tries to save the same read.
        PlanVersion.objects.select_for_update().get(pk=draft.pk)
        second.start()
        second.join(timeout=1)
        assert second.is_alive(), "the second save must wait for the first editor's lock"
        plan_services.plan_version_update(
            version_id=draft.pk,
            expected_lock=read_lock,
            changed_by=cast.la_colleague,
            aspirations="To be a train driver",
        )
    second.join(timeout=30)
    refused = results["second"]
    assert isinstance(refused, StaleEdit)
    assert refused.changed_by == cast.la_colleague.display_name
    draft.refresh_from_db()
    assert draft.aspirations == "To be a train driver"
    assert draft.lock == read_lock + 1


def test_of_two_simultaneous_saves_exactly_one_wins_and_nothing_is_overwritten(cast):
    draft = _draft(cast)
    read_lock = draft.lock
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def editor(user, text):
        def save():
            start.wait(timeout=10)
            return plan_services.plan_version_update(
                version_id=draft.pk, expected_lock=read_lock, changed_by=user, views=text
            )

        return save

    threads = [
        _in_thread(editor(cast.caseworker, "Views from the caseworker"), results, "a"),
        _in_thread(editor(cast.la_colleague, "Views from the colleague"), results, "b"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    saved = [r for r in results.values() if isinstance(r, PlanVersion)]
    refused = [r for r in results.values() if isinstance(r, StaleEdit)]
    assert len(saved) == 1 and len(refused) == 1
    draft.refresh_from_db()
    assert draft.views == saved[0].views
    assert draft.lock == read_lock + 1
    assert draft.history.filter(views=draft.views).count() == 1
