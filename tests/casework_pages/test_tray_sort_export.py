"""The work tray sorted by column, and downloaded as CSV: order, headers, escaping, audit,
access and the query budget."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.tray.selectors import work_tray
from sendplan.casework.tray.views import HEADER
from sendplan.learners.models import AuditEvent, Learner
from tests.casework_pages.tray_builders import (
    TODAY,
    at,
    case_for_new_learner,
    make_case,
    overdue_at_risk_and_due_soon,
)
from tests.factories import LearnerFactory, MembershipFactory, OrganisationFactory, UserFactory

TRAY = reverse("casework:tray")
CSV = reverse("casework:tray-csv")
OLIVE, ARI, DEE = "Olive Overdue-Test", "Ari Atrisk-Test", "Dee Duesoon-Test"
# The default order: overdue (Olive's decision 17 February and not-to-issue 28 April, Ari's
# not-to-issue 19 May, Olive's final plan 26 May), at risk (Ari), due this week (Dee).
GROUPED = [OLIVE, OLIVE, ARI, OLIVE, ARI, DEE]


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def three(cast, frozen):
    return overdue_at_risk_and_due_soon(cast)


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _row_names(html: str) -> list[str]:
    """The learner named in each table row, top to bottom."""
    return re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)<span', html)


def _headers(html: str) -> dict[str, tuple[str | None, str]]:
    """Column heading -> (its aria-sort or None, its link's href or "")."""
    found = {}
    for aria, inner in re.findall(
        r'<th scope="col" class="govuk-table__header"(?: aria-sort="(\w+)")?>(.*?)</th>', html
    ):
        label = re.sub(r"<span[^>]*>.*?</span>|<[^>]+>", "", inner).strip()
        href = re.search(r'href="([^"]*)"', inner)
        found[label] = (aria or None, href.group(1).replace("&amp;", "&") if href else "")
    return found


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# Sorting: the selector.


def _order(cast, **sort) -> list[tuple[int, str]]:
    rows = work_tray(fetched_by=cast.caseworker, today=TODAY, **sort).rows
    return [(row.case.pk, row.deadline.id) for row in rows]


def test_due_date_descending_is_the_grouped_order_reversed(cast, three):
    grouped = _order(cast)
    assert _order(cast, sort="due") == grouped
    assert _order(cast, sort="due", descending=True) == grouped[::-1]


def test_sorting_by_learner_keeps_each_learners_deadlines_in_urgency_order(cast, three):
    ari, dee, olive = three["at_risk"].pk, three["due_soon"].pk, three["overdue"].pk
    grouped = _order(cast)
    olives = [key for key in grouped if key[0] == olive]
    assert len(olives) == 3
    aris = [(ari, "not_to_issue"), (ari, "final_plan")]  # overdue, then at risk
    dees = [(dee, "decision_to_assess")]
    assert _order(cast, sort="learner") == aris + dees + olives
    assert _order(cast, sort="learner", descending=True) == olives + dees + aris


def test_an_unknown_sort_is_refused_by_the_selector(cast, frozen):
    with pytest.raises(ValueError, match="sort must be one of"):
        work_tray(fetched_by=cast.caseworker, today=TODAY, sort="name")


# Sorting: the page.


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("sort=due&order=asc", GROUPED),
        ("sort=due&order=desc", GROUPED[::-1]),
        ("sort=learner&order=asc", [ARI, ARI, DEE] + [OLIVE] * 3),
        ("sort=learner&order=desc", [OLIVE] * 3 + [DEE, ARI, ARI]),
        # Stages in the order of the process: request received, then assessing.
        ("sort=stage&order=asc", [OLIVE] * 3 + [DEE, ARI, ARI]),
        ("sort=stage&order=desc", [ARI, ARI] + [OLIVE] * 3 + [DEE]),
        # Received 6 January, 27 January and 23 April 2025.
        ("sort=received&order=asc", [OLIVE] * 3 + [ARI, ARI, DEE]),
        ("sort=received&order=desc", [DEE, ARI, ARI] + [OLIVE] * 3),
    ],
)
def test_each_column_sorts_both_ways(cast, three, query, names):
    html = _html(cast.client_for(cast.caseworker).get(f"{TRAY}?{query}"))
    assert _row_names(html) == names


