"""The rules of the pathway to adulthood: when a Care Act transition assessment is due, when a
plan of a young person 19 or over needs a review decision, and what ceasing a plan of a
young person over 18 must weigh.

Each rule is data (:class:`AdulthoodRule`, with its legal basis) and a pure function of
dates, so the apps and the tests ask the same question. Where the law sets no age or date
and the project follows common local practice (the 17½ flag), the rule says so
(``local_practice=True``) and the interface says "local practice".

Abbreviations in ``basis``: "CA" = Care Act 2014; "CSSG" = Care and Support Statutory
Guidance; "Reg" = SEND Regulations 2014 (SI 2014/1530); "CFA" = Children and Families Act
2014; "CoP" = SEND Code of Practice 0–25 (January 2015).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from sendplan.engine.statutory import add_months

__all__ = [
    "ADULTHOOD_RULES",
    "CARE_ACT_FLAG_AGE_MONTHS",
    "CARE_ACT_LEAD_MONTHS",
    "CEASE_REASONS_WITHOUT_OUTCOMES",
    "REVIEW_DECISION_MONTHS",
    "AdulthoodRule",
    "CareActFlag",
    "age_in_years",
    "care_act_assessment_due",
    "care_act_flag",
    "cease_needs_outcomes_considered",
    "plan_at_risk_of_lapsing",
]


@dataclass(frozen=True, slots=True)
class AdulthoodRule:
    key: str
    description: str
    basis: str
    local_practice: bool = False
    note: str = ""


#: A Care Act transition assessment is flagged by this age, in months (17½ years).
CARE_ACT_FLAG_AGE_MONTHS = 17 * 12 + 6
#: The flag shows this many months before it is due, so there is time to ask for it.
CARE_ACT_LEAD_MONTHS = 6
#: A plan of a young person 19 or over needs a review decision at least this often.
REVIEW_DECISION_MONTHS = 12
#: SEN2 cease reasons (statutory.md §3.3) where the plan ends for a reason that is not the
#: authority's judgement that it is no longer needed: the maximum age (1), transfer to
#: another authority in England (5), a move outside England (7), death (8). Reg 30's duty
#: to weigh outcomes does not arise.
CEASE_REASONS_WITHOUT_OUTCOMES = frozenset({1, 5, 7, 8})

_RULES = (
    AdulthoodRule(
        "care_act_transition_assessment",
        "Care Act transition assessment for a young person likely to need care and support "
        "as an adult, flagged by age 17½",
        "CA ss58–59; CSSG ch. 16; CoP 8.52–8.58",
        local_practice=True,
        note="The Act asks for the assessment when it would be of 'significant benefit', "
        "with no fixed age; 17½ is the common local practice so that care is in place at 18.",
    ),
    AdulthoodRule(
        "review_decision_19_plus",
        "A plan of a young person 19 or over is reviewed and decided on at least every 12 "
        "months: it never lapses because of age",
        "CFA s44; CoP 9.200",
        note="Ceasing needs a lawful reason; being 19 or over is not one.",
    ),
    AdulthoodRule(
        "cease_over_18_outcomes",
        "Before ceasing the plan of a young person over 18, the authority considers whether "
        "the education and training outcomes in the plan have been achieved",
        "CFA s45; Reg 30 (paragraph UNCONFIRMED); CoP 9.200",
        note="Not needed when the plan ends at the maximum age, by transfer, a move outside "
        "England or death.",
    ),
)

ADULTHOOD_RULES: MappingProxyType[str, AdulthoodRule] = MappingProxyType({r.key: r for r in _RULES})
"""Every rule of the pathway by key (read-only)."""


def age_in_years(date_of_birth: date, on: date) -> int:
    """Whole years of age on a day (a 29 February birthday counts on 28 February).

    >>> age_in_years(date(2008, 3, 1), date(2026, 2, 28)), age_in_years(date(2008, 3, 1), date(2026, 3, 1))
    (17, 18)
    """
    if on < date_of_birth:
        raise ValueError("on: the day is before the date of birth")
    years = on.year - date_of_birth.year
    return years - 1 if add_months(date_of_birth, 12 * years) > on else years


def care_act_assessment_due(date_of_birth: date) -> date:
    """The day a young person turns 17½, by which the assessment is flagged.

    >>> care_act_assessment_due(date(2008, 8, 31))
    datetime.date(2026, 2, 28)
    """
    return add_months(date_of_birth, CARE_ACT_FLAG_AGE_MONTHS)


@dataclass(frozen=True, slots=True)
class CareActFlag:
    due: date
    overdue: bool
    days: int  # days left; negative when overdue


def care_act_flag(
    *,
    date_of_birth: date,
    on: date,
    likely_needs_adult_care: bool,
    assessment_done: bool,
) -> CareActFlag | None:
    """The flag for one young person on ``on``, or None when there is nothing to do.

    A flag shows from six months before 17½ until the assessment is recorded, for those
    likely to need adult care, while they are under 25.

    >>> care_act_flag(date_of_birth=date(2009, 1, 10), on=date(2026, 1, 9),
    ...               likely_needs_adult_care=True, assessment_done=False) is None
    True
    >>> care_act_flag(date_of_birth=date(2009, 1, 10), on=date(2026, 1, 10),
    ...               likely_needs_adult_care=True, assessment_done=False).days
    181
    """
    if not likely_needs_adult_care or assessment_done:
        return None
    due = care_act_assessment_due(date_of_birth)
    if on < add_months(due, -CARE_ACT_LEAD_MONTHS) or age_in_years(date_of_birth, on) >= 25:
        return None
    days = (due - on).days
    return CareActFlag(due=due, overdue=days < 0, days=days)


def plan_at_risk_of_lapsing(
    *, date_of_birth: date, on: date, last_decision_on: date | None, plan_issued_on: date | None
) -> bool:
    """A young person 19 or over whose plan has had no review decision for 12 months.

    The clock runs from the last review decision, or from the plan's issue when there has
    been none. Exactly 12 months after the decision is still in time.

    >>> plan_at_risk_of_lapsing(date_of_birth=date(2006, 5, 1), on=date(2026, 5, 1),
    ...                         last_decision_on=date(2025, 5, 1), plan_issued_on=None)
    False
    >>> plan_at_risk_of_lapsing(date_of_birth=date(2006, 5, 1), on=date(2026, 5, 2),
    ...                         last_decision_on=date(2025, 5, 1), plan_issued_on=None)
    True
    """
    if age_in_years(date_of_birth, on) < 19:
        return False
    since = last_decision_on or plan_issued_on
    if since is None:
        return True
    return add_months(since, REVIEW_DECISION_MONTHS) < on


def cease_needs_outcomes_considered(*, date_of_birth: date, on: date, reason: int) -> bool:
    """Whether ceasing on ``on`` for SEN2 reason ``reason`` needs the outcomes considered:
    the young person is over 18 (18 or older on the day) and the reason is the authority's
    judgement rather than a transfer, a move or a death.

    >>> cease_needs_outcomes_considered(date_of_birth=date(2007, 6, 1), on=date(2025, 5, 31), reason=2)
    False
    >>> cease_needs_outcomes_considered(date_of_birth=date(2007, 6, 1), on=date(2025, 6, 1), reason=2)
    True
    """
    if reason in CEASE_REASONS_WITHOUT_OUTCOMES or on < date_of_birth:
        return False
    return age_in_years(date_of_birth, on) >= 18
