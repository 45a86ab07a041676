"""Completing a lawful exception later: the day it ended and the day the family were told
(CoP 9.43), as a step on the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import CaseException, Stage
from tests.casework_pages.tray_builders import TODAY, at, make_case

STARTED = dt.date(2025, 3, 1)


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _exception(cast, case, *, key="reg10_4_d", **dates) -> CaseException:
    return case_services.exception_record(
        case_id=case.pk,
        key=key,
        reason="Family abroad",
        starts_on=STARTED,
        changed_by=cast.caseworker,
        **dates,
    )


def _post(cast, case, data, *, who="caseworker"):
    url = reverse("casework:action", args=[case.pk, "exception-update"])
    return cast.client_for(getattr(cast, who)).post(url, data)


def _case_page(cast, case) -> str:
    return (
        cast.client_for(cast.caseworker)
        .get(reverse("casework:case", args=[case.pk]))
        .content.decode()
    )


def test_the_step_is_offered_only_while_an_exception_lacks_a_date(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    assert "exception-update" not in _case_page(cast, case)
    _exception(cast, case)
    assert "Record that an exception ended or the family were told" in _case_page(cast, case)
    _exception(cast, case, key="reg10_4_c", ends_on=dt.date(2025, 4, 1), family_told_on=STARTED)
    page = cast.client_for(cast.caseworker).get(
        reverse("casework:action", args=[case.pk, "exception-update"])
    )
    # Only the exception with a date still missing can be chosen.
    assert page.content.decode().count('name="exception"') == 1


def test_recording_the_end_and_the_family_told_reads_in_the_timeline(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    record = _exception(cast, case)
    data = {
        "exception": str(record.pk),
        **_date("ends_on", dt.date(2025, 4, 4)),
        **_date("family_told_on", dt.date(2025, 3, 3)),
    }
    response = _post(cast, case, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert (record.ends_on, record.family_told_on) == (dt.date(2025, 4, 4), dt.date(2025, 3, 3))
    page = _case_page(cast, case)
    assert "Lawful exception ended (Reg 10(4)(d))" in page
    assert "Family told of the exception (Reg 10(4)(d))" in page
    assert "Record that an exception ended or the family were told" not in page


def test_a_recorded_date_is_not_overwritten(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    record = _exception(cast, case, family_told_on=STARTED)
    data = {"exception": str(record.pk), **_date("family_told_on", dt.date(2025, 3, 9))}
    html = _post(cast, case, data).content.decode()
    assert "This date is already recorded (1 March 2025)." in html
    record.refresh_from_db()
    assert record.family_told_on == STARTED


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({}, "Enter the date the exception ended, or when the family were told."),
        ({"ends_on": dt.date(2025, 3, 20)}, "An absence must last at least 4 continuous weeks."),
        ({"ends_on": dt.date(2025, 2, 28)}, "The date cannot be before the start of the exception"),
        ({"family_told_on": TODAY + dt.timedelta(days=1)}, "cannot be in the future"),
    ],
)
def test_bad_dates_are_refused_and_the_answers_kept(cast, frozen, dates, message):
    case = make_case(cast, Stage.ASSESSING)
    record = _exception(cast, case)
    data = {"exception": str(record.pk)}
    for name, day in dates.items():
        data |= _date(name, day)
    html = _post(cast, case, data).content.decode()
    assert message in html
    for name, day in dates.items():
        assert f'value="{day.year}"' in html and f'name="{name}_year"' in html
    record.refresh_from_db()
    assert record.ends_on is None and record.family_told_on is None


def test_only_someone_who_may_change_the_case_can_complete_it(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    record = _exception(cast, case)
    data = {"exception": str(record.pk), **_date("family_told_on", STARTED)}
    assert _post(cast, case, data, who="la_colleague").status_code == 403
    assert _post(cast, case, data, who="parent").status_code == 403
    record.refresh_from_db()
    assert record.family_told_on is None
