"""Writes of disputes: mediation, appeals to the Tribunal, its orders and their compliance."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.case.services import DateChecks, lock_case, save
from sendplan.casework.disputes.models import Mediation, Tribunal, TribunalOrder
from sendplan.casework.errors import TransitionRefused
from sendplan.core.dates import govuk_date
from sendplan.core.locking import lock_check


def _check_lock(row: Mediation | Tribunal, expected_lock: int | None) -> None:
    # Every write to a case's disputes holds the case's row lock first, so the dispute's
    # own lock is read and moved on with no other save in between.
    if row.pk is None:
        return
    if expected_lock is None:
        raise TypeError("a saved dispute is changed only from the lock it was read at")
    lock_check(row, expected=expected_lock)


@transaction.atomic
def mediation_record(
    *,
    case_id: int,
    about: str,
    adviser_contacted_on: dt.date,
    changed_by: User,
    family_choice: str = "",
    family_choice_on: dt.date | None = None,
    certificate_on: dt.date | None = None,
    mediation_on: dt.date | None = None,
    outcome: str = "",
    notes: str = "",
    mediation_id: int | None = None,
    expected_lock: int | None = None,
) -> Mediation:
    """Record (or update, from the ``expected_lock`` it was read at) mediation about one of
    the case's decisions. An update from a stale read is refused with ``StaleEdit``.

    ``family_choice`` and its date start a legal clock (T25): a certificate within 3 working
    days when the family decline mediation, or mediation held within 30 days when they want it.
    """
    case = lock_case(case_id)
    mediation = (
        Mediation(case=case) if mediation_id is None else case.mediations.get(pk=mediation_id)
    )
    _check_lock(mediation, expected_lock)
    declined = family_choice == Mediation.Choice.CERTIFICATE
    checks = DateChecks()
    checks.past("adviser_contacted_on", adviser_contacted_on, "the adviser was contacted")
    checks.not_before("adviser_contacted_on", adviser_contacted_on, case.received_on, "the request")
    checks.past("family_choice_on", family_choice_on, "the family told you")
    checks.not_before(
        "family_choice_on", family_choice_on, adviser_contacted_on, "contact with the adviser"
    )
    if family_choice:
        checks.required("family_choice_on", family_choice_on, "Give the date the family told you.")
    elif family_choice_on is not None:
        checks.add("family_choice", "Select what the family chose.")
    checks.past("certificate_on", certificate_on, "of the certificate")
    checks.past("mediation_on", mediation_on, "of the mediation")
    if declined:
        checks.not_before(
            "certificate_on", certificate_on, family_choice_on, "the family declined mediation"
        )
        if mediation_on is not None:
            checks.add("mediation_on", "The family declined mediation, so it was not held.")
    elif family_choice == Mediation.Choice.MEDIATION:
        checks.not_before(
            "mediation_on", mediation_on, family_choice_on, "the family asked for mediation"
        )
        if outcome == Mediation.Outcome.DECLINED:
            checks.add("outcome", "The family asked for mediation: change what they chose.")
    if outcome in (Mediation.Outcome.AGREED, Mediation.Outcome.NOT_AGREED):
        checks.required("mediation_on", mediation_on, "Give the date the mediation took place.")
    checks.raise_if_any()
    mediation.about, mediation.adviser_contacted_on = about, adviser_contacted_on
    mediation.family_choice, mediation.family_choice_on = family_choice, family_choice_on
    mediation.certificate_on, mediation.mediation_on = certificate_on, mediation_on
    mediation.outcome, mediation.notes = outcome, notes
    save(mediation, changed_by=changed_by, created=mediation_id is None)
    return mediation


@transaction.atomic
def tribunal_record(
    *,
    case_id: int,
    about: str,
    registered_on: dt.date,
    changed_by: User,
    hearing_on: dt.date | None = None,
    outcome: str = "",
    decided_on: dt.date | None = None,
    appeal_id: int | None = None,
    expected_lock: int | None = None,
) -> Tribunal:
    """Record (or update, from the ``expected_lock`` it was read at) an appeal to the
    First-tier Tribunal (SEND) and its outcome. An update from a stale read is refused."""
    case = lock_case(case_id)
    appeal = Tribunal(case=case) if appeal_id is None else case.appeals.get(pk=appeal_id)
    _check_lock(appeal, expected_lock)
    checks = DateChecks()
    checks.past("registered_on", registered_on, "the appeal was registered")
    checks.not_before("registered_on", registered_on, case.received_on, "the request")
    checks.past("decided_on", decided_on, "of the Tribunal's decision")
    if outcome:
        checks.required("decided_on", decided_on, "Give the date of the outcome.")
    made = appeal.orders.exclude(made_on=None) if appeal.pk is not None else None
    first = (
        made.order_by("made_on").values_list("made_on", flat=True).first()
        if made is not None
        else None
    )
    if first is not None and registered_on > first:
        checks.add(
            "registered_on",
            f"The date cannot be after the first order ({govuk_date(first)}).",
        )
    checks.raise_if_any()
    appeal.about, appeal.registered_on, appeal.hearing_on = about, registered_on, hearing_on
    appeal.outcome, appeal.decided_on = outcome, decided_on
    save(appeal, changed_by=changed_by, created=appeal_id is None)
    return appeal


@transaction.atomic
def tribunal_order_record(
    *,
    appeal_id: int,
    kind: str,
    description: str,
    changed_by: User,
    due_on: dt.date | None = None,
    notified_on: dt.date | None = None,
    made_on: dt.date | None = None,
    case_id: int | None = None,
) -> TribunalOrder:
    """Record an order with its due date (of the appeal's case, when ``case_id`` is given).

    When the LA did not oppose the appeal, the Reg 45 limits run from its notice to the
    Tribunal, which is the date of the appeal's outcome (``notified_on`` and ``made_on``, if
    given, must equal it), and the engine sets the date; otherwise the order's own date is
    entered (the general limits are UNCONFIRMED, statutory.md T27).
    """
    appeals = Tribunal.objects.select_for_update(of=("self",))
    if case_id is not None:
        appeals = appeals.filter(case_id=case_id)
    appeal = appeals.get(pk=appeal_id)
    checks = DateChecks()
    rule = ""
    if appeal.outcome == Tribunal.Outcome.CONCEDED and kind in clock.UNOPPOSED:
        # The clock reads the notice from the appeal's outcome (Reg 45(2)): keep one date.
        notice = appeal.decided_on
        assert notice is not None  # an outcome always has its date (tribunal_outcome_dated)
        for name, given in (("notified_on", notified_on), ("made_on", made_on)):
            if given is not None and given != notice:
                checks.add(
                    name,
                    "Give the date of the appeal's outcome, the day the Tribunal was told "
                    f"({govuk_date(notice)}).",
                )
        checks.raise_if_any()
        notified_on = made_on = notice
        rule = clock.UNOPPOSED[kind]
        due_on = clock.due(rule, notified_on)
    checks.required("due_on", due_on, "Give the date the order must be complied with.")
    checks.required("description", description, "Describe the order.")
    checks.past("made_on", made_on, "of the order")
    checks.not_before("made_on", made_on, appeal.registered_on, "the appeal was registered")
    checks.not_before("due_on", due_on, made_on, "the order")
    checks.raise_if_any()
    assert due_on is not None
    order = TribunalOrder(
        tribunal=appeal,
        kind=kind,
        description=description,
        made_on=made_on,
        due_on=due_on,
        due_rule=rule,
    )
    save(order, changed_by=changed_by, created=True)
    return order


@transaction.atomic
def tribunal_order_comply(
    *,
    case_id: int,
    complied_on: dt.date,
    changed_by: User,
    order_id: int | None = None,
    appeal_id: int | None = None,
    kind: str = "",
) -> TribunalOrder:
    """Record the day an order was complied with: an order already recorded (``order_id``),
    or a Reg 45 duty after an unopposed appeal (``appeal_id`` and the order ``kind``), which
    is recorded as an order with the engine's due date if it is not one yet.
    """
    lock_case(case_id)
    orders = TribunalOrder.objects.select_for_update(of=("self",)).filter(tribunal__case_id=case_id)
    if order_id is not None:
        order = orders.select_related("tribunal").get(pk=order_id)
    else:
        appeal = Tribunal.objects.filter(case_id=case_id, pk=appeal_id or 0).first()
        rule = clock.UNOPPOSED.get(kind, "")
        notice = appeal.decided_on if appeal is not None else None
        duties = clock.UNOPPOSED_RULES.get(appeal.about, ()) if appeal is not None else ()
        if appeal is None or appeal.outcome != Tribunal.Outcome.CONCEDED or rule not in duties:
            raise ValidationError({"item": ["Reg 45 sets no such duty after this appeal."]})
        assert notice is not None  # an outcome always has its date (tribunal_outcome_dated)
        found = orders.filter(tribunal=appeal, due_rule=rule).first()
        order = found or TribunalOrder(
            tribunal=appeal,
            kind=kind,
            description=TribunalOrder.Kind(kind).label,
            made_on=notice,
            due_on=clock.due(rule, notice),
            due_rule=rule,
        )
    if order.complied_on is not None:
        # Recorded once: a second caseworker's date never replaces the first.
        raise TransitionRefused(
            f"This order was already recorded as done on {govuk_date(order.complied_on)}."
        )
    checks = DateChecks()
    checks.past("complied_on", complied_on, "it was done")
    checks.not_before("complied_on", complied_on, order.made_on, "the order")
    checks.raise_if_any()
    order.complied_on = complied_on
    save(order, changed_by=changed_by, created=order.pk is None)
    return order
