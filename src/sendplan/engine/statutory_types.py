"""Vocabulary of the legal clock: events, lengths, rules and lawful exceptions, and the
events of one case that :func:`sendplan.engine.statutory_case.case_clock` reads.

The table of rules itself is :mod:`sendplan.engine.statutory_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

Unit = Literal["weeks", "days", "working_days", "months", "fixed_date", "academic_year_end", "none"]
"""How a :class:`Length` is counted.

``fixed_date`` is a calendar date (``month``/``day``) in the calendar year of the start;
``academic_year_end`` is 31 July of the academic year in which a person reaches ``amount``
years of age, the start being the date of birth; ``none`` means no computable limit.
"""

Kind = Literal["deadline", "minimum_period", "notice_before", "guidance", "condition"]
"""What the date means.

``deadline``: the stop event must happen on or before the due date. ``minimum_period``: a
period that must be allowed to run (the due date is when it closes; it is never "late" for the
authority). ``notice_before``: the due date lies *before* the start event (notice must be given
by then). ``guidance``: a recommended interval, not a legal duty. ``condition``: a duty that
applies from a stage rather than by a date.
"""


class Event(StrEnum):
    """Events that start or stop a clock. Values are stable identifiers."""

    REQUEST_RECEIVED = "request_received"
    ASSESSMENT_CONSIDERED = "assessment_considered"
    BODIES_NOTIFIED = "bodies_notified"
    DECISION_TO_ASSESS_NOTIFIED = "decision_to_assess_notified"
    ADVICE_REQUESTED = "advice_requested"
    ADVICE_RECEIVED = "advice_received"
    NOT_TO_ISSUE_NOTIFIED = "not_to_issue_notified"
    DRAFT_ISSUED = "draft_issued"
    DRAFT_COMMENTS_RECEIVED = "draft_comments_received"
    PLAN_ISSUED = "plan_issued"
    REVIEW_MEETING = "review_meeting"
    REVIEW_INVITATIONS_SENT = "review_invitations_sent"
    REVIEW_ADVICE_CIRCULATED = "review_advice_circulated"
    REVIEW_REPORT_CIRCULATED = "review_report_circulated"
    REVIEW_DECISION_NOTIFIED = "review_decision_notified"
    AMENDMENT_PROPOSED = "amendment_proposed"
    AMENDMENT_REPRESENTATIONS_RECEIVED = "amendment_representations_received"
    AMENDED_PLAN_ISSUED = "amended_plan_issued"
    NOT_TO_AMEND_NOTIFIED = "not_to_amend_notified"
    TRANSFER = "transfer"
    TRANSFER_REVIEW_COMPLETED = "transfer_review_completed"
    YEAR9_REVIEW = "year9_review"
    YEAR9_ASSESSMENT = "year9_assessment"
    REASSESSMENT_REQUESTED = "reassessment_requested"
    REASSESSMENT_DECISION_NOTIFIED = "reassessment_decision_notified"
    CEASE_DECISION_NOTIFIED = "cease_decision_notified"
    PLAN_CEASED = "plan_ceased"
    DATE_OF_BIRTH = "date_of_birth"
    APPEALABLE_DECISION_NOTIFIED = "appealable_decision_notified"
    MEDIATION_ADVISER_CONTACTED = "mediation_adviser_contacted"
    MEDIATION_DECLINED = "mediation_declined"
    MEDIATION_CERTIFICATE_ISSUED = "mediation_certificate_issued"
    MEDIATION_REQUESTED = "mediation_requested"
    MEDIATION_HELD = "mediation_held"
    APPEAL_REGISTERED = "appeal_registered"
    TRIBUNAL_NOTIFIED_UNOPPOSED = "tribunal_notified_unopposed"
    TRIBUNAL_ORDER = "tribunal_order"
    ORDER_COMPLIED = "order_complied"


@dataclass(frozen=True, slots=True)
class Length:
    """A time limit's length.

    Examples
    --------
    >>> Length(6, "weeks").describe()
    '6 weeks'
    >>> Length(unit="fixed_date", month=2, day=15).describe()
    '15 February'
    """

    amount: int = 0
    unit: Unit = "none"
    month: int | None = None
    day: int | None = None

    def describe(self) -> str:
        """Plain-English length, for screens and letters."""
        if self.unit == "fixed_date":
            assert self.month is not None and self.day is not None
            return f"{self.day} {date(2000, self.month, 1):%B}"
        if self.unit == "academic_year_end":
            return f"end of the academic year of age {self.amount}"
        if self.unit == "none":
            return "no fixed limit"
        word = {"working_days": "working day", "weeks": "week", "days": "day", "months": "month"}
        name = word[self.unit]
        return f"{self.amount} {name}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One statutory time limit.

    Attributes
    ----------
    key : str
        Stable identifier (see :data:`RULES`).
    name : str
        Plain-English name for screens.
    length : Length
        How long the limit is.
    starts_on, stops_on : str
        :class:`Event` values (``stops_on`` may list alternatives separated by `` | ``).
    exceptions : tuple of str
        Keys of :data:`EXCEPTIONS` that lawfully relieve the limit.
    basis : str
        Regulation, Act section, Code paragraph or case.
    unconfirmed : bool
        The reference could not confirm part of this rule: show "check locally".
    kind : Kind
        How the due date is read (deadline, minimum period, notice before, ...).
    reference : str
        Row of ``statutory.md`` §1 (``"T6"``).
    note : str
        What is unconfirmed, or how the rule is applied.
    """

    key: str
    name: str
    length: Length
    starts_on: str
    stops_on: str
    exceptions: tuple[str, ...]
    basis: str
    unconfirmed: bool = False
    kind: Kind = "deadline"
    reference: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class LawfulException:
    """A lawful reason why a time limit need not be met (T7, T8, T9)."""

    key: str
    description: str
    basis: str
    reference: str
    valid_from: date | None = None
    valid_to: date | None = None
    unconfirmed: bool = False
    note: str = ""


