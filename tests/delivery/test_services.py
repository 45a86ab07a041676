"""Commitments follow the plan in force; weeks are recorded by the people who deliver them;
the weekly totals agree with the entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sendplan.casework.case.models import Stage
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.core.errors import StaleEdit
from sendplan.delivery.models import Commitment, DeliveryEntry, Responsible, WeeklyTotal
from sendplan.delivery.selectors import caseload_shortfalls, plan_delivery, recordable_commitments
from sendplan.delivery.services import (
    WeekInput,
    commitment_quantify,
    commitments_sync,
    delivery_record,
    delivery_totals_rebuild,
)
from tests.casework.conftest import make_case
from tests.delivery.conftest import TODAY, WEEKS, row

pytestmark = pytest.mark.django_db


def week(monday: dt.date, delivered: int, missed: int = 0, reason: str = "", due: bool = True):
    return WeekInput(monday, due, delivered, missed, reason, "")


def test_each_quantified_row_becomes_a_commitment_with_who_delivers_it(cast, issued):
    assert issued.speech.minutes_per_session == 30 and issued.speech.sessions == 2
    # Section F with no organisation named: the setting named in section I delivers it.
    assert issued.speech.responsible == Responsible.SETTING
    assert issued.speech.organisation_id == cast.setting.organisation_id
    assert issued.therapy.responsible == Responsible.HEALTH
    assert issued.therapy.period == "fortnight"
    assert not issued.group.is_quantified
    assert issued.speech.started_on == issued.version.issued_on


def test_syncing_twice_changes_nothing(cast, issued):
    again = commitments_sync(plan_id=issued.plan.pk, changed_by=cast.caseworker)
    assert (again.started, again.carried, again.ended) == (0, 0, 0)
    assert Commitment.objects.filter(plan=issued.plan).count() == 3


def _amend(issued, cast, issued_on: dt.date) -> PlanVersion:
    """Version 2: the same rows, the therapy changed to weekly."""
    v2 = PlanVersion.objects.create(
        plan=issued.plan, number=2, status=PlanVersion.Status.ISSUED, issued_on=issued_on,
        placement_setting=cast.setting, based_on=issued.version,
    )  # fmt: skip
    for old in issued.version.provision.all():
        often = "weekly" if old.section == "G" else old.how_often
        row(v2, old.section, old.what, old.how_much, often, old.delivered_by,
            old.delivered_by_organisation)  # fmt: skip
    return v2


def test_an_unchanged_row_carries_its_commitment_into_the_amended_plan(cast, issued):
    delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[0], 60), expected_lock=0,
                    changed_by=cast.senco, today=TODAY)  # fmt: skip
    v2 = _amend(issued, cast, dt.date(2026, 11, 20))
    result = commitments_sync(plan_id=issued.plan.pk, changed_by=cast.caseworker)
    assert (result.carried, result.ended, result.started) == (2, 1, 1)
    issued.speech.refresh_from_db()
    assert issued.speech.provision.version_id == v2.pk
    assert issued.speech.ended_on is None
    assert issued.speech.entries.count() == 1  # the log stays with it


def test_a_changed_row_ends_the_day_before_the_amendment_and_a_new_one_starts(cast, issued):
    _amend(issued, cast, dt.date(2026, 11, 20))
    commitments_sync(plan_id=issued.plan.pk, changed_by=cast.caseworker)
    issued.therapy.refresh_from_db()
    assert issued.therapy.ended_on == dt.date(2026, 11, 19)
    new = Commitment.objects.get(plan=issued.plan, section="G", ended_on__isnull=True)
    assert (new.started_on, new.period, new.sessions) == (dt.date(2026, 11, 20), "week", 1)


def test_a_ceased_plan_ends_its_commitments(cast, issued):
    Plan.objects.filter(pk=issued.plan.pk).update(
        status=Plan.Status.CEASED, ceased_on=dt.date(2026, 11, 30), cease_reason=2
    )
    commitments_sync(plan_id=issued.plan.pk, changed_by=cast.caseworker)
    assert set(issued.plan.commitments.values_list("ended_on", flat=True)) == {
        dt.date(2026, 11, 30)
    }


def test_the_senco_records_the_schools_rows_and_the_therapist_the_trusts(cast, issued):
    mine = set(recordable_commitments(fetched_by=cast.senco, today=TODAY))
    assert mine == {issued.speech, issued.group}
    assert set(recordable_commitments(fetched_by=cast.health, today=TODAY)) == {issued.therapy}
    # A colleague at the trust who is not involved with the learner does not see it.
    assert not recordable_commitments(fetched_by=cast.other_health, today=TODAY).exists()
    assert not recordable_commitments(fetched_by=cast.other_senco, today=TODAY).exists()
    with pytest.raises(PermissionDenied):
        delivery_record(commitment_id=issued.therapy.pk, week=week(WEEKS[0], 45),
                        expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip


def test_a_week_missed_needs_a_reason_and_cannot_be_in_the_future(cast, issued):
    with pytest.raises(ValidationError) as missing:
        delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[0], 30, 30),
                        expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    assert "missed_reason" in missing.value.message_dict
    with pytest.raises(ValidationError) as future:
        delivery_record(commitment_id=issued.speech.pk, week=week(dt.date(2026, 12, 7), 60),
                        expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    assert "week_starting" in future.value.message_dict


def test_a_week_saved_by_a_colleague_since_it_was_read_is_refused(cast, issued):
    first = delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[0], 60),
                            expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    with pytest.raises(StaleEdit):
        delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[0], 30, 30, "staff_absent"),
                        expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[0], 30, 30, "staff_absent"),
                    expected_lock=first.lock, changed_by=cast.senco, today=TODAY)  # fmt: skip
    assert DeliveryEntry.objects.get(pk=first.pk).delivered_minutes == 30


def test_shortfall_reaches_the_caseworker_with_who_is_responsible(cast, issued, settings):
    # Speech: 60 a week due; 60, 30, 30 and nothing recorded = 120 of 240 = 50%.
    for monday, minutes in zip(WEEKS, (60, 30, 30), strict=False):
        missed = 60 - minutes
        delivery_record(commitment_id=issued.speech.pk,
                        week=week(monday, minutes, missed, "staff_absent" if missed else ""),
                        expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    # Therapy: 22.5 a week due (45 a fortnight); 45 + 45 over four weeks = 90 of 90.
    for monday in (WEEKS[0], WEEKS[2]):
        delivery_record(commitment_id=issued.therapy.pk, week=week(monday, 45),
                        expected_lock=0, changed_by=cast.health, today=TODAY)  # fmt: skip
    for monday in (WEEKS[1], WEEKS[3]):
        delivery_record(commitment_id=issued.therapy.pk, week=week(monday, 0, due=False),
                        expected_lock=0, changed_by=cast.health, today=TODAY)  # fmt: skip
    rows = caseload_shortfalls(fetched_by=cast.caseworker, today=TODAY)
    assert [r.commitment for r in rows] == [issued.speech]
    assert rows[0].recent.percent == 50.0
    assert rows[0].recent.not_recorded == 1
    assert rows[0].commitment.get_responsible_display() == "School or setting"
    settings.SENDPLAN_DELIVERY_SHORTFALL_PERCENT = 50
    assert caseload_shortfalls(fetched_by=cast.caseworker, today=TODAY) == []
    # The other caseworker-less staff see none.
    assert caseload_shortfalls(fetched_by=cast.la_colleague, today=TODAY) == []


def test_the_plan_shows_this_terms_delivery_with_the_reasons_missed(cast, issued):
    delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[3], 30, 30, "learner_absent"),
                    expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    shown = plan_delivery(plan=issued.plan, today=TODAY)
    assert shown.term is not None and shown.term.name == "autumn"
    assert shown.unquantified == 1
    speech = next(r for r in shown.rows if r.commitment == issued.speech)
    # Issued Tuesday 1 September: 12 complete weeks from 7 September to 23 November.
    assert speech.term.weeks == 12
    assert speech.term.expected == 12 * 60
    assert speech.term.delivered == 30
    assert speech.missed_reasons == [("The child or young person was absent", 1)]


def test_the_caseworker_quantifies_a_row_the_words_did_not_say(cast, issued):
    commitment_quantify(commitment_id=issued.group.pk, expected_lock=issued.group.lock,
                        minutes_per_session=40, sessions=1, period="week",
                        changed_by=cast.caseworker)  # fmt: skip
    issued.group.refresh_from_db()
    assert issued.group.quantified == Commitment.Quantified.CASEWORKER
    with pytest.raises(PermissionDenied):
        commitment_quantify(commitment_id=issued.group.pk, expected_lock=issued.group.lock,
                            minutes_per_session=40, sessions=1, period="week",
                            changed_by=cast.la_colleague)  # fmt: skip


def test_weekly_totals_kept_on_each_save_agree_with_a_rebuild(cast, issued):
    delivery_record(commitment_id=issued.speech.pk, week=week(WEEKS[0], 60), expected_lock=0,
                    changed_by=cast.senco, today=TODAY)  # fmt: skip
    entry = delivery_record(commitment_id=issued.speech.pk,
                            week=week(WEEKS[0], 20, 40, "staff_absent"),
                            expected_lock=1, changed_by=cast.senco, today=TODAY)  # fmt: skip
    assert entry.lock == 2
    delivery_record(commitment_id=issued.therapy.pk, week=week(WEEKS[0], 45), expected_lock=0,
                    changed_by=cast.health, today=TODAY)  # fmt: skip
    kept = sorted(WeeklyTotal.objects.values_list("section", "expected_minutes",
                                                  "delivered_minutes", "entries"))  # fmt: skip
    assert kept == [("F", 60, 20, 1), ("G", 22, 45, 1)]
    delivery_totals_rebuild()
    rebuilt = sorted(WeeklyTotal.objects.values_list("section", "expected_minutes",
                                                     "delivered_minutes", "entries"))  # fmt: skip
    assert rebuilt == kept


def test_issuing_a_plan_through_casework_starts_its_commitments(cast):
    """Casework's own issue service runs the follower the delivery app registered."""
    case = make_case(cast, Stage.FINAL_ISSUED)
    commitment = Commitment.objects.get(plan=case.plan)
    # fill_draft's row: "45 minutes", "weekly in term time", with no setting named in I.
    assert (commitment.minutes_per_session, commitment.sessions, commitment.period) == (
        45, 1, "week",
    )  # fmt: skip
    assert commitment.responsible == Responsible.SETTING and commitment.organisation is None
