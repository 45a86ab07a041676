"""The one place the casework apps reach the legal clock in ``sendplan.engine``.

Every due date the casework stores or shows comes from here, and everything here only calls
the engine: no date rule is written in the apps. When the engine's API changes, only this
module changes.

The one exception is :func:`year_group`, which the engine does not provide yet; it is the
English school-year convention (1 September cohorts), not a statutory time limit, and should
move to the engine when it grows one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sendplan import engine as _engine
from sendplan.engine import Length as Length  # the lengths pages quote

CaseEvents = _engine.CaseEvents
EngineAdvice = _engine.AdviceRequest
EngineMediation = _engine.Mediation
EngineAppeal = _engine.Appeal
EngineOrder = _engine.TribunalOrder
ExceptionRecord = _engine.ExceptionRecord
DeadlineStatus = _engine.DeadlineStatus
CaseClock = _engine.CaseClock
TimelinessMeasure = _engine.TimelinessMeasure
RULES = _engine.RULES
EXCEPTIONS = _engine.EXCEPTIONS

Transfer = Literal["school", "post16", "post16_other"]

# Keys the casework stores for each kind of due date (stable engine rule keys).
DECISION_TO_ASSESS = "decision_to_assess"
ADVICE = "advice"
NOT_TO_ISSUE = "not_to_issue"
DRAFT_COMMENTS = "draft_comments_close"
FINAL_PLAN = "final_plan"
ANNUAL_REVIEW = "annual_review"
REVIEW_INVITATIONS = "review_invitations"
REVIEW_REPORT = "review_report"
REVIEW_DECISION = "review_decision"
CEASING_MAINTAINED = "ceasing_maintained"
MEDIATION_ARRANGED = "mediation_arranged"
ORDER_COMPLIANCE = "tribunal_order_compliance"
#: Tribunal orders after an unopposed appeal (Reg 45), by what the LA concedes.
UNOPPOSED = {
    "assess": "unopposed_assess",
    "not_to_issue": "unopposed_not_to_issue",
    "final_plan": "unopposed_final_plan",
    "amended_plan": "unopposed_amended_plan",
}
#: The Reg 45 duties the engine tracks after an unopposed appeal, by what it was about.
UNOPPOSED_RULES = _engine.UNOPPOSED_RULES


@dataclass(frozen=True)
class Basis:
    """The law behind a due date, as shown next to it."""

    rule: str
    basis: str
    unconfirmed: bool


def due(rule_key: str, start: dt.date) -> dt.date:
    """The due date of an engine rule for a clock started on ``start``."""
    return _engine.due(rule_key, start)


def basis(rule_key: str) -> Basis:
    r = _engine.rule(rule_key)
    return Basis(rule=rule_key, basis=r.basis, unconfirmed=r.unconfirmed)


def consultation_due(sent_on: dt.date) -> dt.date:
    """When a consulted setting's answer is due: 15 days, as for comments on the draft.

    The engine has no separate rule for the governing body's 15 days, so the draft comment
    period (Reg 13(1), same length) is used and shown as its basis.
    """
    return _engine.due(DRAFT_COMMENTS, sent_on)


def amended_plan_due(*, proposed_on: dt.date, meeting_on: dt.date | None) -> _engine.Deadline:
    return _engine.amended_plan_due(amendment_proposed=proposed_on, review_meeting=meeting_on)


def phase_transfer_due(
    *, transfer: Transfer, transfer_year: int | None = None, transfer_date: dt.date | None = None
) -> _engine.Deadline:
    return _engine.phase_transfer_due(
        transfer=transfer, transfer_year=transfer_year, transfer_date=transfer_date
    )


def appeal_due(*, decision_on: dt.date, certificate_on: dt.date | None = None) -> dt.date:
    return _engine.appeal_due(decision=decision_on, certificate=certificate_on)


def maximum_age_end(date_of_birth: dt.date) -> dt.date:
    return _engine.maximum_age_end(date_of_birth)


def exception_applies_to(key: str, rule_key: str) -> bool:
    """Whether the lawful exception ``key`` can relieve the engine rule ``rule_key``."""
    return key in RULES[rule_key].exceptions


def case_clock(
    *,
    events: _engine.CaseEvents,
    today: dt.date,
    exceptions: Sequence[_engine.ExceptionRecord] = (),
) -> _engine.CaseClock:
    return _engine.case_clock(events=events, today=today, exceptions=exceptions)


def twenty_week_measure(
    plans: Iterable[tuple[dt.date, dt.date, bool]],
) -> _engine.TimelinessMeasure:
    return _engine.twenty_week_measure(plans)


def year_group(date_of_birth: dt.date, *, on: dt.date) -> int:
    """National Curriculum year on a date: 0 is Reception, 9 is Year 9, negative is nursery.

    A child starts Reception in the September after their fourth birthday; the school year
    runs from 1 September, so children born 1 September to 31 August share a year.
    """
    reception_starts = date_of_birth.year + (4 if date_of_birth.month < 9 else 5)
    school_year_starts = on.year if on.month >= 9 else on.year - 1
    return school_year_starts - reception_starts


def pfa_applies(date_of_birth: dt.date, *, on: dt.date, year_group_now: int | None = None) -> bool:
    """Preparing for Adulthood from Year 9 (Reg 6(1), Regs 20(6) and 21(6))."""
    year = year_group(date_of_birth, on=on) if year_group_now is None else year_group_now
    return year >= 9


@dataclass(frozen=True)
class TransferPlan:
    """The next phase transfer a learner faces and when its review must be finished."""

    transfer: Transfer
    transfer_year: int
    moving_into: str
    due: dt.date
    basis: str
    unconfirmed: bool


#: Year group in the year before each usual transfer, what it moves into, and the engine kind.
_TRANSFERS: tuple[tuple[int, str, Transfer], ...] = (
    (-1, "Reception (early years to school)", "school"),
    (6, "Year 7 (primary to secondary)", "school"),
    (11, "Year 12 (secondary school to post-16)", "post16"),
)


def next_phase_transfer(
    date_of_birth: dt.date, *, on: dt.date, year_group_now: int | None = None
) -> TransferPlan | None:
    """The next usual phase transfer (Reg 18) from today, or None after Year 11.

    ``year_group_now`` overrides the year from date of birth for a learner educated out of
    their year group. Infant-to-junior and middle-school transfers depend on local school
    structures and are not inferred.
    """
    year = year_group(date_of_birth, on=on) if year_group_now is None else year_group_now
    school_year_starts = on.year if on.month >= 9 else on.year - 1
    for last_year, moving_into, kind in _TRANSFERS:
        if year <= last_year:
            # The move happens in September of the calendar year after the last year ends.
            transfer_year = school_year_starts + (last_year - year) + 1
            deadline = phase_transfer_due(transfer=kind, transfer_year=transfer_year)
            return TransferPlan(
                transfer=kind,
                transfer_year=transfer_year,
                moving_into=moving_into,
                due=deadline.due,
                basis=deadline.basis,
                unconfirmed=deadline.unconfirmed,
            )
    return None