# Events of one case: the input of ``statutory_case.case_clock`` (imported from there).


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    """One request for advice; ``requested`` is the body's receipt of it (Reg 8(1))."""

    body: str
    requested: date
    received: date | None = None


@dataclass(frozen=True, slots=True)
class ExceptionRecord:
    """A lawful exception used on a case, with the reason and evidence the family is told.

    ``deadline`` names one deadline (``"final_plan"``, ``"advice:health"``); ``None`` applies
    it to every open or closed deadline of the case that the exception can relieve.
    """

    key: str
    reason: str
    evidence: str = ""
    deadline: str | None = None


@dataclass(frozen=True, slots=True)
class Mediation:
    """Mediation about one appealable decision (T25); ``key`` names it in deadline ids.

    ``decision`` is the day the family were told of the decision (it starts their time to
    appeal); ``requested`` the day they told the authority they want mediation (it must be
    held within 30 days); ``declined`` the day they declined it and asked for a certificate
    (due within 3 working days). ``about`` pairs it with appeals about the same decision.
    """

    key: str
    about: str = ""
    decision: date | None = None
    requested: date | None = None
    declined: date | None = None
    certificate: date | None = None
    held: date | None = None


@dataclass(frozen=True, slots=True)
class TribunalOrder:
    """Something to do after an appeal, by its own ``due`` date (T27), or a Reg 45 duty.

    ``rule`` is ``tribunal_order_compliance`` for an order, or an ``unopposed_*`` key for a
    duty after an unopposed appeal: its ``done`` then completes that duty, whose due date the
    clock computes from the appeal. ``made`` is the order's date, if known.
    """

    key: str
    due: date
    made: date | None = None
    done: date | None = None
    rule: str = "tribunal_order_compliance"


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal to the First-tier Tribunal (SEND) and what followed it.

    ``unopposed`` is the day the authority told the Tribunal it would not oppose the appeal:
    the Reg 45 limits (T26) run from it for the decisions in :data:`UNOPPOSED_RULES`.
    ``decided`` is the day the appeal ended.
    """

    key: str
    registered: date
    about: str = ""
    unopposed: date | None = None
    decided: date | None = None
    orders: tuple[TribunalOrder, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseEvents:
    """What has happened on a case so far (``None`` = not yet).

    ``review_meeting`` is the latest review meeting held; ``review_invitations_sent`` the
    invitations for the next one. ``early_years_review_months`` (3–6) switches the annual
    review to the under-5 interval recommended by CoP 9.178. ``mediations`` and ``appeals``
    carry the disagreement about the case's decisions (T25–T27).
    """

    request_received: date | None = None
    decision_to_assess_notified: date | None = None
    assess: bool | None = None
    advice: tuple[AdviceRequest, ...] = ()
    draft_issued: date | None = None
    draft_comments_received: date | None = None
    not_to_issue_notified: date | None = None
    plan_issued: date | None = None
    review_meeting: date | None = None
    review_invitations_sent: date | None = None
    review_report_circulated: date | None = None
    review_decision_notified: date | None = None
    amendment_proposed: date | None = None
    amended_plan_issued: date | None = None
    not_to_amend_notified: date | None = None
    transfer: Literal["school", "post16", "post16_other"] | None = None
    transfer_year: int | None = None
    transfer_date: date | None = None
    transfer_review_completed: date | None = None
    plan_ceased: date | None = None
    early_years_review_months: int | None = None
    mediations: tuple[Mediation, ...] = ()
    appeals: tuple[Appeal, ...] = ()
