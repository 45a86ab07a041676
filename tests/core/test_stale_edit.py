"""The one refusal of a stale save: who changed the record and when, in GOV.UK style."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sendplan.core.errors import KEEP_TYPED, StaleEdit

SAVED_AT = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)  # 9:30am in London in winter


def test_the_message_names_who_and_when_in_govuk_style():
    stale = StaleEdit(changed_by="Sam Jones", changed_at=SAVED_AT)
    assert stale.message(what="this plan") == (
        f"Sam Jones changed this plan at 9:30am on 5 January 2026. {KEEP_TYPED}"
    )


def test_a_page_may_say_what_to_do_next():
    stale = StaleEdit(changed_by="Sam Jones", changed_at=SAVED_AT)
    assert stale.message(then="Check the draft").endswith(
        "this record at 9:30am on 5 January 2026. Check the draft"
    )


def test_built_from_a_row_it_takes_the_rows_last_change():
    row = SimpleNamespace(
        modified_by=SimpleNamespace(display_name="Ali Khan"), modified_at=SAVED_AT
    )
    stale = StaleEdit.of(row)
    assert (stale.changed_by, stale.changed_at) == ("Ali Khan", SAVED_AT)


def test_a_row_with_no_known_author_says_someone_else():
    stale = StaleEdit.of(SimpleNamespace(modified_by=None, modified_at=None))
    assert stale.message().startswith("Someone else changed this record at an unknown time.")
