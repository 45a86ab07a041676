"""Writes on mediation and Tribunal appeals, and the orders that follow them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.models import Mediation, Tribunal, TribunalOrder
from sendplan.casework.services._common import DateChecks, lock_case, save


@transaction.atomic
def mediation_record(
    *,
    case_id: int,
    about: str,
    adviser_contacted_on: dt.date,
    changed_by: User,
    certificate_on: dt.date | None = None,
    mediation_on: dt.date | None = None,
    outcome: str = "",
    notes: str = "",
    mediation_id: int | None = None,
) -> Mediation:
    """Record (or update) mediation about one of the case's decisions."""
    case = lock_case(case_id)
    mediation = (
        Mediation(case=case) if mediation_id is None else case.mediations.get(pk=mediation_id)
    )
    checks = DateChecks()
    checks.past("adviser_contacted_on", adviser_contacted_on, "the adviser was contacted")
    checks.not_before("adviser_contacted_on", adviser_contacted_on, case.received_on, "the request")
    checks.past("certificate_on", certificate_on, "of the certificate")
    checks.past("mediation_on", mediation_on, "of the mediation")
    if outcome in (Mediation.Outcome.AGREED, Mediation.Outcome.NOT_AGREED):
        checks.required("mediation_on", mediation_on, "Give the date the mediation took place.")
    checks.raise_if_any()
    mediation.about, mediation.adviser_contacted_on = about, adviser_contacted_on
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
) -> Tribunal:
    """Record (or update) an appeal to the First-tier Tribunal (SEND) and its outcome."""
    case = lock_case(case_id)
    appeal = Tribunal(case=case) if appeal_id is None else case.appeals.get(pk=appeal_id)
    checks = DateChecks()
    checks.past("registered_on", registered_on, "the appeal was registered")
    checks.not_before("registered_on", registered_on, case.received_on, "the request")
    checks.past("decided_on", decided_on, "of the Tribunal's decision")
    if outcome:
        checks.required("decided_on", decided_on, "Give the date of the outcome.")
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
) -> TribunalOrder:
    """Record an order with its due date.

    When the LA did not oppose the appeal, the Reg 45 limits run from its notice to the
    Tribunal (``notified_on``) and the engine sets the date; otherwise the order's own date
    is entered (the general limits are UNCONFIRMED, statutory.md T27).
    """
    appeal = Tribunal.objects.select_for_update(of=("self",)).get(pk=appeal_id)
    checks = DateChecks()
    rule = ""
    if appeal.outcome == Tribunal.Outcome.CONCEDED and kind in clock.UNOPPOSED:
        checks.required("notified_on", notified_on, "Give the date the Tribunal was told.")
        checks.past("notified_on", notified_on, "the Tribunal was told")
        checks.raise_if_any()
        assert notified_on is not None
        rule = clock.UNOPPOSED[kind]
        due_on = clock.due(rule, notified_on)
    checks.required("due_on", due_on, "Give the date the order must be complied with.")
    checks.required("description", description, "Describe the order.")
    checks.raise_if_any()
    assert due_on is not None
    order = TribunalOrder(
        tribunal=appeal, kind=kind, description=description, due_on=due_on, due_rule=rule
    )
    save(order, changed_by=changed_by, created=True)
    return order