def test_a_sort_other_than_due_date_mixes_the_groups_but_keeps_every_status_tag(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?sort=learner&order=asc"))
    tags = re.findall(r'govuk-tag--\w+">([^<]+)<', html)
    assert tags == ["Overdue", "At risk", "Due this week"] + ["Overdue"] * 3


@pytest.mark.parametrize(
    "query", ["sort=nonsense", "sort=nonsense&order=desc", "sort=&order=desc", "sort=Olive"]
)
def test_an_unknown_sort_gives_the_default_order(cast, three, query):
    client = cast.client_for(cast.caseworker)
    default = _html(client.get(TRAY))
    html = _html(client.get(f"{TRAY}?{query}"))
    assert _row_names(html) == _row_names(default) == GROUPED
    assert _headers(html)["Due"][0] == "ascending"


def test_an_unknown_direction_sorts_ascending(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?sort=learner&order=sideways"))
    assert _row_names(html) == [ARI, ARI, DEE] + [OLIVE] * 3
    assert _headers(html)["Learner"][0] == "ascending"


def test_the_sorted_header_has_aria_sort_and_says_how_it_is_sorted(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?sort=received&order=desc"))
    headers = _headers(html)
    assert headers["Received"][0] == "descending"
    assert headers["Learner"][0] == headers["Stage"][0] == headers["Due"][0] == "none"
    assert headers["Deadline"] == headers["Status"] == headers["Legal basis"] == (None, "")
    assert html.count("aria-sort=") == 4
    assert (
        '<span class="govuk-visually-hidden">, sorted newest request first; '
        "select to sort oldest request first</span>" in html
    )


def test_the_default_tray_marks_due_date_as_sorted(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    assert _headers(html)["Due"][0] == "ascending"
    assert ", sorted most urgent first; select to sort least urgent first" in html


def test_header_links_flip_the_sorted_column_and_keep_the_filters(cast, three):
    html = _html(
        cast.client_for(cast.caseworker).get(
            TRAY + "?stage=requested&status=overdue&sort=learner&order=asc&page=1"
        )
    )
    headers = _headers(html)
    keep = f"{TRAY}?stage=requested&status=overdue"
    assert headers["Learner"][1] == f"{keep}&sort=learner&order=desc"
    assert headers["Stage"][1] == f"{keep}&sort=stage&order=asc"
    assert headers["Received"][1] == f"{keep}&sort=received&order=asc"
    assert headers["Due"][1] == f"{keep}&sort=due&order=asc"


def test_tabs_filter_form_and_download_keep_the_sort(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?sort=stage&order=desc"))
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*)"', html)]
    assert f"{TRAY}?status=at_risk&sort=stage&order=desc" in links
    assert f"{TRAY}?sort=stage&order=desc" in links  # the "All" tab
    assert f"{CSV}?sort=stage&order=desc" in links
    assert '<input type="hidden" name="sort" value="stage">' in html
    assert '<input type="hidden" name="order" value="desc">' in html
    assert not [link for link in links if "test" in link.lower()]  # no names in any URL


def test_a_sort_covers_the_whole_list_not_only_the_page(cast, frozen):
    for n, name in enumerate(["Zed", "Yan", "Xia", "Wren", "Val", "Uma", "Tom", "Sol", "Rae"]):
        # Three overdue limits each: 27 rows; the oldest request is Rae's.
        case_for_new_learner(
            cast,
            Stage.REQUESTED,
            received_on=dt.date(2025, 1, 6) - dt.timedelta(days=8 - n),
            name=f"{name} Sorting-Test",
        )
    client = cast.client_for(cast.caseworker)
    second = _html(client.get(TRAY + "?sort=learner&order=asc&page=2"))
    assert _row_names(second) == ["Zed Sorting-Test"] * 2
    first = _html(client.get(TRAY + "?sort=learner&order=desc"))
    assert _row_names(first)[:4] == ["Zed Sorting-Test"] * 3 + ["Yan Sorting-Test"]
    assert "sort=learner&amp;order=desc&amp;page=2" in first


# The download.


def test_the_csv_has_the_header_and_one_row_per_tray_row_in_the_trays_order(cast, three):
    client = cast.client_for(cast.caseworker)
    query = "?sort=learner&order=desc"
    shown = _row_names(_html(client.get(TRAY + query)))
    response = client.get(CSV + query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = _csv(response)
    assert rows[0] == list(HEADER)
    assert [row[2] for row in rows[1:]] == shown == [OLIVE] * 3 + [DEE, ARI, ARI]


def test_a_csv_row_carries_the_case_the_learner_and_the_deadline(cast, three):
    rows = _csv(cast.client_for(cast.caseworker).get(CSV))
    record = dict(zip(rows[0], rows[1], strict=True))
    overdue = three["overdue"]
    assert record["Case number"] == str(overdue.pk)
    assert record["Learner record number"] == str(overdue.learner_id)
    assert record["Learner"] == OLIVE
    assert record["Date of birth"] == "2014-05-17"
    assert record["Stage"] == "Request received"
    assert record["Due date"] == "2025-02-17"  # 6 weeks from 6 January
    assert record["Days until due"] == "-105"
    assert record["Status"] == "Overdue"
    assert "Reg 5(1)" in record["Legal basis"]
    assert record["Date received"] == "2025-01-06"
    assert record["Caseworker"] == cast.caseworker.display_name
    at_risk = next(dict(zip(rows[0], r, strict=True)) for r in rows if r[8] == "At risk")
    assert at_risk["Why at risk"] and at_risk["Learner"] == ARI


def test_the_csv_follows_the_filters(cast, three):
    client = cast.client_for(cast.caseworker)
    overdue = _csv(client.get(CSV + "?status=overdue"))
    assert len(overdue) == 1 + 4 and {row[8] for row in overdue[1:]} == {"Overdue"}
    assessing = _csv(client.get(CSV + "?stage=assessing"))
    assert {row[2] for row in assessing[1:]} == {ARI} and len(assessing) == 3


def test_the_csv_escapes_a_name_a_spreadsheet_would_run_as_a_formula(cast, frozen):
    case_for_new_learner(
        cast, Stage.REQUESTED, received_on=dt.date(2025, 1, 6), name="=HYPERLINK(1) Formula-Test"
    )
    rows = _csv(cast.client_for(cast.caseworker).get(CSV))
    assert {row[2] for row in rows[1:]} == {"'=HYPERLINK(1) Formula-Test"}
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "@"))]


def test_the_csv_is_an_attachment_named_by_date_only_and_not_cached(cast, three):
    response = cast.client_for(cast.caseworker).get(CSV + "?sort=learner")
    assert response["Content-Disposition"] == 'attachment; filename="work-tray-2025-06-02.csv"'
    assert response["Cache-Control"] == "no-store"


def test_the_csv_writes_exactly_one_audit_event_with_counts_and_no_names(cast, three):
    before = AuditEvent.objects.count()
    cast.client_for(cast.caseworker).get(CSV)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("at")
    assert event.user == cast.caseworker and event.learner is None
    assert event.action == AuditEvent.Action.EXPORT
    assert event.detail == "work tray CSV, 6 deadlines on 3 cases"
    assert not [name for name in (OLIVE, ARI, DEE) for part in name.split() if part in event.detail]


def test_another_caseworkers_cases_are_not_in_the_export(cast, three):
    other = MembershipFactory(
        user=UserFactory(username="other-caseworker"),
        organisation=cast.la,
        role=Role.LA_CASEWORKER,
    ).user
    learner = LearnerFactory(given_name="Theo", family_name="Theirs-Test", responsible_la=cast.la)
    case_services.request_record(
        learner_id=learner.pk,
        received_on=dt.date(2025, 1, 6),
        source=Case.Source.PARENT,
        requested_by="Mother",
        caseworker=other,
        changed_by=other,
    )
    mine = _csv(cast.client_for(cast.caseworker).get(CSV))
    assert "Theo Theirs-Test" not in {row[2] for row in mine} and len(mine) == 1 + 6
    theirs = _csv(cast.client_for(other).get(CSV))
    assert {row[2] for row in theirs[1:]} == {"Theo Theirs-Test"}
    assert {row[13] for row in theirs[1:]} == {other.display_name}
    # An LA manager sees every learner but has no cases of their own: the header only.
    assert _csv(cast.client_for(cast.la_colleague).get(CSV)) == [list(HEADER)]


def test_an_empty_tray_offers_no_download(cast, frozen):
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    assert "Download this list" not in html and CSV not in html


def test_the_tray_offers_the_download_with_its_size(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    assert f'<a class="govuk-link" href="{CSV}">Download this list (CSV, 6 deadlines)</a>' in html


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_the_csv_is_for_la_staff_only(cast, who):
    assert cast.client_for(getattr(cast, who)).get(CSV).status_code == 403


def test_the_csv_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(CSV)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_csv_refuses_post(cast):
    assert cast.client_for(cast.caseworker).post(CSV).status_code == 405


# The query budget with a caseload of 50 and of 200.


def _bulk_caseload(cast, count: int, *, start: int) -> None:
    """``count`` more cases for the cast's caseworker, written in bulk: requests waiting for
    the decision and assessments with advice asked, dated so that most are in the tray."""
    learners = Learner.objects.bulk_create(
        [
            Learner(
                given_name=f"Bulk{start + n}",
                family_name="Caseload-Test",
                date_of_birth=dt.date(2013, 9, 1),
                responsible_la=cast.la,
            )
            for n in range(count)
        ]
    )
    health = OrganisationFactory(name=f"Bulk NHS Trust {start}")
    cases = []
    for n, learner in enumerate(learners):
        if n % 2:
            # Assessing: the 20-week final plan is due within 3 weeks with no draft (at risk
            # or overdue), and the 16-week decision not to issue is past.
            received = TODAY - dt.timedelta(weeks=18, days=n % 21)
            cases.append(
                Case(
                    learner=learner,
                    received_on=received,
                    source=Case.Source.PARENT,
                    requested_by="Mother",
                    caseworker=cast.caseworker,
                    stage=Stage.ASSESSING,
                    decision_on=received + dt.timedelta(weeks=5),
                    assess=True,
                    decision_reasons="May need a plan",
                )
            )
        else:
            # Waiting for the 6-week decision: due this week or overdue.
            cases.append(
                Case(
                    learner=learner,
                    received_on=TODAY - dt.timedelta(days=36 + n % 30),
                    source=Case.Source.PARENT,
                    requested_by="Mother",
                    caseworker=cast.caseworker,
                )
            )
    Case.objects.bulk_create(cases)
    asked = [case for case in cases if case.stage == Stage.ASSESSING]
    AdviceRequest.objects.bulk_create(
        [
            AdviceRequest(
                case=case,
                kind=AdviceRequest.Kind.HEALTH,
                organisation=health,
                requested_on=case.decision_on,
                due_on=clock.due(clock.ADVICE, case.decision_on),
            )
            for case in asked
        ]
    )


def _one_of_everything_the_tray_prefetches(cast) -> None:
    """A maintained plan, an exception and an appeal with an order: each nested prefetch
    then runs whatever the caseload, so the budget is compared like for like."""
    learner = LearnerFactory(responsible_la=cast.la)
    case = make_case(cast, Stage.FINAL_ISSUED, learner=learner, received_on=dt.date(2024, 6, 3))
    case_services.exception_record(
        case_id=case.pk,
        key="reg10_4_c",
        reason="Illness",
        starts_on=case.received_on,
        changed_by=cast.caseworker,
    )
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="plan_contents",
        registered_on=TODAY - dt.timedelta(days=10),
        changed_by=cast.caseworker,
    )
    dispute_services.tribunal_order_record(
        appeal_id=appeal.pk,
        kind="other",
        description="Send the Tribunal the advice received",
        due_on=TODAY + dt.timedelta(days=3),
        changed_by=cast.caseworker,
    )


def _measure(client, url: str) -> tuple[int, int]:
    """Queries for one request, and the deadlines it listed."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith(CSV):
        rows = len(_csv(response)) - 1
    else:
        found = re.search(r": (\d+) deadlines? on (\d+) cases?", response.content.decode())
        assert found is not None
        rows = int(found.group(1))
    return len(captured), rows


def test_sorted_tray_and_download_cost_the_same_queries_for_50_and_200_cases(cast, frozen):
    overdue_at_risk_and_due_soon(cast)
    _one_of_everything_the_tray_prefetches(cast)
    _bulk_caseload(cast, 46, start=0)
    assert Case.objects.filter(caseworker=cast.caseworker).count() == 50
    client = cast.client_for(cast.caseworker)
    urls = [
        TRAY + "?sort=learner&order=desc",
        TRAY + "?sort=received&order=asc&page=2",
        TRAY + "?sort=stage&order=asc&stage=assessing",
        TRAY,
        CSV + "?sort=learner&order=desc",
        CSV,
    ]
    client.get(TRAY)  # the session and the user's standing, as on any later request
    fifty = {url: _measure(client, url) for url in urls}
    _bulk_caseload(cast, 150, start=46)
    assert Case.objects.filter(caseworker=cast.caseworker).count() == 200
    two_hundred = {url: _measure(client, url) for url in urls}
    for url in urls:
        (few, few_rows), (many, many_rows) = fifty[url], two_hundred[url]
        assert many_rows > few_rows > 25, url  # the caseload really reached the page
        assert many == few, f"{url}: {few} queries for 50 cases, {many} for 200"
        assert many <= 24, url  # the tray's budget (test_tray.py), sorted or downloaded
