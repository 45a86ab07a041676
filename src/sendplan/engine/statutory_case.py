"""The legal clock of one case: which deadlines are open today and how they stand.

Statuses of an open deadline, worst first:

``overdue``
    today is after the due date.
``at_risk``
    not yet late, but the earliest date the stopping event can lawfully happen, given the stage
    reached, is after the due date. The earliest dates used (the rule, documented in ADR 0102):

    - final plan (20 weeks), no draft yet: today + ``draft_preparation_days`` (default 5) + the
      15-day comment period (Reg 13(1)); with a draft out and no comments back: the day the
      comment period closes (or today, if later);
    - amended plan: 15 days after the proposals (Reg 22) or today, if later;
    - phase transfer with no amendment under way: today + ``draft_preparation_days`` + 15;
    - annual review with no invitations sent for it: today + 14 days' notice (Regs 20–21).

    Decisions (whether to assess, not to issue, after review), advice from other bodies and
    review reports are never "at risk": they can be made on any day.
``due_soon``
    due within ``due_soon_days`` (default 7) days, today included.
``on_time``
    anything else still open.

Closed deadlines are ``met`` (stopping event on or before the due date) or ``late``; minimum
periods that ran out without a stopping event are ``ended``, and so is the family's time to
appeal (T25) when it passed without an appeal: it is the family's limit, not the authority's,
so it is never "overdue". A lawful exception (Reg 10(4)(a)–(d), Reg 8(2), SI 2020/471)
recorded with a reason is attached to the deadlines it can relieve; such a deadline is
``excused``: still shown with its true status, but not counted as late in "with exceptions"
measures.

The events a case is judged on (:class:`CaseEvents` and the records in it) are defined in
:mod:`sendplan.engine.statutory_types` and importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Literal, cast

from sendplan.engine.statutory import (
    add_months,
    amended_plan_due,
    due,
    phase_transfer_due,
)
from sendplan.engine.statutory_disputes import (
    UNOPPOSED_RULES,
    add_appeals,
    add_mediations,
    dispute_problems,
)
from sendplan.engine.statutory_rules import EXCEPTIONS, RULES
from sendplan.engine.statutory_types import (
    AdviceRequest,
    Appeal,
    CaseEvents,
    ExceptionRecord,
    Mediation,
    TribunalOrder,
)

Status = Literal["overdue", "at_risk", "due_soon", "on_time", "met", "late", "ended"]
OPEN_ORDER: tuple[Status, ...] = ("overdue", "at_risk", "due_soon", "on_time")

__all__ = [
    "UNOPPOSED_RULES",
    "AdviceRequest",
    "Appeal",
    "CaseClock",
    "CaseEvents",
    "DeadlineStatus",
    "ExceptionRecord",
    "Mediation",
    "RiskSettings",
    "TribunalOrder",
    "case_clock",
    "check_case",
]


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """Local settings of the at-risk rule and the due-soon window, and any day proclaimed a
    bank holiday after :mod:`sendplan.engine.bank_holidays` was written (working days
    already skip weekends and the known bank holidays of England and Wales)."""

    due_soon_days: int = 7
    draft_preparation_days: int = 5
    bank_holidays: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """One deadline of a case as it stands on ``today``."""

    id: str
    rule: str
    name: str
    start: date
    due: date
    status: Status
    basis: str
    days_left: int
    done: date | None = None
    exceptions: tuple[ExceptionRecord, ...] = ()
    unconfirmed: bool = False
    why: str = ""

    @property
    def excused(self) -> bool:
        """A lawful exception applies: not counted as late in "with exceptions" measures."""
        return bool(self.exceptions)


@dataclass(frozen=True, slots=True)
class CaseClock:
    """Result of :func:`case_clock`; ``status`` is the worst open status (or ``clear``)."""

    status: Literal["overdue", "at_risk", "due_soon", "on_time", "clear"]
    message: str
    today: date
    open: tuple[DeadlineStatus, ...] = field(default=())
    closed: tuple[DeadlineStatus, ...] = field(default=())


# (later event, earlier event, whether the later one is meaningless without the earlier).
# A plan may predate the system, so a plan, review or amendment without a recorded request,
# draft or plan is accepted; only its order is checked when both are known.
_ORDER = (
    ("decision_to_assess_notified", "request_received", False),
    ("draft_issued", "request_received", False),
    ("not_to_issue_notified", "request_received", False),
    ("plan_issued", "request_received", False),
    ("plan_issued", "draft_issued", False),
    ("draft_comments_received", "draft_issued", True),
    ("review_meeting", "plan_issued", False),
    ("review_report_circulated", "review_meeting", True),
    ("review_decision_notified", "review_meeting", True),
    ("amendment_proposed", "plan_issued", False),
    ("amended_plan_issued", "amendment_proposed", True),
    ("not_to_amend_notified", "amendment_proposed", True),
    ("plan_ceased", "plan_issued", False),
)


def check_case(
    *,
    events: CaseEvents,
    today: date,
    exceptions: Sequence[ExceptionRecord] = (),
    settings: RiskSettings = RiskSettings(),
) -> None:
    """Raise one ``ValueError`` listing every problem with a case's events (one per line).

    Examples
    --------
    >>> check_case(events=CaseEvents(request_received=date(2025, 3, 1),
    ...            draft_issued=date(2025, 2, 1)), today=date(2025, 4, 1))
    Traceback (most recent call last):
    ...
    ValueError: draft_issued: 2025-02-01 is before request_received 2025-03-01
    """
    ev, problems = events, []
    for name, other, needed in _ORDER:
        when, before = getattr(ev, name), getattr(ev, other)
        if when is not None and before is None and needed:
            problems.append(f"{name}: given without {other}")
        elif when is not None and before is not None and when < before:
            problems.append(f"{name}: {when.isoformat()} is before {other} {before.isoformat()}")
    dated = {f.name: getattr(ev, f.name) for f in fields(ev)}
    dated = {k: v for k, v in dated.items() if isinstance(v, date)}
    for i, adv in enumerate(ev.advice):
        dated[f"advice[{i}].requested"] = adv.requested
        if adv.received is not None:
            dated[f"advice[{i}].received"] = adv.received
            if adv.received < adv.requested:
                problems.append(f"advice[{i}].received: before its request")
        if ev.request_received and adv.requested < ev.request_received:
            problems.append(f"advice[{i}].requested: before request_received")
    problems += dispute_problems(ev, dated)
    dated.pop("transfer_date", None)  # a transfer is planned, so it may be in the future
    problems += [f"{k}: {v.isoformat()} is in the future" for k, v in dated.items() if v > today]
    if (ev.assess is None) != (ev.decision_to_assess_notified is None):
        problems.append("assess: give the decision (True/False) with decision_to_assess_notified")
    if ev.assess is False and (ev.draft_issued or ev.plan_issued or ev.advice):
        problems.append("assess: the decision was not to assess, yet the case has later stages")
    if ev.not_to_issue_notified and (ev.draft_issued or ev.plan_issued):
        problems.append("not_to_issue_notified: the case also has a draft or final plan")
    if ev.transfer in ("school", "post16") and ev.transfer_year is None:
        problems.append("transfer_year: needed for a school or post16 transfer")
    if ev.transfer == "post16_other" and ev.transfer_date is None:
        problems.append("transfer_date: needed for a post16_other transfer")
    if ev.transfer is None and (ev.transfer_year or ev.transfer_date):
        problems.append("transfer: give the kind of transfer (school, post16, post16_other)")
    months = ev.early_years_review_months
    if months is not None and not 3 <= months <= 6:
        problems.append(f"early_years_review_months: must be 3 to 6, got {months}")
    if settings.due_soon_days < 0 or settings.draft_preparation_days < 0:
        problems.append("settings: due_soon_days and draft_preparation_days must be 0 or more")
    for i, record in enumerate(exceptions):
        if record.key not in EXCEPTIONS:
            problems.append(f"exceptions[{i}].key: unknown exception {record.key!r}")
        if not record.reason.strip():
            problems.append(f"exceptions[{i}].reason: a lawful exception needs a reason")
    if problems:
        raise ValueError("\n".join(problems))


class _Builder:
    def __init__(self, today: date, settings: RiskSettings) -> None:
        self.today, self.settings = today, settings
        self.items: list[DeadlineStatus] = []

    def add(
        self,
        ident: str,
        rule_key: str,
        start: date,
        due_date: date,
        done: date | None,
        *,
        earliest: date | None = None,
        why: str = "",
        name: str = "",
        window: bool = False,
    ) -> None:
        """One deadline; ``window`` reads it as a period that ends rather than falls due."""
        r, today = RULES[rule_key], self.today
        status: Status
        if done is not None:
            status = "met" if done <= due_date else "late"
        elif r.kind == "minimum_period" or window:
            status = "ended" if today > due_date else self._soon(due_date)
        elif today > due_date:
            status = "overdue"
        elif earliest is not None and earliest > due_date:
            status = "at_risk"
        else:
            status = self._soon(due_date)
        self.items.append(
            DeadlineStatus(
                id=ident,
                rule=rule_key,
                name=name or r.name,
                start=start,
                due=due_date,
                status=status,
                basis=r.basis,
                days_left=(due_date - today).days,
                done=done,
                unconfirmed=r.unconfirmed,
                why=why if status == "at_risk" else "",
            )
        )

    def _soon(self, due_date: date) -> Status:
        near = (due_date - self.today).days <= self.settings.due_soon_days
        return "due_soon" if near else "on_time"


def _assessment(ev: CaseEvents, b: _Builder) -> None:
    req, today, prep = ev.request_received, b.today, b.settings.draft_preparation_days
    for adv in ev.advice:
        b.add(
            f"advice:{adv.body}",
            "advice",
            adv.requested,
            due("advice", adv.requested),
            adv.received,
        )
    if req is None:
        return
    dta = due("decision_to_assess", req)
    b.add("decision_to_assess", "decision_to_assess", req, dta, ev.decision_to_assess_notified)
    if ev.assess is False:
        return
    if ev.draft_issued is None and ev.plan_issued is None:
        b.add(
            "not_to_issue", "not_to_issue", req, due("not_to_issue", req), ev.not_to_issue_notified
        )
    if ev.not_to_issue_notified is not None:
        return
    if ev.draft_issued is None:
        earliest = today + timedelta(days=prep + 15)
        why = f"no draft yet: {prep} days to prepare it and 15 days for comments (Reg 13(1))"
    else:
        close = due("draft_comments_close", ev.draft_issued)
        waiting = ev.draft_comments_received is None
        earliest = max(today, close) if waiting else today
        why = f"the 15-day comment period on the draft runs to {close.isoformat()} (Reg 13(1))"
        done = ev.draft_comments_received
        b.add("draft_comments_close", "draft_comments_close", ev.draft_issued, close, done)
    final = due("final_plan", req)
    b.add("final_plan", "final_plan", req, final, ev.plan_issued, earliest=earliest, why=why)


def _reviews(ev: CaseEvents, b: _Builder) -> None:
    today = b.today
    anchors = [d for d in (ev.plan_issued, ev.review_meeting) if d is not None]
    if anchors and ev.plan_ceased is None:
        anchor = max(anchors)
        months = ev.early_years_review_months
        key = "annual_review" if months is None else "early_years_review"
        review_due = due(key, anchor) if months is None else add_months(anchor, months)
        invited = ev.review_invitations_sent is not None and ev.review_invitations_sent >= anchor
        earliest = None if invited else today + timedelta(days=14)
        why = "no invitations sent yet and the meeting needs 2 weeks' notice (Regs 20(2), 21(2))"
        b.add(key, key, anchor, review_due, None, earliest=earliest, why=why)
    meeting = ev.review_meeting
    if meeting is not None:
        report = ev.review_report_circulated
        b.add("review_report", "review_report", meeting, due("review_report", meeting), report)
        decided = [d for d in (ev.review_decision_notified, ev.amendment_proposed) if d]
        decision = min((d for d in decided if d >= meeting), default=None)
        b.add(
            "review_decision", "review_decision", meeting, due("review_decision", meeting), decision
        )
    proposed = ev.amendment_proposed
    if proposed is not None:
        reps = due("amendment_representations", proposed)
        b.add("amendment_representations", "amendment_representations", proposed, reps, None)
        deadline = amended_plan_due(amendment_proposed=proposed, review_meeting=meeting)
        start = meeting if deadline.rule == "amended_plan_ceiling" and meeting else proposed
        done = min(
            (d for d in (ev.amended_plan_issued, ev.not_to_amend_notified) if d), default=None
        )
        why = f"proposals need 15 days for representations, to {reps.isoformat()} (Reg 22)"
        b.add(
            "amended_plan",
            deadline.rule,
            start,
            deadline.due,
            done,
            earliest=max(today, reps),
            why=why,
        )
    if ev.transfer is not None:
        transfer = phase_transfer_due(
            transfer=ev.transfer, transfer_year=ev.transfer_year, transfer_date=ev.transfer_date
        )
        prep = b.settings.draft_preparation_days
        under_way = proposed is not None and ev.amended_plan_issued is None
        earliest = (
            max(today, due("amendment_representations", proposed))
            if under_way and proposed is not None
            else today + timedelta(days=prep + 15)
        )
        why = "the amendments naming the next setting need 15 days for representations (Reg 22)"
        start = ev.transfer_date or date(transfer.due.year, 1, 1)
        done = ev.transfer_review_completed
        b.add(
            "phase_transfer", transfer.rule, start, transfer.due, done, earliest=earliest, why=why
        )


def case_clock(
    *,
    events: CaseEvents,
    today: date | None = None,
    exceptions: Sequence[ExceptionRecord] = (),
    settings: RiskSettings = RiskSettings(),
) -> CaseClock:
    """Every deadline of a case on ``today`` (default: the system date), open and closed.

    Parameters
    ----------
    events : CaseEvents
        What has happened so far.
    today : datetime.date, optional
        The day to judge on; ``date.today()`` when omitted.
    exceptions : sequence of ExceptionRecord
        Lawful exceptions recorded on the case (each with a reason).
    settings : RiskSettings
        The due-soon window and the draft preparation time of the at-risk rule.

    Returns
    -------
    CaseClock
        ``open`` sorted by status (worst first) then due date; ``closed`` by due date.

    Raises
    ------
    ValueError
        Impossible events (order, future dates), unknown exceptions, exceptions without a
        reason or naming a deadline they cannot relieve; one line per problem.

    Examples
    --------
    >>> events = CaseEvents(request_received=date(2025, 1, 6),
    ...     decision_to_assess_notified=date(2025, 2, 10), assess=True)
    >>> clock = case_clock(events=events, today=date(2025, 5, 7))
    >>> [(d.id, d.due.isoformat(), d.status) for d in clock.open]
    [('not_to_issue', '2025-04-28', 'overdue'), ('final_plan', '2025-05-26', 'at_risk')]
    >>> clock.closed[0].id, clock.closed[0].status
    ('decision_to_assess', 'met')
    """
    today = date.today() if today is None else today
    check_case(events=events, today=today, exceptions=exceptions, settings=settings)
    builder = _Builder(today, settings)
    _assessment(events, builder)
    _reviews(events, builder)
    add_mediations(events, builder)
    add_appeals(events, builder)
    items = _attach(builder.items, exceptions)
    open_ = sorted(
        (d for d in items if d.status in OPEN_ORDER),
        key=lambda d: (OPEN_ORDER.index(d.status), d.due, d.id),
    )
    closed = sorted((d for d in items if d.status not in OPEN_ORDER), key=lambda d: (d.due, d.id))
    if not open_:
        return CaseClock("clear", "no open deadlines", today, (), tuple(closed))
    worst = open_[0]
    message = f"{len(open_)} open; worst: {worst.id} due {worst.due.isoformat()} ({worst.status})"
    status = cast(Literal["overdue", "at_risk", "due_soon", "on_time"], worst.status)
    return CaseClock(status, message, today, tuple(open_), tuple(closed))


def _attach(
    items: list[DeadlineStatus], exceptions: Sequence[ExceptionRecord]
) -> list[DeadlineStatus]:
    problems = []
    by_id = {d.id: d for d in items}
    for i, record in enumerate(exceptions):
        if record.deadline is None:
            continue
        target = by_id.get(record.deadline)
        if target is None:
            problems.append(
                f"exceptions[{i}].deadline: no deadline {record.deadline!r} on this case"
            )
        elif record.key not in RULES[target.rule].exceptions:
            problems.append(
                f"exceptions[{i}]: {EXCEPTIONS[record.key].basis} cannot relieve {target.id}"
            )
    if problems:
        raise ValueError("\n".join(problems))
    result = []
    for d in items:
        allowed = RULES[d.rule].exceptions
        found = tuple(
            r
            for r in exceptions
            if r.key in allowed and r.deadline in (None, d.id) and _in_force(r.key, d)
        )
        result.append(_replace_exceptions(d, found))
    return result


def _in_force(key: str, d: DeadlineStatus) -> bool:
    # The 2020 disapplication only covers clocks running during its window.
    x = EXCEPTIONS[key]
    if x.valid_from is None or x.valid_to is None:
        return True
    return d.start <= x.valid_to and d.due >= x.valid_from


def _replace_exceptions(d: DeadlineStatus, found: tuple[ExceptionRecord, ...]) -> DeadlineStatus:
    return replace(d, exceptions=found) if found else d
