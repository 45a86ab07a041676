"""Who may move in a planning run: the one place the rules live (ADR 0133).

A learner stays where they are unless they are at a point where a move is on the table.
Learners settled mid-phase are fixed: they hold their place, and the optimiser plans the
others around them (``may_move`` no in the engine, ADR 0130). Those who may move weigh the
run's move cost (pounds a year) against any saving.

The rules, read from the record:

* a phase transfer: the learner's age on the planning date is the first age of a phase
  (:data:`sendplan.engine.PHASES`), so they change phase next September;
* a new plan: no current placement, or a plan first issued within the area's
  ``new_plan_months`` (12 unless the area changes it);
* an independent placement coming up for review: placed in an independent setting or strand,
  with the plan's next review due on or before the planning date (unless the area turns
  this rule off).

The phase-transfer and no-placement rules are fixed: a learner leaving their phase must have
a new place, and one with no place has nothing to hold. The other two are the area's own
(:class:`MoveRules`, from its planning figures), and each run records the ones it used.

A learner who may move keeps the offer of staying only where their current place covers
their age on the planning date: a phase transfer leaving a primary school is not offered
to stay in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sendplan.engine import phase_for_age

#: A plan first issued this many months before today counts as new (the default).
NEW_PLAN_MONTHS = 12
#: The most months an area may count a plan as new.
MOST_NEW_PLAN_MONTHS = 36
#: Default pounds a year charged for moving a learner who may move (a run parameter).
DEFAULT_MOVE_COST = 5_000

# Why a learner may move (empty: settled, fixed in their place).
PHASE_TRANSFER = "phase_transfer"
NEW_PLAN = "new_plan"
INDEPENDENT_REVIEW = "independent_review"
SETTLED = ""
MOVE_POINT_LABELS = {
    PHASE_TRANSFER: "Phase transfer",
    NEW_PLAN: "New plan",
    INDEPENDENT_REVIEW: "Independent placement due for review",
    SETTLED: "Settled: stays in their place",
}


@dataclass(frozen=True)
class MoveRules:
    """The rules an area may change: how long a plan counts as new (0: only learners with no
    place), and whether an independent placement due for review opens a move."""

    new_plan_months: int = NEW_PLAN_MONTHS
    independent_review: bool = True

    def as_parameters(self) -> dict[str, Any]:
        """As a run stores them in its parameters."""
        return {
            "new_plan_months": self.new_plan_months,
            "independent_review": self.independent_review,
        }

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> MoveRules:
        """The rules a run used; a run stored before areas could change them used the
        defaults."""
        return cls(
            new_plan_months=int(parameters.get("new_plan_months", NEW_PLAN_MONTHS)),
            independent_review=bool(parameters.get("independent_review", True)),
        )


DEFAULT_RULES = MoveRules()


def rules_text(rules: MoveRules = DEFAULT_RULES) -> tuple[str, ...]:
    """The rules in plain words, for the planning pages.

    >>> rules_text(MoveRules(new_plan_months=0, independent_review=False))[1]
    'Learners with no current placement may move.'
    """
    if rules.new_plan_months:
        months = "month" if rules.new_plan_months == 1 else f"{rules.new_plan_months} months"
        new_plan = (
            "Learners with a new plan may move: those with no current placement, and those "
            f"whose plan was first issued in the last {months}."
        )
    else:
        new_plan = "Learners with no current placement may move."
    out = [
        "Learners changing phase next September (starting secondary at 11, post-16 at 16, "
        "post-19 at 20, or primary at 5) may move. They are not offered a place in a setting "
        "that does not take their new age.",
        new_plan,
    ]
    if rules.independent_review:
        out.append(
            "Learners in an independent placement whose plan is due for review by the "
            "planning date may move."
        )
    out.append(
        "Everyone else is settled and stays where they are: they keep their place, and the "
        "optimiser plans the others around them."
    )
    return tuple(out)


#: The default rules in plain words.
RULES: tuple[str, ...] = rules_text()


def is_phase_transfer(age: int) -> bool:
    """Whether ``age`` (on the planning date) is the first age of a phase.

    >>> [a for a in range(0, 26) if is_phase_transfer(a)]
    [5, 11, 16, 20]
    """
    return 0 < age <= 25 and phase_for_age(age) != phase_for_age(age - 1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it has fewer days).

    >>> months_before(dt.date(2027, 3, 31), 1)
    datetime.date(2027, 2, 28)
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def move_point(
    *,
    age: int,
    placed: bool,
    independent: bool,
    plan_issued_on: dt.date | None,
    review_due_on: dt.date | None,
    today: dt.date,
    on: dt.date,
    rules: MoveRules = DEFAULT_RULES,
) -> str:
    """Why the learner may move (a key of :data:`MOVE_POINT_LABELS`), or ``SETTLED``.

    ``age`` is on the planning date ``on``; ``plan_issued_on`` is when the current plan was
    first issued; ``review_due_on`` is when its next review is due; ``rules`` are the area's.

    >>> d = dict(placed=True, independent=False, plan_issued_on=None, review_due_on=None,
    ...          today=dt.date(2026, 11, 28), on=dt.date(2027, 8, 31))
    >>> move_point(age=8, **d), move_point(age=11, **d)
    ('', 'phase_transfer')
    >>> d["plan_issued_on"] = dt.date(2026, 6, 1)
    >>> move_point(age=8, **d), move_point(age=8, rules=MoveRules(new_plan_months=3), **d)
    ('new_plan', '')
    """
    if is_phase_transfer(age):
        return PHASE_TRANSFER
    if not placed:
        return NEW_PLAN
    if (
        rules.new_plan_months
        and plan_issued_on is not None
        and plan_issued_on >= months_before(today, rules.new_plan_months)
    ):
        return NEW_PLAN
    if (
        rules.independent_review
        and independent
        and review_due_on is not None
        and review_due_on <= on
    ):
        return INDEPENDENT_REVIEW
    return SETTLED


def offered_stay(*, may_move: bool, age: int, min_age: int, max_age: int) -> bool:
    """Whether a learner's current place stays open to them in the run.

    A settled learner holds it whatever; one who may move is offered it only when it takes
    their age on the planning date.
    """
    return not may_move or min_age <= age <= max_age
