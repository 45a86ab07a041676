"""The delivery file: all or nothing, every bad line named by line and column."""

from __future__ import annotations

import pytest

from sendplan.delivery.csv_format import read_delivery_file
from sendplan.delivery.models import DeliveryEntry
from sendplan.delivery.services import delivery_import
from tests.delivery.conftest import TODAY

pytestmark = pytest.mark.django_db

HEADER = (
    "commitment,week_starting,delivered_minutes,missed_minutes,missed_reason,nothing_due,note\n"
)


def read(cast, text: str, user=None):
    return read_delivery_file(
        label="weeks.csv", data=text.encode(), user=user or cast.senco, today=TODAY
    )


def test_a_good_file_is_recorded_whole(cast, issued):
    c = issued.speech.pk
    text = HEADER + (
        f"{c},2026-11-16,60,0,,no,\n"
        f"{c},2026-11-23,30,30,staff_absent,,TA off sick\n"
        f"{c},2026-10-26,,,,yes,Half term\n"
    )
    result = read(cast, text)
    assert result.problems == []
    assert delivery_import(weeks=result.weeks, changed_by=cast.senco, today=TODAY) == 3
    entries = DeliveryEntry.objects.filter(commitment=issued.speech).order_by("week_starting")
    assert [(e.due, e.delivered_minutes, e.missed_reason) for e in entries] == [
        (False, 0, ""),
        (True, 60, ""),
        (True, 30, "staff_absent"),
    ]


def test_every_bad_line_is_named_and_nothing_is_recorded(cast, issued):
    c, theirs = issued.speech.pk, issued.therapy.pk
    text = HEADER + (
        f"{c},2026-11-16,60,0,,,\n"  # line 2: fine
        f"{c},2026-11-17,60,0,,,\n"  # line 3: a Tuesday
        f"{c},23/11/2026,60,0,,,\n"  # line 4: not ISO
        f"{c},2026-11-09,sixty,0,,,\n"  # line 5: not a number
        f"{c},2026-11-02,30,30,,,\n"  # line 6: missed without a reason
        f"{theirs},2026-11-16,45,0,,,\n"  # line 7: the trust's row, not the school's
        f"{c},2026-11-16,60,0,,,\n"  # line 8: the same week as line 2
        f"{c},2026-10-26,60,0,sick,,\n"  # line 9: unknown reason
        f"{c},2026-12-07,60,0,,,\n"  # line 10: in the future
        f"{c},2026-10-19,60\n"  # line 11: too few fields
        f"{issued.group.pk},2026-11-16,60,0,,,\n"  # line 12: not quantified
    )
    result = read(cast, text)
    assert result.weeks == []
    assert result.problems == [
        "weeks.csv:3: week_starting: Give the Monday the week starts on",
        "weeks.csv:4: week_starting: '23/11/2026' is not a date as YYYY-MM-DD",
        "weeks.csv:5: delivered_minutes: 'sixty' is not a whole number of minutes",
        "weeks.csv:6: missed_reason: Say why provision was missed",
        f"weeks.csv:7: commitment: {theirs} is not a provision you record delivery for",
        "weeks.csv:8: week_starting: the same provision and week are on line 2",
        "weeks.csv:9: missed_reason: 'sick' is not one of learner_absent, other, "
        "provider_cancelled, setting_closed, staff_absent",
        "weeks.csv:10: week_starting: The week must not be in the future",
        "weeks.csv:11: line: has 3 fields; the header has 7",
        "weeks.csv:12: commitment: The caseworker has not yet said how much of this "
        "provision is due",
    ]
    assert not DeliveryEntry.objects.exists()


def test_a_missing_column_is_named_in_the_header(cast, issued):
    result = read(cast, "commitment,week,delivered_minutes\n1,2026-11-16,60\n")
    assert result.problems == [
        "weeks.csv:1: header: missing column week_starting, missed_minutes, missed_reason",
        "weeks.csv:1: header: unknown column week",
    ]


def test_a_spreadsheet_saved_as_utf_16_is_refused_with_what_to_do(cast, issued):
    result = read_delivery_file(
        label="weeks.csv", data=HEADER.encode("utf-16"), user=cast.senco, today=TODAY
    )
    assert result.problems == ["weeks.csv:1: file: is UTF-16 text, not UTF-8; save it as CSV UTF-8"]


def test_a_header_alone_is_refused(cast, issued):
    assert read(cast, HEADER).problems == ["weeks.csv:1: file: has a header but no lines"]
