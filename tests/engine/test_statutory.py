"""Due dates of every computable rule, one table-driven test per rule named for its law.

Each row is (start, due). Every row checks both sides of the boundary: the due day itself is on
time, the next day is late. Rows cover 29 February, weeks across 29 February and year ends.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendplan.engine.statutory import (
    add_months,
    add_working_days,
    amended_plan_due,
    appeal_due,
    due,
    is_on_time,
    maximum_age_end,
    phase_transfer_due,
    timeline,
)

D = date


def _assert_boundary(rule_key: str, start: date, expected: date) -> None:
    assert due(rule_key, start) == expected
    assert is_on_time(rule_key, start=start, done=expected)
    assert not is_on_time(rule_key, start=start, done=expected + timedelta(days=1))


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 1, 8), D(2024, 2, 19)),
        (D(2024, 2, 1), D(2024, 3, 14)),  # across 29 February
        (D(2023, 2, 1), D(2023, 3, 15)),  # same dates, common year
        (D(2024, 2, 29), D(2024, 4, 11)),  # starts on 29 February
        (D(2024, 12, 23), D(2025, 2, 3)),  # across the year end
    ],
)
def test_reg5_decision_whether_to_assess_is_due_six_weeks_after_the_request(start, expected):
    _assert_boundary("decision_to_assess", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 2, 29), D(2024, 4, 11)),
        (D(2025, 11, 24), D(2026, 1, 5)),
        (D(2024, 1, 25), D(2024, 3, 7)),
    ],
)
def test_reg8_advice_is_due_six_weeks_after_the_body_receives_the_request(start, expected):
    _assert_boundary("advice", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 1, 8), D(2024, 4, 29)),
        (D(2023, 1, 9), D(2023, 5, 1)),
        (D(2024, 9, 30), D(2025, 1, 20)),
    ],
)
def test_reg10_decision_not_to_issue_is_due_sixteen_weeks_after_the_request(start, expected):
    _assert_boundary("not_to_issue", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 2, 20), D(2024, 3, 6)),
        (D(2023, 2, 20), D(2023, 3, 7)),
        (D(2024, 12, 20), D(2025, 1, 4)),
    ],
)
def test_reg13_1_draft_comment_period_closes_fifteen_days_after_service(start, expected):
    _assert_boundary("draft_comments_close", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 1, 8), D(2024, 5, 27)),
        (D(2023, 1, 9), D(2023, 5, 29)),
        (D(2023, 10, 16), D(2024, 3, 4)),  # across the year end and 29 February
        (D(2024, 10, 14), D(2025, 3, 3)),
    ],
)
def test_reg13_2_final_plan_is_due_twenty_weeks_after_the_request(start, expected):
    _assert_boundary("final_plan", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 2, 29), D(2025, 2, 28)),  # 29 February -> 28 February
        (D(2023, 2, 28), D(2024, 2, 28)),  # not the leap day
        (D(2023, 3, 1), D(2024, 3, 1)),
        (D(2024, 12, 31), D(2025, 12, 31)),
    ],
)
def test_cfa_s44_annual_review_is_due_twelve_months_later(start, expected):
    _assert_boundary("annual_review", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 8, 31), D(2025, 2, 28)), (D(2023, 8, 31), D(2024, 2, 29))],
)
def test_cop_9_178_under_five_review_defaults_to_six_months(start, expected):
    _assert_boundary("early_years_review", start, expected)


@pytest.mark.parametrize("rule_key", ["review_invitations", "review_advice_circulated"])
@pytest.mark.parametrize(
    ("meeting", "expected"),
    [(D(2024, 3, 13), D(2024, 2, 28)), (D(2025, 1, 10), D(2024, 12, 27))],
)
def test_regs_20_21_notice_and_advice_go_out_two_weeks_before_the_meeting(
    rule_key, meeting, expected
):
    _assert_boundary(rule_key, meeting, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 2, 20), D(2024, 3, 5)), (D(2024, 12, 24), D(2025, 1, 7))],
)
def test_reg21_7_review_report_is_due_two_weeks_after_the_meeting(start, expected):
    _assert_boundary("review_report", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 2, 15), D(2024, 3, 14)), (D(2024, 12, 10), D(2025, 1, 7))],
)
def test_reg20_review_decision_is_due_four_weeks_after_the_meeting(start, expected):
    _assert_boundary("review_decision", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 2, 20), D(2024, 3, 6)), (D(2025, 12, 22), D(2026, 1, 6))],
)
def test_reg22_amendment_representations_run_fifteen_days(start, expected):
    _assert_boundary("amendment_representations", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 1, 15), D(2024, 3, 11)), (D(2024, 11, 18), D(2025, 1, 13))],
)
def test_reg22_amended_plan_is_due_eight_weeks_after_the_proposals(start, expected):
    _assert_boundary("amended_plan", start, expected)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 1, 5), D(2024, 3, 29)), (D(2024, 11, 1), D(2025, 1, 24))],
)
def test_devon_2022_amended_plan_ceiling_is_twelve_weeks_after_the_meeting(start, expected):
    _assert_boundary("amended_plan_ceiling", start, expected)


@pytest.mark.parametrize(
    ("proposed", "meeting", "expected", "binding"),
    [
        (D(2025, 2, 3), None, D(2025, 3, 31), "amended_plan"),
        (D(2025, 2, 3), D(2025, 1, 6), D(2025, 3, 31), "amended_plan"),  # both the same day
        (D(2025, 1, 20), D(2025, 1, 6), D(2025, 3, 17), "amended_plan"),  # proposals in time
        (D(2025, 3, 3), D(2025, 1, 6), D(2025, 3, 31), "amended_plan_ceiling"),  # late proposals
        (D(2025, 3, 3), D(2025, 6, 2), D(2025, 4, 28), "amended_plan"),  # meeting came later
    ],
)
def test_reg22_and_devon_amended_plan_takes_the_earlier_limit(proposed, meeting, expected, binding):
    result = amended_plan_due(amendment_proposed=proposed, review_meeting=meeting)
    assert (result.due, result.rule) == (expected, binding)


@pytest.mark.parametrize(
    ("transfer_date", "expected"),
    [(D(2026, 9, 1), D(2026, 2, 15)), (D(2028, 9, 4), D(2028, 2, 15))],
)
def test_reg18_1_b_school_transfer_review_is_due_15_february_of_the_transfer_year(
    transfer_date, expected
):
    _assert_boundary("phase_transfer_school", transfer_date, expected)
    assert phase_transfer_due(transfer="school", transfer_year=transfer_date.year).due == expected


@pytest.mark.parametrize(("year", "expected"), [(2027, D(2027, 3, 31)), (2028, D(2028, 3, 31))])
def test_reg18_1_a_post16_transfer_review_is_due_31_march_of_the_transfer_year(year, expected):
    _assert_boundary("phase_transfer_post16", D(year, 9, 1), expected)
    assert phase_transfer_due(transfer="post16", transfer_year=year).due == expected


@pytest.mark.parametrize(
    ("transfer_date", "expected"),
    [
        (D(2024, 7, 31), D(2024, 2, 29)),  # 31 February does not exist: last day of February
        (D(2025, 7, 31), D(2025, 2, 28)),
        (D(2026, 1, 5), D(2025, 8, 5)),  # back across the year end
    ],
)
def test_reg18_2_other_post16_transfer_review_is_due_five_months_before(transfer_date, expected):
    _assert_boundary("phase_transfer_post16_other", transfer_date, expected)
    result = phase_transfer_due(transfer="post16_other", transfer_date=transfer_date)
    assert result.due == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 2, 1), D(2024, 5, 9)), (D(2024, 11, 4), D(2025, 2, 10))],
)
def test_reg27_final_plan_after_reassessment_is_due_fourteen_weeks_later(start, expected):
    _assert_boundary("reassessment_final_plan", start, expected)


def test_reg25_reassessment_response_is_due_fifteen_days_later_and_unconfirmed():
    _assert_boundary("reassessment_request_response", D(2024, 2, 20), D(2024, 3, 6))


@pytest.mark.parametrize(
    ("start", "expected"),
    [(D(2024, 12, 31), D(2025, 2, 28)), (D(2023, 12, 29), D(2024, 2, 29))],
)
def test_cfa_s45_plan_is_maintained_for_the_two_month_appeal_window(start, expected):
    _assert_boundary("ceasing_maintained", start, expected)


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (D(2000, 2, 29), D(2025, 7, 31)),  # leap-day birthday, either 28 Feb or 1 Mar
        (D(2000, 7, 31), D(2025, 7, 31)),
        (D(2000, 8, 1), D(2026, 7, 31)),  # birthday in the autumn term: next July
        (D(2000, 12, 31), D(2026, 7, 31)),
    ],
)
def test_reg46_plan_may_run_to_the_end_of_the_academic_year_of_age_25(birth, expected):
    assert maximum_age_end(birth) == expected
    _assert_boundary("maximum_age", birth, expected)


@pytest.mark.parametrize(
    ("rule_key", "start", "expected"),
    [
        ("mediation_contact", D(2024, 12, 31), D(2025, 2, 28)),
        ("appeal", D(2024, 12, 31), D(2025, 2, 28)),
        ("mediation_arranged", D(2024, 2, 10), D(2024, 3, 11)),
        ("mediation_arranged", D(2024, 12, 15), D(2025, 1, 14)),
        # Working days skip Christmas Day, Boxing Day, Good Friday and Easter Monday.
        ("mediation_certificate", D(2024, 12, 20), D(2024, 12, 27)),
        ("mediation_certificate", D(2025, 4, 16), D(2025, 4, 23)),
    ],
)
def test_regs_32_42_mediation_and_appeal_limits(rule_key, start, expected):
    _assert_boundary(rule_key, start, expected)


def test_working_days_skip_bank_holidays_the_caller_supplies():
    boxing_day = D(2024, 12, 26)
    assert add_working_days(D(2024, 12, 20), 3, bank_holidays=[boxing_day]) == D(2024, 12, 27)


def test_appeal_is_due_one_month_after_a_late_mediation_certificate():
    assert appeal_due(decision=D(2025, 1, 31), certificate=D(2025, 3, 20)) == D(2025, 4, 20)
    assert appeal_due(decision=D(2025, 1, 31), certificate=D(2025, 2, 10)) == D(2025, 3, 31)


@pytest.mark.parametrize(
    ("rule_key", "weeks"),
    [
        ("unopposed_assess", 2),
        ("unopposed_not_to_issue", 10),
        ("unopposed_final_plan", 14),
        ("unopposed_amended_plan", 5),
    ],
)
@pytest.mark.parametrize("start", [D(2024, 2, 29), D(2024, 12, 30)])
def test_reg45_unopposed_appeal_limits_run_from_notifying_the_tribunal(rule_key, weeks, start):
    _assert_boundary(rule_key, start, start + timedelta(days=7 * weeks))


@pytest.mark.parametrize(
    "rule_key",
    ["assessment_notify_bodies", "pfa_review_focus", "pfa_assessment_advice",
     "tribunal_order_compliance"],
)  # fmt: skip
def test_conditions_without_a_length_have_no_due_date(rule_key):
    with pytest.raises(ValueError, match="no computable time limit"):
        due(rule_key, D(2025, 1, 1))


def test_unknown_rule_is_refused_with_the_known_keys():
    with pytest.raises(ValueError, match="unknown rule 'final'.*final_plan"):
        due("final", D(2025, 1, 1))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
    ],
)
def test_months_keep_the_day_or_fall_back_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_dates_beyond_the_calendar_are_refused_plainly():
    with pytest.raises(ValueError, match="calendar"):
        due("final_plan", D(9999, 12, 1))


def test_timeline_gives_only_the_deadlines_its_events_start():
    t = timeline(request_received=D(2024, 1, 8))
    assert sorted(t) == ["decision_to_assess", "final_plan", "not_to_issue"]


def test_timeline_with_every_event_gives_every_key_in_contract_order():
    t = timeline(
        request_received=D(2024, 1, 8),
        advice_requested=D(2024, 2, 29),
        draft_issued=D(2024, 4, 29),
        plan_issued=D(2024, 5, 20),
        review_meeting=D(2025, 5, 12),
        amendment_proposed=D(2025, 6, 2),
        transfer="post16",
        transfer_year=2026,
    )
    assert list(t) == [
        "decision_to_assess",
        "advice",
        "not_to_issue",
        "draft_comments_close",
        "final_plan",
        "annual_review",
        "review_report",
        "review_decision",
        "amended_plan",
        "phase_transfer",
    ]
    assert t["annual_review"].due == D(2025, 5, 20)
    assert t["amended_plan"].due == D(2025, 7, 28)
    assert t["phase_transfer"].due == D(2026, 3, 31)
    assert t["phase_transfer"].basis == "Reg 18(1)(a)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"transfer": "school"}, "together"),
        ({"transfer_year": 2026}, "together"),
        ({"transfer": "college", "transfer_year": 2026}, "school, post16"),
    ],
)
def test_timeline_refuses_an_incomplete_transfer(kwargs, message):
    with pytest.raises(ValueError, match=message):
        timeline(request_received=D(2024, 1, 8), **kwargs)
