"""The clock of one case after a disputed decision: mediation, appeals and Tribunal orders.

T25 (mediation certificate in 3 working days, mediation within 30 days, the family's time to
appeal), T26 (Reg 45 limits after an unopposed appeal) and T27 (an order's own date). The
clock is frozen with time_machine, as in ``test_statutory_case``.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from sendplan.engine.statutory_case import (
    Appeal,
    CaseEvents,
    Mediation,
    RiskSettings,
    TribunalOrder,
    case_clock,
)

REFUSED = date(2024, 12, 2)  # decision not to assess notified (a Monday)


def _on(day: date, events: CaseEvents, **kwargs):
    with time_machine.travel(day, tick=False):
        return case_clock(events=events, **kwargs)


def _all(clock):
    return {d.id: d for d in (*clock.open, *clock.closed)}


def _mediation(**dates) -> CaseEvents:
    return CaseEvents(mediations=(Mediation("m1", about="not_to_assess", **dates),))


# T25: the certificate within 3 working days of the family declining mediation.


@pytest.mark.parametrize(
    ("declined", "bank_holidays", "certificate_due"),
    [
        (date(2025, 1, 6), (), date(2025, 1, 9)),  # Monday: Tuesday to Thursday
        (date(2025, 1, 8), (), date(2025, 1, 13)),  # Wednesday: over the weekend
        (date(2025, 1, 10), (), date(2025, 1, 15)),  # Friday: Monday to Wednesday
        (date(2025, 4, 16), (), date(2025, 4, 23)),  # Good Friday and Easter Monday skipped
        (date(2025, 12, 23), (), date(2025, 12, 30)),  # Christmas, Boxing Day, the weekend
        (date(2025, 5, 2), (), date(2025, 5, 8)),  # early May bank holiday skipped
        # A day proclaimed later can be passed in: here Wednesday 7 May, as if proclaimed.
        (date(2025, 5, 2), (date(2025, 5, 7),), date(2025, 5, 9)),
    ],
)
def test_t25_certificate_is_due_three_working_days_after_mediation_is_declined(
    declined, bank_holidays, certificate_due
):
    events = _mediation(decision=date(2024, 12, 2), declined=declined)
    settings = RiskSettings(bank_holidays=bank_holidays)
    deadline = _all(_on(declined, events, settings=settings))["mediation_certificate:m1"]
    assert deadline.due == certificate_due
    assert deadline.unconfirmed and deadline.basis.startswith("Regs 32–42")


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 1, 8), "due_soon"),  # declined today
        (date(2025, 1, 13), "due_soon"),  # the third working day
        (date(2025, 1, 14), "overdue"),  # the day after
    ],
)
def test_t25_certificate_not_issued_is_overdue_the_day_after_the_third_working_day(today, status):
    events = _mediation(decision=REFUSED, declined=date(2025, 1, 8))
    assert _all(_on(today, events))["mediation_certificate:m1"].status == status


@pytest.mark.parametrize(
    ("issued", "status"), [(date(2025, 1, 13), "met"), (date(2025, 1, 14), "late")]
)
def test_t25_certificate_on_the_third_working_day_is_met_and_the_next_day_late(issued, status):
    events = _mediation(decision=REFUSED, declined=date(2025, 1, 8), certificate=issued)
    clock = _on(date(2025, 2, 1), events)
    assert {d.id: d.status for d in clock.closed}["mediation_certificate:m1"] == status
    assert "mediation_certificate:m1" not in {d.id for d in clock.open}


# T25: mediation arranged within 30 days of the family asking for it.


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 2, 22), "on_time"),  # 8 days left
        (date(2025, 2, 23), "due_soon"),  # 7 days left
        (date(2025, 3, 2), "due_soon"),  # day 30 (February has 28 days)
        (date(2025, 3, 3), "overdue"),
    ],
)
def test_t25_mediation_must_be_held_within_30_days_of_the_request(today, status):
    events = _mediation(decision=REFUSED, requested=date(2025, 1, 31))
    deadline = _all(_on(today, events))["mediation_arranged:m1"]
    assert (deadline.due, deadline.status) == (date(2025, 3, 2), status)
    assert deadline.unconfirmed


@pytest.mark.parametrize(
    ("held", "status"), [(date(2025, 3, 2), "met"), (date(2025, 3, 3), "late")]
)
def test_t25_mediation_held_on_day_30_is_met_and_on_day_31_late(held, status):
    events = _mediation(decision=REFUSED, requested=date(2025, 1, 31), held=held)
    assert {d.id: d.status for d in _on(date(2025, 4, 1), events).closed}[
        "mediation_arranged:m1"
    ] == status


def test_t25_declined_mediation_has_no_30_day_clock_and_a_requested_one_no_certificate_clock():
    declined = _all(_on(date(2025, 1, 9), _mediation(declined=date(2025, 1, 8))))
    requested = _all(_on(date(2025, 1, 9), _mediation(requested=date(2025, 1, 8))))
    assert "mediation_arranged:m1" not in declined and "mediation_certificate:m1" in declined
    assert "mediation_certificate:m1" not in requested and "mediation_arranged:m1" in requested


# T25: the family's time to appeal, 2 months from the decision or 1 month from the
# certificate, whichever is later.


@pytest.mark.parametrize(
    ("decision", "certificate", "last_day"),
    [
        (date(2024, 12, 31), None, date(2025, 2, 28)),  # month end: 31 -> 28 February
        (date(2023, 12, 31), None, date(2024, 2, 29)),  # leap year
        (date(2024, 12, 31), date(2025, 1, 20), date(2025, 2, 28)),  # 2 months is later
        (date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28)),  # a tie at month end
        (date(2024, 12, 31), date(2025, 2, 10), date(2025, 3, 10)),  # 1 month is later
        (date(2025, 1, 15), date(2025, 3, 31), date(2025, 4, 30)),  # 31 March -> 30 April
    ],
)
def test_t25_time_to_appeal_is_the_later_of_two_months_and_one_month_from_the_certificate(
    decision, certificate, last_day
):
    events = _mediation(decision=decision, certificate=certificate)
    deadline = _all(_on(date(2025, 5, 1), events))["appeal:m1"]
    assert deadline.due == last_day
    assert deadline.rule == "appeal" and deadline.unconfirmed


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 2, 20), "on_time"),
        (date(2025, 2, 28), "due_soon"),  # the last day
        (date(2025, 3, 1), "ended"),  # passed without an appeal: not the authority's failure
    ],
)
def test_t25_time_to_appeal_ends_rather_than_falls_overdue(today, status):
    events = _mediation(decision=date(2024, 12, 31))
    assert _all(_on(today, events))["appeal:m1"].status == status


@pytest.mark.parametrize(
    ("registered", "status"), [(date(2025, 2, 28), "met"), (date(2025, 3, 1), "late")]
)
def test_t25_an_appeal_about_the_same_decision_closes_the_time_to_appeal(registered, status):
    events = CaseEvents(
        mediations=(Mediation("m1", about="plan_contents", decision=date(2024, 12, 31)),),
        appeals=(
            Appeal("a0", registered=date(2025, 1, 2), about="not_to_assess"),  # another decision
            Appeal("a1", registered=registered, about="plan_contents"),
        ),
    )
    deadline = _all(_on(date(2025, 3, 10), events))["appeal:m1"]
    assert (deadline.status, deadline.done) == (status, registered)


# T26: Reg 45 limits from the authority's notice that it will not oppose the appeal.

NOTICE = date(2025, 5, 1)


def _unopposed(about: str, *orders: TribunalOrder) -> CaseEvents:
    appeal = Appeal("a1", date(2025, 4, 1), about=about, unopposed=NOTICE, decided=NOTICE,
                    orders=orders)  # fmt: skip
    return CaseEvents(appeals=(appeal,))


def test_t26_refusal_to_assess_conceded_starts_2_10_and_14_week_limits():
    clock = _on(date(2025, 5, 2), _unopposed("not_to_assess"))
    found = {d.id: (d.due, d.status) for d in clock.open}
    assert found == {
        "unopposed_assess:a1": (date(2025, 5, 15), "on_time"),  # 2 weeks
        "unopposed_not_to_issue:a1": (date(2025, 7, 10), "on_time"),  # 10 weeks
        "unopposed_final_plan:a1": (date(2025, 8, 7), "on_time"),  # 14 weeks
    }
    assert all(d.basis.startswith("Reg 45") and not d.unconfirmed for d in clock.open)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 5, 28), "on_time"),  # 8 days left
        (date(2025, 5, 29), "due_soon"),
        (date(2025, 6, 5), "due_soon"),  # 5 weeks
        (date(2025, 6, 6), "overdue"),
    ],
)
def test_t26_contents_appeal_conceded_needs_the_amended_plan_within_5_weeks(today, status):
    deadline = _all(_on(today, _unopposed("plan_contents")))["unopposed_amended_plan:a1"]
    assert (deadline.due, deadline.status) == (date(2025, 6, 5), status)


@pytest.mark.parametrize(
    ("issued", "status"), [(date(2025, 6, 5), "met"), (date(2025, 6, 6), "late")]
)
def test_t26_duty_recorded_as_done_closes_it_on_time_or_late(issued, status):
    duty = TribunalOrder("o1", date(2025, 6, 5), NOTICE, issued, "unopposed_amended_plan")
    clock = _on(date(2025, 6, 10), _unopposed("not_to_amend", duty))
    assert {d.id: d.status for d in clock.closed} == {"unopposed_amended_plan:a1": status}
    assert clock.status == "clear"  # the duty is the deadline, not a second "order" row


def test_t26_final_plan_issued_ends_the_10_weeks_for_a_refusal_and_the_other_way_round():
    plan = TribunalOrder("o1", date(2025, 8, 7), NOTICE, date(2025, 7, 1), "unopposed_final_plan")
    refusal = TribunalOrder(
        "o2", date(2025, 7, 10), NOTICE, date(2025, 6, 30), "unopposed_not_to_issue"
    )
    after_plan = _all(_on(date(2025, 7, 20), _unopposed("not_to_assess", plan)))
    after_refusal = _all(_on(date(2025, 7, 20), _unopposed("not_to_assess", refusal)))
    assert "unopposed_not_to_issue:a1" not in after_plan
    assert after_plan["unopposed_final_plan:a1"].status == "met"
    assert "unopposed_final_plan:a1" not in after_refusal
    assert after_plan["unopposed_assess:a1"].status == "overdue"  # still not recorded


@pytest.mark.parametrize("about", ["placement_only", "not_to_issue", "cease"])
def test_t26_appeals_without_a_limit_in_the_reference_start_no_reg_45_clock(about):
    assert _on(date(2025, 5, 2), _unopposed(about)).status == "clear"


def test_t26_an_opposed_appeal_starts_no_reg_45_clock():
    events = CaseEvents(appeals=(Appeal("a1", date(2025, 4, 1), about="not_to_assess"),))
    clock = _on(date(2025, 5, 2), events)
    assert (clock.status, clock.open, clock.closed) == ("clear", (), ())


# T27: an order's own date (the reference could not confirm general limits).


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 6, 12), "on_time"),
        (date(2025, 6, 13), "due_soon"),
        (date(2025, 6, 20), "due_soon"),
        (date(2025, 6, 21), "overdue"),
    ],
)
def test_t27_tribunal_order_is_due_on_its_own_date_and_says_check_locally(today, status):
    order = TribunalOrder("o1", due=date(2025, 6, 20), made=date(2025, 6, 1))
    appeal = Appeal("a1", date(2025, 3, 3), about="plan_contents", decided=date(2025, 6, 1),
                    orders=(order,))  # fmt: skip
    deadline = _all(_on(today, CaseEvents(appeals=(appeal,))))["order:o1"]
    assert (deadline.due, deadline.status) == (date(2025, 6, 20), status)
    assert deadline.unconfirmed and deadline.basis.startswith("Regs 43–44")


@pytest.mark.parametrize(
    ("complied", "status"), [(date(2025, 6, 20), "met"), (date(2025, 6, 21), "late")]
)
def test_t27_order_complied_with_leaves_the_open_list(complied, status):
    order = TribunalOrder("o1", due=date(2025, 6, 20), made=date(2025, 6, 1), done=complied)
    appeal = Appeal("a1", date(2025, 3, 3), about="plan_contents", orders=(order,))
    clock = _on(date(2025, 7, 1), CaseEvents(appeals=(appeal,)))
    assert clock.open == () and [(d.id, d.status) for d in clock.closed] == [("order:o1", status)]


def test_t26_duty_on_an_appeal_not_marked_unopposed_is_kept_as_an_order_with_its_own_date():
    duty = TribunalOrder("o1", date(2025, 5, 15), NOTICE, rule="unopposed_assess")
    appeal = Appeal("a1", date(2025, 4, 1), about="not_to_assess", orders=(duty,))
    deadline = _all(_on(date(2025, 5, 16), CaseEvents(appeals=(appeal,))))["order:o1"]
    assert (deadline.rule, deadline.status) == ("unopposed_assess", "overdue")


def test_disputes_join_the_rest_of_the_case_and_the_worst_status_leads():
    events = CaseEvents(
        request_received=date(2024, 10, 21),
        decision_to_assess_notified=REFUSED,
        assess=False,
        mediations=(
            Mediation("m1", about="not_to_assess", decision=REFUSED, declined=date(2025, 1, 8)),
        ),  # fmt: skip
    )
    clock = _on(date(2025, 1, 14), events)
    assert clock.status == "overdue"
    assert clock.message.startswith("2 open; worst: mediation_certificate:m1 due 2025-01-13")
    assert [d.id for d in clock.closed] == ["decision_to_assess"]


# Impossible orders are refused with one line per problem, naming the field.


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (_mediation(declined=date(2025, 1, 8), certificate=date(2025, 1, 7)),
         r"mediations\[0\].certificate: 2025-01-07 is before mediations\[0\].declined"),
        (_mediation(decision=REFUSED, requested=date(2024, 11, 30)),
         r"mediations\[0\].requested: 2024-11-30 is before mediations\[0\].decision"),
        (_mediation(requested=date(2025, 1, 8), held=date(2025, 1, 7)),
         r"mediations\[0\].held: 2025-01-07 is before mediations\[0\].requested"),
        (_mediation(requested=date(2025, 1, 8), declined=date(2025, 1, 9)),
         r"mediations\[0\]: the family either asked for mediation or declined it"),
        (_mediation(declined=date(2025, 1, 8), held=date(2025, 1, 20)),
         r"mediations\[0\].held: mediation was declined"),
        (_mediation(declined=date(2025, 3, 1)), r"mediations\[0\].declined: 2025-03-01 is in the future"),
        (CaseEvents(appeals=(Appeal("a1", date(2025, 1, 8), unopposed=date(2025, 1, 7)),)),
         r"appeals\[0\].unopposed: 2025-01-07 is before appeals\[0\].registered"),
        (CaseEvents(appeals=(Appeal("a1", date(2025, 1, 8), orders=(
            TribunalOrder("o1", date(2025, 2, 1), made=date(2025, 1, 10), done=date(2025, 1, 9)),
        )),)), r"appeals\[0\].orders\[0\].done: 2025-01-09 is before appeals\[0\].orders\[0\].made"),
        (CaseEvents(appeals=(Appeal("a1", date(2025, 1, 8), orders=(
            TribunalOrder("o1", date(2025, 1, 9), made=date(2025, 1, 10)),
        )),)), r"appeals\[0\].orders\[0\].due: 2025-01-09 is before the order was made"),
        (CaseEvents(appeals=(Appeal("a1", date(2025, 1, 8), orders=(
            TribunalOrder("o1", date(2025, 2, 1), rule="comply_soon"),
        )),)), r"appeals\[0\].orders\[0\].rule: unknown rule 'comply_soon'"),
        (CaseEvents(mediations=(Mediation("m1"), Mediation("m1"))),
         "mediations: keys must be unique, repeated: m1"),
    ],
)  # fmt: skip
def test_impossible_dispute_events_are_refused_with_the_field_named(events, message):
    with pytest.raises(ValueError, match=message):
        _on(date(2025, 2, 1), events)


def test_every_dispute_problem_is_reported_at_once():
    events = CaseEvents(
        mediations=(Mediation("m1", declined=date(2025, 1, 8), certificate=date(2025, 1, 7)),),
        appeals=(Appeal("a1", date(2025, 1, 8), decided=date(2025, 1, 7)),),
    )
    with pytest.raises(ValueError) as caught:
        _on(date(2025, 2, 1), events)
    assert str(caught.value).splitlines() == [
        "mediations[0].certificate: 2025-01-07 is before mediations[0].declined 2025-01-08",
        "appeals[0].decided: 2025-01-07 is before appeals[0].registered 2025-01-08",
    ]


def test_an_order_due_in_the_future_is_not_refused_as_a_future_event():
    order = TribunalOrder("o1", due=date(2025, 9, 1), made=date(2025, 1, 10))
    appeal = Appeal("a1", date(2025, 1, 8), orders=(order,))
    assert _on(date(2025, 2, 1), CaseEvents(appeals=(appeal,))).status == "on_time"
