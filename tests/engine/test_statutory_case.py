"""The clock of one case: open deadlines, statuses, at-risk rule and lawful exceptions.

The clock is frozen with time_machine; ``case_clock`` reads the system date when no ``today``
is given, which is how the work tray calls it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from sendplan.engine.statutory_case import (
    AdviceRequest,
    CaseEvents,
    ExceptionRecord,
    RiskSettings,
    case_clock,
)

REQUEST = date(2024, 1, 8)  # 20 weeks -> 2024-05-27 (across 29 February); 16 -> 2024-04-29
ASSESSING = CaseEvents(
    request_received=REQUEST, decision_to_assess_notified=date(2024, 2, 12), assess=True
)


def _open(clock):
    return {d.id: d for d in clock.open}


def _on(day: date, events: CaseEvents, **kwargs):
    with time_machine.travel(day, tick=False):
        return case_clock(events=events, **kwargs)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2024, 2, 11), "on_time"),  # 8 days left
        (date(2024, 2, 12), "due_soon"),  # 7 days left
        (date(2024, 2, 19), "due_soon"),  # the due day itself
        (date(2024, 2, 20), "overdue"),  # the next day
    ],
)
def test_reg5_decision_whether_to_assess_is_overdue_the_day_after_six_weeks(today, status):
    clock = _on(today, CaseEvents(request_received=REQUEST))
    assert _open(clock)["decision_to_assess"].status == status


@pytest.mark.parametrize(
    ("decided", "status"), [(date(2024, 2, 19), "met"), (date(2024, 2, 20), "late")]
)
def test_reg5_decision_on_the_due_day_is_met_and_the_next_day_late(decided, status):
    events = CaseEvents(request_received=REQUEST, decision_to_assess_notified=decided, assess=True)
    closed = {d.id: d for d in _on(date(2024, 3, 1), events).closed}
    assert closed["decision_to_assess"].status == status


@pytest.mark.parametrize(
    ("today", "status"), [(date(2024, 5, 27), "due_soon"), (date(2024, 5, 28), "overdue")]
)
def test_reg13_2_final_plan_with_comments_back_is_due_soon_on_the_day_and_overdue_after(
    today, status
):
    events = CaseEvents(
        request_received=REQUEST,
        decision_to_assess_notified=date(2024, 2, 12),
        assess=True,
        draft_issued=date(2024, 4, 29),
        draft_comments_received=date(2024, 5, 10),
    )
    assert _open(_on(today, events))["final_plan"].status == status


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2024, 5, 6), "on_time"),  # 21 days left: 5 to draft + 15 to comment still fit
        (date(2024, 5, 7), "on_time"),  # 20 days left: fits exactly
        (date(2024, 5, 8), "at_risk"),  # 19 days left with no draft
    ],
)
def test_reg13_final_plan_without_a_draft_is_at_risk_when_the_stages_no_longer_fit(today, status):
    deadline = _open(_on(today, ASSESSING))["final_plan"]
    assert deadline.status == status
    assert ("Reg 13(1)" in deadline.why) == (status == "at_risk")


def test_at_risk_rule_follows_the_local_draft_preparation_setting():
    settings = RiskSettings(draft_preparation_days=0, due_soon_days=7)
    clock = _on(date(2024, 5, 8), ASSESSING, settings=settings)
    assert _open(clock)["final_plan"].status == "on_time"


def test_reg13_final_plan_is_at_risk_when_the_comment_period_outlasts_the_20_weeks():
    late_draft = CaseEvents(
        request_received=REQUEST,
        decision_to_assess_notified=date(2024, 2, 12),
        assess=True,
        draft_issued=date(2024, 5, 20),  # comments close 2024-06-04, after 2024-05-27
    )
    clock = _on(date(2024, 5, 21), late_draft)
    assert _open(clock)["final_plan"].status == "at_risk"
    assert _open(clock)["draft_comments_close"].status == "on_time"
    assert "not_to_issue" not in _open(clock)  # a draft means the decision was to issue


def test_reg10_not_to_issue_clock_stops_when_the_authority_decides_to_assess_no_further():
    events = CaseEvents(request_received=REQUEST, decision_to_assess_notified=date(2024, 2, 1),
                        assess=False)  # fmt: skip
    clock = _on(date(2024, 6, 1), events)
    assert clock.status == "clear"
    assert [d.id for d in clock.closed] == ["decision_to_assess"]


def test_reg10_not_to_issue_notice_ends_the_final_plan_clock():
    events = CaseEvents(
        request_received=REQUEST,
        decision_to_assess_notified=date(2024, 2, 12),
        assess=True,
        not_to_issue_notified=date(2024, 4, 30),
    )
    clock = _on(date(2024, 6, 1), events)
    assert {d.id: d.status for d in clock.closed}["not_to_issue"] == "late"
    assert "final_plan" not in _open(clock)


def test_reg8_each_request_for_advice_has_its_own_six_week_clock():
    events = CaseEvents(
        request_received=REQUEST,
        decision_to_assess_notified=date(2024, 2, 12),
        assess=True,
        advice=(
            AdviceRequest("health", date(2024, 2, 14), received=date(2024, 3, 27)),
            AdviceRequest("ep", date(2024, 2, 29)),
        ),
    )
    clock = _on(date(2024, 4, 12), events)
    assert _open(clock)["advice:ep"].status == "overdue"  # due 2024-04-11
    assert {d.id: d.status for d in clock.closed}["advice:health"] == "met"  # due 2024-03-27


def test_reg10_4_exception_with_a_reason_excuses_a_late_final_plan_but_keeps_its_status():
    records = [ExceptionRecord("reg10_4_c", "parent in hospital for 5 weeks", "letter 12/04")]
    deadline = _open(_on(date(2024, 6, 1), ASSESSING, exceptions=records))["final_plan"]
    assert deadline.status == "overdue"
    assert deadline.excused
    assert deadline.exceptions[0].reason == "parent in hospital for 5 weeks"


def test_reg8_2_exception_applies_to_advice_only():
    events = CaseEvents(
        request_received=REQUEST,
        decision_to_assess_notified=date(2024, 2, 12),
        assess=True,
        advice=(AdviceRequest("health", date(2024, 2, 14)),),
    )
    records = [ExceptionRecord("reg8_2_appointment", "missed the audiology appointment")]
    clock = _open(_on(date(2024, 6, 1), events, exceptions=records))
    assert clock["advice:health"].excused
    assert not clock["final_plan"].excused


def test_exception_aimed_at_a_deadline_it_cannot_relieve_is_refused():
    records = [ExceptionRecord("reg8_2_absence", "away", deadline="final_plan")]
    with pytest.raises(ValueError, match=r"Reg 8\(2\) cannot relieve final_plan"):
        _on(date(2024, 6, 1), ASSESSING, exceptions=records)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (ExceptionRecord("reg10_4_c", "  "), "needs a reason"),
        (ExceptionRecord("waiting_list", "EP waiting list"), "unknown exception"),
        (ExceptionRecord("reg10_4_d", "abroad", deadline="final"), "no deadline 'final'"),
    ],
)
def test_exceptions_without_reason_or_unknown_are_refused(record, message):
    with pytest.raises(ValueError, match=message):
        _on(date(2024, 6, 1), ASSESSING, exceptions=[record])


def test_si_2020_471_covid_exception_only_covers_clocks_running_in_2020():
    record = [ExceptionRecord("covid_2020", "services closed")]
    in_2020 = CaseEvents(request_received=date(2020, 3, 2))
    in_2024 = CaseEvents(request_received=REQUEST)
    assert _open(_on(date(2020, 8, 1), in_2020, exceptions=record))["final_plan"].excused
    assert not _open(_on(date(2024, 6, 1), in_2024, exceptions=record))["final_plan"].excused


@pytest.mark.parametrize(
    ("invited", "today", "status"),
    [
        (None, date(2025, 2, 14), "on_time"),  # 14 days left: invitations can still go today
        (None, date(2025, 2, 15), "at_risk"),  # 13 days: 2 weeks' notice no longer fits
        (date(2025, 2, 10), date(2025, 2, 15), "on_time"),
        (date(2025, 2, 10), date(2025, 2, 28), "due_soon"),  # 12 months from 29 Feb
        (date(2025, 2, 10), date(2025, 3, 1), "overdue"),
    ],
)
def test_cfa_s44_annual_review_needs_two_weeks_notice_before_its_due_date(invited, today, status):
    events = CaseEvents(plan_issued=date(2024, 2, 29), review_invitations_sent=invited)
    deadline = _open(_on(today, events))["annual_review"]
    assert (deadline.due, deadline.status) == (date(2025, 2, 28), status)


def test_cfa_s44_next_review_runs_from_the_latest_review_meeting():
    events = CaseEvents(plan_issued=date(2023, 3, 1), review_meeting=date(2024, 2, 29))
    assert _open(_on(date(2024, 3, 1), events))["annual_review"].due == date(2025, 2, 28)


def test_cop_9_178_under_fives_review_at_the_local_interval():
    events = CaseEvents(plan_issued=date(2024, 8, 31), early_years_review_months=3)
    deadline = _open(_on(date(2024, 9, 1), events))["early_years_review"]
    assert deadline.due == date(2024, 11, 30)


def test_early_years_interval_outside_three_to_six_months_is_refused():
    events = CaseEvents(plan_issued=date(2024, 8, 31), early_years_review_months=12)
    with pytest.raises(ValueError, match="early_years_review_months: must be 3 to 6"):
        _on(date(2024, 9, 1), events)


def test_reg20_review_decision_is_met_by_sending_amendment_proposals():
    events = CaseEvents(
        plan_issued=date(2024, 3, 1),
        review_meeting=date(2025, 1, 6),
        amendment_proposed=date(2025, 2, 3),
    )
    clock = _on(date(2025, 2, 10), events)
    assert {d.id: d.status for d in clock.closed}["review_decision"] == "met"
    assert _open(clock)["amended_plan"].due == date(2025, 3, 31)
    assert _open(clock)["review_report"].status == "overdue"  # due 2025-01-20


def test_devon_ceiling_puts_late_proposals_at_risk():
    events = CaseEvents(
        plan_issued=date(2024, 3, 1),
        review_meeting=date(2025, 1, 6),
        amendment_proposed=date(2025, 3, 24),  # representations to 2025-04-08, ceiling 03-31
    )
    deadline = _open(_on(date(2025, 3, 25), events))["amended_plan"]
    assert (deadline.rule, deadline.due, deadline.status) == (
        "amended_plan_ceiling",
        date(2025, 3, 31),
        "at_risk",
    )


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 1, 26), "on_time"),  # 20 days to 15 February: 5 + 15 fit exactly
        (date(2026, 1, 27), "at_risk"),  # 19 days
        (date(2026, 2, 15), "at_risk"),
        (date(2026, 2, 16), "overdue"),
    ],
)
def test_reg18_school_transfer_review_is_at_risk_when_amendments_cannot_finish(today, status):
    events = CaseEvents(plan_issued=date(2023, 5, 1), transfer="school", transfer_year=2026)
    assert _open(_on(today, events))["phase_transfer"].status == status


def test_reg18_transfer_completed_on_15_february_is_met():
    events = CaseEvents(plan_issued=date(2023, 5, 1), transfer="school", transfer_year=2026,
                        transfer_review_completed=date(2026, 2, 15))  # fmt: skip
    closed = {d.id: d.status for d in _on(date(2026, 3, 1), events).closed}
    assert closed["phase_transfer"] == "met"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (CaseEvents(request_received=date(2024, 3, 1), draft_issued=date(2024, 2, 1)),
         "draft_issued: 2024-02-01 is before request_received"),
        (CaseEvents(request_received=date(2024, 7, 1)), "request_received: 2024-07-01 is in the future"),
        (CaseEvents(request_received=REQUEST, decision_to_assess_notified=date(2024, 2, 1)),
         "assess: give the decision"),
        (CaseEvents(review_report_circulated=date(2024, 2, 1)), "given without review_meeting"),
        (CaseEvents(plan_issued=date(2024, 2, 1), transfer="school"), "transfer_year: needed"),
        (CaseEvents(request_received=REQUEST, decision_to_assess_notified=date(2024, 2, 1),
                    assess=False, draft_issued=date(2024, 3, 1)), "not to assess"),
    ],
)  # fmt: skip
def test_impossible_events_are_refused_with_the_field_named(events, message):
    with pytest.raises(ValueError, match=message):
        _on(date(2024, 6, 1), events)


def test_every_problem_is_reported_at_once():
    events = CaseEvents(request_received=date(2024, 3, 1), draft_issued=date(2024, 2, 1),
                        plan_issued=date(2024, 1, 1))  # fmt: skip
    with pytest.raises(ValueError) as caught:
        _on(date(2024, 6, 1), events)
    assert len(str(caught.value).splitlines()) == 3


def test_explicit_today_wins_over_the_system_clock():
    with time_machine.travel(date(2030, 1, 1), tick=False):
        clock = case_clock(events=CaseEvents(request_received=REQUEST), today=date(2024, 1, 9))
    assert clock.today == date(2024, 1, 9)
    assert _open(clock)["final_plan"].days_left == (date(2024, 5, 27) - date(2024, 1, 9)).days


def test_open_deadlines_are_listed_worst_first_and_summarised():
    clock = _on(date(2024, 5, 8), ASSESSING)
    assert [d.status for d in clock.open] == ["overdue", "at_risk"]
    assert clock.status == "overdue"
    assert clock.message.startswith("2 open; worst: not_to_issue due 2024-04-29")
    assert clock.open[1].days_left == (date(2024, 5, 27) - date(2024, 5, 8)).days
    assert timedelta(days=clock.open[1].days_left) < timedelta(days=20)
