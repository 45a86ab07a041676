"""The pathway's rules in the engine, on both sides of each boundary, with fixed dates."""

from __future__ import annotations

from datetime import date

import pytest

from sendplan.engine import (
    ADULTHOOD_RULES,
    age_in_years,
    care_act_assessment_due,
    care_act_flag,
    cease_needs_outcomes_considered,
    plan_at_risk_of_lapsing,
)

BORN = date(2008, 11, 20)  # 17½ on 20 May 2026


def flag(on: date, **kwargs):
    args = {"likely_needs_adult_care": True, "assessment_done": False, **kwargs}
    return care_act_flag(date_of_birth=BORN, on=on, **args)


def test_every_pathway_rule_names_its_legal_basis():
    assert {r.key for r in ADULTHOOD_RULES.values()} == {
        "care_act_transition_assessment",
        "review_decision_19_plus",
        "cease_over_18_outcomes",
    }
    assert all(r.basis for r in ADULTHOOD_RULES.values())
    assert ADULTHOOD_RULES["care_act_transition_assessment"].local_practice


def test_care_act_assessment_is_due_at_seventeen_and_a_half():
    assert care_act_assessment_due(BORN) == date(2026, 5, 20)
    # The last day of February for a birthday with no day in the due month.
    assert care_act_assessment_due(date(2008, 8, 31)) == date(2026, 2, 28)


def test_care_act_flag_shows_from_seventeen_not_the_day_before():
    assert flag(date(2025, 11, 19)) is None
    shown = flag(date(2025, 11, 20))
    assert shown is not None and shown.due == date(2026, 5, 20) and not shown.overdue


def test_care_act_flag_is_overdue_the_day_after_seventeen_and_a_half():
    assert not flag(date(2026, 5, 20)).overdue
    late = flag(date(2026, 5, 21))
    assert late.overdue and late.days == -1


def test_care_act_flag_only_for_those_likely_to_need_care_and_not_assessed():
    assert flag(date(2026, 5, 21), likely_needs_adult_care=False) is None
    assert flag(date(2026, 5, 21), assessment_done=True) is None


def test_care_act_flag_stops_at_twenty_five():
    assert flag(date(2033, 11, 19)) is not None
    assert flag(date(2033, 11, 20)) is None


def test_plan_of_a_nineteen_year_old_lapses_without_a_decision_in_twelve_months():
    born = date(2006, 3, 10)
    decided = date(2025, 1, 15)
    # Exactly 12 months after the decision is still in time; the day after is not.
    assert not plan_at_risk_of_lapsing(
        date_of_birth=born, on=date(2026, 1, 15), last_decision_on=decided, plan_issued_on=None
    )
    assert plan_at_risk_of_lapsing(
        date_of_birth=born, on=date(2026, 1, 16), last_decision_on=decided, plan_issued_on=None
    )


def test_plan_under_nineteen_is_not_listed_however_old_the_decision():
    born = date(2007, 3, 10)
    kwargs = {"last_decision_on": date(2023, 1, 1), "plan_issued_on": None}
    assert not plan_at_risk_of_lapsing(date_of_birth=born, on=date(2026, 3, 9), **kwargs)
    assert plan_at_risk_of_lapsing(date_of_birth=born, on=date(2026, 3, 10), **kwargs)


def test_plan_never_reviewed_counts_from_its_issue():
    born = date(2005, 1, 1)
    assert not plan_at_risk_of_lapsing(
        date_of_birth=born,
        on=date(2026, 1, 1),
        last_decision_on=None,
        plan_issued_on=date(2025, 6, 1),
    )
    assert plan_at_risk_of_lapsing(
        date_of_birth=born,
        on=date(2026, 6, 2),
        last_decision_on=None,
        plan_issued_on=date(2025, 6, 1),
    )


@pytest.mark.parametrize(
    ("on", "reason", "needed"),
    [
        (date(2025, 5, 31), 2, False),  # the day before the 18th birthday
        (date(2025, 6, 1), 2, True),  # the 18th birthday
        (date(2025, 6, 1), 6, True),  # no longer wishes to engage
        (date(2025, 6, 1), 5, False),  # transferred to another authority
        (date(2025, 6, 1), 8, False),  # deceased
        (date(2032, 7, 31), 1, False),  # the maximum age
    ],
)
def test_ceasing_over_eighteen_needs_the_outcomes_considered(on, reason, needed):
    born = date(2007, 6, 1)
    assert cease_needs_outcomes_considered(date_of_birth=born, on=on, reason=reason) is needed


def test_age_on_a_leap_day_birthday():
    assert age_in_years(date(2008, 2, 29), date(2026, 2, 27)) == 17
    assert age_in_years(date(2008, 2, 29), date(2026, 2, 28)) == 18
    with pytest.raises(ValueError, match="on"):
        age_in_years(date(2008, 2, 29), date(2008, 2, 28))
