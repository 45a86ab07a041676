"""The "Who has looked at this record" page and its CSV."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.learners.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.learners.audit_builders import at, event, la_admin

# Midday in London, so "today" and the default window are fixed.
NOW = at(2026, 6, 15, 12, 0)
JUNE = {
    "since_day": "1",
    "since_month": "6",
    "since_year": "2026",
    "until_day": "30",
    "until_month": "6",
    "until_year": "2026",
}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _page(cast):
    return reverse("learners:accesses", args=[cast.learner.pk])


def _csv(cast):
    return reverse("learners:accesses-csv", args=[cast.learner.pk])


def _own_audit(user, action=None):
    events = AuditEvent.objects.filter(user=user)
    return list(events.filter(action=action) if action else events)


def test_manager_sees_who_looked_newest_first(cast):
    event(cast.health, cast.learner, at(2026, 6, 2, 9, 30))
    event(cast.senco, cast.learner, at(2026, 6, 5, 14, 0), detail="case page")
    response = cast.client_for(cast.la_colleague).get(_page(cast), JUNE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 accesses from 1 June 2026 to 30 June 2026, newest first" in html
    senco_row = html.index("2:00pm on 5 June 2026")
    health_row = html.index("9:30am on 2 June 2026")
    assert senco_row < health_row
    assert "Health practitioner, Test NHS Trust" in html
    assert "case page" in html
    assert f"{_csv(cast)}?since_day=1&amp;since_month=6&amp;since_year=2026" in html


def test_default_window_is_the_last_30_days(cast):
    event(cast.health, cast.learner, at(2026, 5, 16, 0, 5))  # 30 days before today
    event(cast.health, cast.learner, at(2026, 5, 15, 23, 55))  # 31 days before
    html = cast.client_for(cast.la_colleague).get(_page(cast)).content.decode()
    assert "1 access from 16 May 2026 to 15 June 2026" in html
    # The boxes show the window used.
    assert 'name="since_day" type="text" inputmode="numeric" value="16"' in html


def test_an_la_administrator_may_use_the_page(cast):
    assert cast.client_for(la_admin(cast)).get(_page(cast), JUNE).status_code == 200


@pytest.mark.parametrize("who", ["caseworker", "senco", "health", "parent", "other_parent"])
def test_everyone_else_is_refused_page_and_csv(cast, who):
    client = cast.client_for(getattr(cast, who))
    assert client.get(_page(cast), JUNE).status_code == 403
    assert client.get(_csv(cast), JUNE).status_code == 403
    assert not AuditEvent.objects.filter(user=getattr(cast, who)).exists()


def test_a_manager_of_another_la_gets_404(cast):
    outsider = MembershipFactory(
        user=UserFactory(username="far-manager"), organisation=cast.other_la, role="la_manager"
    ).user
    assert cast.client_for(outsider).get(_page(cast), JUNE).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    response = client.get(_page(cast), JUNE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_page_refuses_post(cast):
    assert cast.client_for(cast.la_colleague).post(_page(cast)).status_code == 405


def test_record_links_to_the_page_only_for_investigators(cast):
    record = reverse("learners:record", args=[cast.learner.pk])
    assert _page(cast) in cast.client_for(cast.la_colleague).get(record).content.decode()
    assert _page(cast) in cast.client_for(la_admin(cast)).get(record).content.decode()
    for who in (cast.caseworker, cast.senco, cast.health, cast.parent):
        assert _page(cast) not in cast.client_for(who).get(record).content.decode()


def test_viewing_the_page_is_audited_with_counts_only(cast):
    event(cast.health, cast.learner, at(2026, 6, 2))
    event(cast.senco, cast.learner, at(2026, 6, 3))
    cast.client_for(cast.la_colleague).get(_page(cast), JUNE)
    (audit,) = _own_audit(cast.la_colleague)
    assert audit.learner_id == cast.learner.pk
    assert audit.action == AuditEvent.Action.VIEW_RECORD
    assert audit.detail == "access log: page 1 of 1, 2 events over 30 days"


def test_the_investigation_itself_shows_up_in_the_log(cast):
    client = cast.client_for(cast.la_colleague)
    client.get(_page(cast), JUNE)
    html = client.get(_page(cast), JUNE).content.decode()
    assert "Looked at who has accessed the record" in html
    assert "access log: page 1 of 1, 0 events over 30 days" in html


def test_csv_holds_the_whole_window_escaped_and_is_audited_with_counts_only(cast):
    for n in range(30):
        event(cast.health, cast.learner, at(2026, 6, 2, 8, n))
    event(cast.senco, cast.learner, at(2026, 6, 20), detail="@SUM(A1)")
    event(cast.senco, cast.learner, at(2026, 7, 2))  # outside
    response = cast.client_for(cast.la_colleague).get(_csv(cast), JUNE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="accesses-learner-{cast.learner.pk}-2026-06-01-to-2026-06-30.csv"'
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 31  # every row, not one page
    assert lines[1].startswith("2026-06-20 12:00:00,")
    assert lines[1].endswith(",Read the record,'@SUM(A1),,")  # written outside a request
    (audit,) = _own_audit(cast.la_colleague)
    assert (audit.action, audit.learner_id) == (AuditEvent.Action.EXPORT, cast.learner.pk)
    assert audit.detail == "access log CSV, 31 events over 30 days"


def test_pages_of_25_with_the_dates_kept_in_the_page_links(cast):
    for n in range(30):
        event(cast.health, cast.learner, at(2026, 6, 2, 8, n))
    client = cast.client_for(cast.la_colleague)
    first = client.get(_page(cast), JUNE).content.decode()
    assert first.count('<th scope="row" class="govuk-table__header">') == 25
    assert "(page 1 of 2)" in first
    assert "page=2" in first and "since_day=1" in first
    second = client.get(_page(cast), {**JUNE, "page": "2"}).content.decode()
    # 31 now: viewing page 1 (today, inside the window) is itself an access.
    assert "(page 2 of 2)" in second
    assert second.count('<th scope="row" class="govuk-table__header">') == 6
    assert "8:05am on 2 June 2026" in second  # the oldest six
    assert "8:06am on 2 June 2026" not in second


def test_the_url_holds_dates_only(cast):
    event(cast.health, cast.learner, at(2026, 6, 2))
    html = cast.client_for(cast.la_colleague).get(_page(cast), JUNE).content.decode()
    assert 'method="get"' in html
    assert "Jamie" in html  # the page names the learner, but no link or form does
    urls = " ".join(re.findall(r'(?:href|action)="([^"]*)"', html))
    for identifying in ("Jamie", "Okonkwo", "F820200109001"):
        assert identifying not in urls


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**JUNE, "until_day": "31"}, "To must be a real date"),
        (
            {**JUNE, "until_month": "5"},
            "The ‘to’ date must be the same as or after the ‘from’ date",
        ),
        ({**JUNE, "since_year": ""}, "From must include a year"),
    ],
)
def test_bad_dates_are_explained_and_nothing_is_listed(cast, data, message):
    event(cast.health, cast.learner, at(2026, 6, 2))
    response = cast.client_for(cast.la_colleague).get(_page(cast), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert "govuk-table" not in html
    assert not _own_audit(cast.la_colleague)
    assert cast.client_for(cast.la_colleague).get(_csv(cast), data).status_code == 400


def test_page_costs_the_same_queries_with_2_or_25_events_on_it(cast):
    client = cast.client_for(cast.la_colleague)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_page(cast), JUNE).status_code == 200
        return len(captured)

    event(cast.health, cast.learner, at(2026, 6, 2))
    queries()  # warm: the session and the user's standing are the same on every request
    few = queries()
    for n in range(40):
        reader = MembershipFactory(user=UserFactory(username=f"reader-{n}"), organisation=cast.la)
        event(reader.user, cast.learner, at(2026, 6, 3, 8, n))
    assert queries() == few


def test_a_role_not_held_on_the_day_is_marked_as_today_s(cast):
    cast.health.memberships.update(started_on=dt.date(2026, 6, 10))
    event(cast.health, cast.learner, at(2026, 6, 4))
    html = cast.client_for(cast.la_colleague).get(_page(cast), JUNE).content.decode()
    assert "Health practitioner, Test NHS Trust (now; no role recorded on the day)" in html
