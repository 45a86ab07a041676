"""The legal clock: due dates of the EHC process from the events that start them.

Date arithmetic follows CONTRACTS.md exactly:

- "within N weeks of D" is due on D + 7·N days;
- "within N days of D" is due on D + N days;
- "within N months of D" is due on the same day N months later, or on the last day of that
  month when it is shorter (12 months from 29 February is 28 February);
- an event on or before its due date is on time.

The rules themselves are data in :mod:`sendplan.engine.statutory_rules`; the case-level clock
(open deadlines, at risk, exceptions) is :mod:`sendplan.engine.statutory_case`; the DfE
20-week measure is :mod:`sendplan.engine.statutory_measure`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sendplan.engine.bank_holidays import is_bank_holiday
from sendplan.engine.statutory_rules import EXCEPTIONS, REFERENCE_INDEX, RULES, Length, Rule

__all__ = [
    "EXCEPTIONS",
    "REFERENCE_INDEX",
    "RULES",
    "TIMELINE_KEYS",
    "Deadline",
    "add_months",
    "add_working_days",
    "amended_plan_due",
    "appeal_due",
    "compulsory_school_age_ends",
    "due",
    "is_on_time",
    "maximum_age_end",
    "order_problems",
    "phase_transfer_due",
    "rule",
    "timeline",
]

Transfer = Literal["school", "post16"]

TIMELINE_KEYS = (
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
)
"""Keys :func:`timeline` (and ``sendplan statutory timeline``) may return."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed due date and the law behind it.

    ``rule`` is the :data:`RULES` key actually applied (``phase_transfer`` is
    ``phase_transfer_school`` or ``phase_transfer_post16``; ``amended_plan`` may be
    ``amended_plan_ceiling`` when the 12-week ceiling binds).
    """

    due: date
    basis: str
    rule: str
    unconfirmed: bool = False


def rule(key: str) -> Rule:
    """Return the rule with this key, or raise a ``ValueError`` naming the known keys.

    Examples
    --------
    >>> rule("final_plan").basis
    'Reg 13(2); CoP 9.42'
    """
    try:
        return RULES[key]
    except KeyError:
        raise ValueError(f"unknown rule {key!r}; known rules: {', '.join(RULES)}") from None


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later (or earlier, if negative), clamped to the month's last day.

    Examples
    --------
    >>> add_months(date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    >>> add_months(date(2024, 7, 31), -5)
    datetime.date(2024, 2, 29)
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{start.isoformat()} plus {months} months is outside the calendar")
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_working_days(start: date, days: int, *, bank_holidays: Iterable[date] = ()) -> date:
    """The ``days``-th working day after ``start``.

    Working days leave out Saturdays, Sundays, Christmas Day, Good Friday and the bank
    holidays of England and Wales (:mod:`sendplan.engine.bank_holidays`, with substitute
    days and the days moved or added by proclamation up to when it was written). Pass any
    later proclaimed day in ``bank_holidays``.

    Examples
    --------
    >>> add_working_days(date(2025, 4, 16), 3)  # Wed; Good Friday and Easter Monday skipped
    datetime.date(2025, 4, 23)
    >>> add_working_days(date(2025, 12, 24), 1)  # Christmas Day and Boxing Day skipped
    datetime.date(2025, 12, 29)
    """
    if days < 0:
        raise ValueError(f"working days must be 0 or more, got {days}")
    closed = set(bank_holidays)
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and not (is_bank_holiday(current) or current in closed):
            counted += 1
    return current


def _apply(length: Length, start: date, *, before: bool, key: str) -> date:
    sign = -1 if before else 1
    try:
        if length.unit == "weeks":
            return start + timedelta(days=sign * 7 * length.amount)
        if length.unit == "days":
            return start + timedelta(days=sign * length.amount)
        if length.unit == "months":
            return add_months(start, sign * length.amount)
        if length.unit == "working_days" and not before:
            return add_working_days(start, length.amount)
        if length.unit == "fixed_date":
            assert length.month is not None and length.day is not None
            return date(start.year, length.month, length.day)
        if length.unit == "academic_year_end":
            return maximum_age_end(start, age=length.amount)
    except OverflowError:
        raise ValueError(f"{key}: {start.isoformat()} is too close to the calendar's end") from None
    raise ValueError(f"rule {key!r} has no computable time limit ({length.describe()})")


def due(rule_key: str, start: date) -> date:
    """Due date of rule ``rule_key`` for a clock started on ``start``.

    For ``notice_before`` rules the date lies before ``start`` (the meeting or transfer); for
    ``fixed_date`` rules ``start`` is the transfer date (only its year is used); for
    ``maximum_age`` it is the date of birth.

    Parameters
    ----------
    rule_key : str
        A key of :data:`RULES`.
    start : datetime.date
        The date of the starting event.

    Returns
    -------
    datetime.date
        The last day on which the stopping event is on time.

    Raises
    ------
    ValueError
        Unknown key, or a rule with no computable limit (``condition`` rules without length).

    Examples
    --------
    >>> due("final_plan", date(2024, 1, 8))
    datetime.date(2024, 5, 27)
    >>> due("annual_review", date(2024, 2, 29))
    datetime.date(2025, 2, 28)
    >>> due("review_invitations", date(2025, 3, 14))
    datetime.date(2025, 2, 28)
    >>> due("phase_transfer_school", date(2026, 9, 1))
    datetime.date(2026, 2, 15)
    """
    r = rule(rule_key)
    return _apply(r.length, start, before=r.kind == "notice_before", key=r.key)


def is_on_time(rule_key: str, *, start: date, done: date) -> bool:
    """Whether an event on ``done`` meets rule ``rule_key`` started on ``start``.

    The due day itself is on time; the next day is late.

    Examples
    --------
    >>> is_on_time("decision_to_assess", start=date(2024, 12, 23), done=date(2025, 2, 3))
    True
    >>> is_on_time("decision_to_assess", start=date(2024, 12, 23), done=date(2025, 2, 4))
    False
    """
    return done <= due(rule_key, start)


def phase_transfer_due(
    *,
    transfer: Literal["school", "post16", "post16_other"],
    transfer_year: int | None = None,
    transfer_date: date | None = None,
) -> Deadline:
    """When the review and amendments for a phase transfer must be complete (Reg 18).

    ``school`` → 15 February and ``post16`` (secondary school to post-16) → 31 March of the
    calendar year of the transfer; ``post16_other`` (between post-16 institutions at any other
    time) → 5 months before ``transfer_date``.

    Examples
    --------
    >>> phase_transfer_due(transfer="post16", transfer_year=2027).due
    datetime.date(2027, 3, 31)
    >>> phase_transfer_due(transfer="post16_other", transfer_date=date(2026, 1, 5)).due
    datetime.date(2025, 8, 5)
    """
    if transfer == "post16_other":
        if transfer_date is None:
            raise ValueError("post16_other transfers need transfer_date")
        key = "phase_transfer_post16_other"
        return _deadline(key, due(key, transfer_date))
    if transfer not in ("school", "post16"):
        raise ValueError(f"transfer must be school, post16 or post16_other, got {transfer!r}")
    if transfer_year is None:
        raise ValueError("transfer needs transfer_year (the calendar year of the move)")
    if not 1 <= transfer_year <= 9999:
        raise ValueError(f"transfer_year must be a calendar year, got {transfer_year}")
    key = f"phase_transfer_{transfer}"
    return _deadline(key, due(key, date(transfer_year, 1, 1)))


def amended_plan_due(*, amendment_proposed: date, review_meeting: date | None = None) -> Deadline:
    """Due date of the final amended plan: 8 weeks from the proposals (Reg 22).

    When the proposals follow a review meeting (``review_meeting`` on or before
    ``amendment_proposed``) the case-law ceiling of 12 weeks from the meeting also applies and
    the earlier date is returned, with the basis of the limit that binds.

    Examples
    --------
    >>> amended_plan_due(amendment_proposed=date(2025, 2, 3)).due
    datetime.date(2025, 3, 31)
    >>> late = amended_plan_due(amendment_proposed=date(2025, 3, 3), review_meeting=date(2025, 1, 6))
    >>> late.due, late.rule
    (datetime.date(2025, 3, 31), 'amended_plan_ceiling')
    """
    eight = _deadline("amended_plan", due("amended_plan", amendment_proposed))
    if review_meeting is None or review_meeting > amendment_proposed:
        return eight
    ceiling = _deadline("amended_plan_ceiling", due("amended_plan_ceiling", review_meeting))
    return ceiling if ceiling.due < eight.due else eight


def appeal_due(*, decision: date, certificate: date | None = None) -> date:
    """Last day to appeal: 2 months from the decision or 1 month from the mediation
    certificate, whichever is later (T25; rule number UNCONFIRMED).

    Examples
    --------
    >>> appeal_due(decision=date(2025, 1, 31), certificate=date(2025, 3, 20))
    datetime.date(2025, 4, 20)
    """
    two_months = due("appeal", decision)
    if certificate is None:
        return two_months
    return max(two_months, add_months(certificate, 1))


def maximum_age_end(date_of_birth: date, *, age: int = 25) -> date:
    """31 July ending the academic year in which the person reaches ``age`` (T24).

    The academic year is taken to run 1 August–31 July (UNCONFIRMED). A 29 February birthday
    falls in the same academic year whichever day is used in common years.

    Examples
    --------
    >>> maximum_age_end(date(2000, 8, 1))
    datetime.date(2026, 7, 31)
    >>> maximum_age_end(date(2000, 7, 31))
    datetime.date(2025, 7, 31)
    """
    birthday_year = date_of_birth.year + age
    return date(birthday_year + (1 if date_of_birth.month >= 8 else 0), 7, 31)


def compulsory_school_age_ends(date_of_birth: date) -> date:
    """The last day of compulsory school age: the school leaving date (the last Friday in
    June) of the school year, 1 September to 31 August, in which the person turns 16.

    From the next day they are a young person (CFA s83(2): over compulsory school age), and
    the decisions about their plan are theirs, subject to their capacity (CFA s80). Basis:
    Education Act 1996 s8(3)-(4); Education (School Leaving Date) Order 1997 (SI 1997/1970).
    Not in the statutory reference; the Mental Capacity Act test is a person's, not a date's.

    Examples
    --------
    >>> compulsory_school_age_ends(date(2010, 3, 14))  # turns 16 in March 2026
    datetime.date(2026, 6, 26)
    >>> compulsory_school_age_ends(date(2010, 7, 20))  # turns 16 in the summer holidays
    datetime.date(2026, 6, 26)
    >>> compulsory_school_age_ends(date(2010, 9, 1))  # turns 16 on the first day of a year
    datetime.date(2027, 6, 25)
    """
    sixteenth = date_of_birth.year + 16
    # The school year holding the 16th birthday ends in June of this year.
    leaving_year = sixteenth + (1 if (date_of_birth.month, date_of_birth.day) >= (9, 1) else 0)
    last_of_june = date(leaving_year, 6, 30)
    return last_of_june - timedelta(days=(last_of_june.weekday() - 4) % 7)


def _deadline(key: str, due_date: date) -> Deadline:
    r = RULES[key]
    return Deadline(due=due_date, basis=r.basis, rule=key, unconfirmed=r.unconfirmed)


def order_problems(**events: date | None) -> list[str]:
    """Plainly impossible orders among timeline events (one message per problem).

    Examples
    --------
    >>> order_problems(request_received=date(2025, 3, 1), draft_issued=date(2025, 2, 1))
    ['draft_issued 2025-02-01 is before request_received 2025-03-01']
    """
    pairs = (
        ("advice_requested", "request_received"),
        ("draft_issued", "request_received"),
        ("plan_issued", "request_received"),
        ("plan_issued", "draft_issued"),
        ("review_meeting", "plan_issued"),
        ("amendment_proposed", "plan_issued"),
    )
    problems = []
    for later, earlier in pairs:
        a, b = events.get(later), events.get(earlier)
        if a is not None and b is not None and a < b:
            problems.append(f"{later} {a.isoformat()} is before {earlier} {b.isoformat()}")
    return problems


def timeline(
    *,
    request_received: date,
    advice_requested: date | None = None,
    draft_issued: date | None = None,
    plan_issued: date | None = None,
    review_meeting: date | None = None,
    amendment_proposed: date | None = None,
    transfer: Transfer | None = None,
    transfer_year: int | None = None,
) -> dict[str, Deadline]:
    """The deadlines that the given events start, keyed as in CONTRACTS.md.

    ``decision_to_assess``, ``not_to_issue`` and ``final_plan`` start at the request;
    ``advice`` at the request for advice; ``draft_comments_close`` at the draft;
    ``annual_review`` at the plan (the first review); ``review_report`` and
    ``review_decision`` at the review meeting; ``amended_plan`` at the proposals (capped by the
    12-week ceiling when the proposals follow the given review meeting, see
    :func:`amended_plan_due`); ``phase_transfer`` at ``transfer`` + ``transfer_year``.

    The arithmetic does not depend on the order of events; use :func:`order_problems` to
    check it.

    Raises
    ------
    ValueError
        ``transfer`` without ``transfer_year`` or the other way round, or an unknown transfer.

    Examples
    --------
    >>> t = timeline(request_received=date(2024, 1, 8), draft_issued=date(2024, 4, 29))
    >>> sorted(t)
    ['decision_to_assess', 'draft_comments_close', 'final_plan', 'not_to_issue']
    >>> t["final_plan"].due, t["draft_comments_close"].due
    (datetime.date(2024, 5, 27), datetime.date(2024, 5, 14))
    """
    if (transfer is None) != (transfer_year is None):
        raise ValueError("transfer and transfer_year must be given together")
    starts = {
        "decision_to_assess": request_received,
        "not_to_issue": request_received,
        "final_plan": request_received,
        "advice": advice_requested,
        "draft_comments_close": draft_issued,
        "annual_review": plan_issued,
        "review_report": review_meeting,
        "review_decision": review_meeting,
    }
    result = {key: _deadline(key, due(key, start)) for key, start in starts.items() if start}
    if amendment_proposed is not None:
        result["amended_plan"] = amended_plan_due(
            amendment_proposed=amendment_proposed, review_meeting=review_meeting
        )
    if transfer is not None:
        result["phase_transfer"] = phase_transfer_due(
            transfer=transfer, transfer_year=transfer_year
        )
    return {key: result[key] for key in TIMELINE_KEYS if key in result}
