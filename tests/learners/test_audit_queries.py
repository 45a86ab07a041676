"""``accesses_of``: who accessed one learner's record in a window, for an investigator."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendplan.accounts.models import Membership, Role
from sendplan.core.errors import Http404, PermissionDenied
from sendplan.learners.audit_queries import (
    accesses_of,
    learner_for_investigator,
    may_investigate_learner,
)
from sendplan.learners.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.learners.audit_builders import at, event, la_admin


def _whens(log):
    return [a.at for a in log]


def test_window_includes_both_boundary_days_whole(cast):
    first = event(cast.health, cast.learner, at(2026, 3, 1, 0, 0, 0))
    last = event(cast.health, cast.learner, at(2026, 3, 31, 23, 59, 59))
    event(cast.health, cast.learner, at(2026, 2, 28, 23, 59, 59))  # the day before
    event(cast.health, cast.learner, at(2026, 4, 1, 0, 0, 0))  # the day after
    log = accesses_of(
        learner=cast.learner,
        fetched_by=cast.la_colleague,
        since=dt.date(2026, 3, 1),
        until=dt.date(2026, 3, 31),
    )
    assert _whens(log) == [last.at, first.at]
    assert log.count() == 2


def test_window_of_instants_includes_both_ends(cast):
    start = event(cast.health, cast.learner, at(2026, 3, 10, 9, 0))
    end = event(cast.health, cast.learner, at(2026, 3, 10, 17, 0))
    event(cast.health, cast.learner, at(2026, 3, 10, 17, 0, 1))
    log = accesses_of(
        learner=cast.learner,
        fetched_by=cast.la_colleague,
        since=at(2026, 3, 10, 9, 0),
        until=at(2026, 3, 10, 17, 0),
    )
    assert _whens(log) == [end.at, start.at]


def test_newest_first(cast):
    moments = [at(2026, 5, d, h) for d, h in [(3, 9), (1, 15), (20, 8), (3, 10)]]
    for moment in moments:
        event(cast.senco, cast.learner, moment)
    log = accesses_of(
        learner=cast.learner,
        fetched_by=cast.la_colleague,
        since=dt.date(2026, 5, 1),
        until=dt.date(2026, 5, 31),
    )
    assert _whens(log) == sorted(moments, reverse=True)


def test_other_learners_and_learnerless_events_are_excluded(cast):
    mine = event(cast.health, cast.learner, at(2026, 6, 2))
    event(cast.other_parent, cast.other_learner, at(2026, 6, 2))
    event(
        cast.caseworker, None, at(2026, 6, 2), AuditEvent.Action.SEARCH, "page 1 of 1, 3 learners"
    )
    log = accesses_of(
        learner=cast.learner,
        fetched_by=cast.la_colleague,
        since=dt.date(2026, 6, 1),
        until=dt.date(2026, 6, 30),
    )
    assert _whens(log) == [mine.at]


def test_rows_say_who_with_their_role_and_organisation_on_the_day_and_what(cast):
    event(cast.health, cast.learner, at(2026, 6, 2), detail="shown: identity, needs")
    event(
        cast.caseworker, cast.learner, at(2026, 6, 3), AuditEvent.Action.EXPORT, "plan PDF, 1 file"
    )
    newest, oldest = list(
        accesses_of(
            learner=cast.learner,
            fetched_by=cast.la_colleague,
            since=dt.date(2026, 6, 1),
            until=dt.date(2026, 6, 30),
        )
    )
    assert newest.user_name == cast.caseworker.display_name
    assert newest.roles == "LA EHC coordinator, Lambeth Council (test)"
    assert newest.roles_at_the_time is True
    assert (newest.what, newest.detail) == ("Exported", "plan PDF, 1 file")
    assert oldest.roles == "Health practitioner, Test NHS Trust"
    assert (oldest.what, oldest.detail) == ("Read the record", "shown: identity, needs")


def test_role_is_the_one_held_on_the_day_not_today(cast):
    mover = UserFactory(username="mover", first_name="Morgan", last_name="Mover")
    school = OrganisationFactory(name="Old School", kind="setting")
    MembershipFactory(
        user=mover,
        organisation=school,
        role=Role.SETTING_STAFF,
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2025, 12, 31),
    )
    MembershipFactory(
        user=mover, organisation=cast.la, role=Role.LA_CASEWORKER, started_on=dt.date(2026, 1, 1)
    )
    event(mover, cast.learner, at(2025, 12, 31, 23, 0))
    event(mover, cast.learner, at(2026, 1, 1, 9, 0))
    newest, oldest = list(
        accesses_of(
            learner=cast.learner,
            fetched_by=cast.la_colleague,
            since=dt.date(2025, 12, 1),
            until=dt.date(2026, 1, 31),
        )
    )
    assert newest.roles == "LA EHC coordinator, Lambeth Council (test)"
    assert oldest.roles == "SENCO or setting SEND lead, Old School"
    assert oldest.roles_at_the_time and newest.roles_at_the_time


def test_without_a_role_on_the_day_the_current_role_is_given_and_marked(cast):
    Membership.objects.filter(user=cast.health).update(started_on=dt.date(2026, 7, 1))
    event(cast.health, cast.learner, at(2026, 6, 2))
    (only,) = list(
        accesses_of(
            learner=cast.learner,
            fetched_by=cast.la_colleague,
            since=dt.date(2026, 6, 1),
            until=dt.date(2026, 6, 30),
        )
    )
    assert only.roles == "Health practitioner, Test NHS Trust"
    assert only.roles_at_the_time is False


def test_an_la_administrator_may_investigate(cast):
    event(cast.health, cast.learner, at(2026, 6, 2))
    log = accesses_of(
        learner=cast.learner,
        fetched_by=la_admin(cast),
        since=dt.date(2026, 6, 1),
        until=dt.date(2026, 6, 30),
    )
    assert log.count() == 1


@pytest.mark.parametrize("who", ["caseworker", "senco", "health", "parent", "other_parent"])
def test_anyone_else_is_refused(cast, who):
    with pytest.raises(PermissionDenied):
        accesses_of(
            learner=cast.learner,
            fetched_by=getattr(cast, who),
            since=dt.date(2026, 6, 1),
            until=dt.date(2026, 6, 30),
        )


def test_a_manager_of_another_la_is_refused(cast):
    outsider = MembershipFactory(
        user=UserFactory(username="far-manager"), organisation=cast.other_la, role=Role.LA_MANAGER
    ).user
    assert not may_investigate_learner(learner=cast.learner, user=outsider)
    with pytest.raises(PermissionDenied):
        accesses_of(
            learner=cast.learner,
            fetched_by=outsider,
            since=dt.date(2026, 6, 1),
            until=dt.date(2026, 6, 30),
        )
    # And the page's access helper does not even say the learner exists.
    with pytest.raises(Http404):
        learner_for_investigator(outsider, cast.learner.pk)


def test_the_caseworker_who_can_see_the_record_gets_403_not_404(cast):
    with pytest.raises(PermissionDenied):
        learner_for_investigator(cast.caseworker, cast.learner.pk)


def test_an_archived_record_can_still_be_investigated(cast):
    cast.learner.archived_at = at(2026, 8, 1)
    cast.learner.save()
    assert learner_for_investigator(cast.la_colleague, cast.learner.pk) == cast.learner


def test_a_page_of_events_costs_the_same_queries_however_many_users(cast):
    def queries_for_first_page():
        log = accesses_of(
            learner=cast.learner,
            fetched_by=cast.la_colleague,
            since=dt.date(2026, 6, 1),
            until=dt.date(2026, 6, 30),
        )
        with CaptureQueriesContext(connection) as queries:
            log.count()
            log[0:25]
        return len(queries)

    event(cast.health, cast.learner, at(2026, 6, 2))
    few = queries_for_first_page()
    for n in range(30):
        user = MembershipFactory(
            user=UserFactory(username=f"reader-{n}"), organisation=cast.la
        ).user
        event(user, cast.learner, at(2026, 6, 3, 8, n))
    assert queries_for_first_page() == few == 3


def test_the_query_uses_the_learner_and_time_index(cast):
    log = accesses_of(
        learner=cast.learner,
        fetched_by=cast.la_colleague,
        since=dt.date(2026, 6, 1),
        until=dt.date(2026, 6, 30),
    )
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "learners_auditevent")
    index = next(c for name, c in constraints.items() if name.endswith("auditevent_learner_at"))
    assert index["index"] and index["columns"] == ["learner_id", "at"]
    if connection.vendor == "sqlite":
        # SQLite's planner is rule-based, so its plan is the same on a tiny test table as at a
        # million rows. PostgreSQL's depends on the table's statistics (on a tiny table it
        # may rightly pick another index and sort), so there only the index is checked.
        plan = log._events.explain()
        assert "auditevent_learner_at" in plan
        assert "TEMP B-TREE" not in plan  # already in time order: no sort


# The command line


def _run(*args: str) -> str:
    out = StringIO()
    call_command("audit-accesses", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_prints_the_window_as_csv_newest_first(cast):
    event(cast.health, cast.learner, at(2026, 6, 2, 9, 30))
    event(cast.senco, cast.learner, at(2026, 6, 5, 14, 0), detail="=HYPERLINK(1)")
    event(cast.senco, cast.learner, at(2026, 7, 1))  # after the window
    event(cast.senco, cast.other_learner, at(2026, 6, 3))
    lines = _run(
        "--learner", str(cast.learner.pk), "--from", "2026-06-01", "--to", "2026-06-30"
    ).splitlines()
    assert lines[0].startswith("Date and time,User,Username,Role and organisation")
    assert len(lines) == 3
    assert lines[1].startswith("2026-06-05 14:00:00,Test ")
    # Escaped, not a formula; then the address and session, which a command has none of.
    assert lines[1].endswith(",Read the record,'=HYPERLINK(1),,")
    assert lines[2].startswith("2026-06-02 09:30:00,")


def test_command_writes_a_file_with_out(cast, tmp_path):
    event(cast.health, cast.learner, at(2026, 6, 2))
    target = tmp_path / "accesses.csv"
    _run(
        "--learner",
        str(cast.learner.pk),
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
        "--out",
        str(target),
    )
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffDate and time,")
    assert len(text.splitlines()) == 2


def test_command_exits_1_for_an_unknown_learner(cast):
    with pytest.raises(CommandError) as failed:
        _run("--learner", "999999", "--from", "2026-06-01", "--to", "2026-06-30")
    assert failed.value.returncode == 1


@pytest.mark.parametrize(
    ("since", "until"),
    [("2026-02-30", "2026-03-01"), ("1/6/2026", "2026-06-30"), ("2026-06-30", "2026-06-01")],
)
def test_command_exits_2_for_bad_dates(cast, since, until):
    with pytest.raises(CommandError) as failed:
        _run("--learner", str(cast.learner.pk), "--from", since, "--to", until)
    assert failed.value.returncode == 2


def test_command_line_exit_status_is_2_for_a_bad_date():
    # The real process: the status an investigator's script sees. Dates are checked before
    # the database is touched, so this needs no test database.
    done = subprocess.run(
        [sys.executable, "-m", "sendplan", "audit-accesses", "--learner", "1"]
        + ["--from", "2026-13-01", "--to", "2026-06-30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "--from must be a date as YYYY-MM-DD" in done.stderr
