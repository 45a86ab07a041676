"""Mediation and appeals on the case clock (T25-T27): the checks of their events and the
deadlines they open. Split from :mod:`sendplan.engine.statutory_case`, which calls these."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

from sendplan.engine.statutory import add_working_days, appeal_due, due
from sendplan.engine.statutory_rules import RULES
from sendplan.engine.statutory_types import CaseEvents

if TYPE_CHECKING:
    from sendplan.engine.statutory_case import _Builder

#: The Reg 45 duties (T26) when the authority tells the Tribunal it will not oppose an appeal,
#: by what the appeal is about. The reference gives no limit for appeals about a refusal to
#: issue, the placement alone or ceasing; orders about those carry their own due dates.
UNOPPOSED_RULES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "not_to_assess": ("unopposed_assess", "unopposed_not_to_issue", "unopposed_final_plan"),
        "plan_contents": ("unopposed_amended_plan",),
        "not_to_amend": ("unopposed_amended_plan",),
    }
)


def dispute_problems(ev: CaseEvents, dated: dict[str, date]) -> list[str]:
    """Order problems of mediations, appeals and orders; adds their past events to ``dated``
    (an order's due date may lie ahead, so it is not added)."""
    problems: list[str] = []

    def check(name: str, when: date | None, other: str, before: date | None) -> None:
        if when is not None:
            dated[name] = when
        if when is not None and before is not None and when < before:
            problems.append(f"{name}: {when.isoformat()} is before {other} {before.isoformat()}")

    for i, m in enumerate(ev.mediations):
        p = f"mediations[{i}]"
        check(f"{p}.decision", m.decision, "", None)
        for name in ("requested", "declined", "certificate", "held"):
            check(f"{p}.{name}", getattr(m, name), f"{p}.decision", m.decision)
        check(f"{p}.held", m.held, f"{p}.requested", m.requested)
        check(f"{p}.certificate", m.certificate, f"{p}.declined", m.declined)
        if m.requested is not None and m.declined is not None:
            problems.append(f"{p}: the family either asked for mediation or declined it, not both")
        if m.held is not None and m.declined is not None:
            problems.append(f"{p}.held: mediation was declined, so it cannot have been held")
    for i, a in enumerate(ev.appeals):
        p = f"appeals[{i}]"
        check(f"{p}.registered", a.registered, "", None)
        check(f"{p}.unopposed", a.unopposed, f"{p}.registered", a.registered)
        check(f"{p}.decided", a.decided, f"{p}.registered", a.registered)
        for j, o in enumerate(a.orders):
            q = f"{p}.orders[{j}]"
            check(f"{q}.made", o.made, f"{p}.registered", a.registered)
            check(f"{q}.done", o.done, f"{q}.made", o.made)
            if o.made is not None and o.due < o.made:
                problems.append(f"{q}.due: {o.due.isoformat()} is before the order was made")
            if o.rule not in RULES:
                problems.append(f"{q}.rule: unknown rule {o.rule!r}")
    keys = {
        "mediations": [m.key for m in ev.mediations],
        "appeals": [a.key for a in ev.appeals],
        "orders": [o.key for a in ev.appeals for o in a.orders],
    }
    for what, found in keys.items():
        repeated = sorted({k for k in found if found.count(k) > 1})
        if repeated:
            problems.append(f"{what}: keys must be unique, repeated: {', '.join(repeated)}")
    return problems


def add_mediations(ev: CaseEvents, b: _Builder) -> None:
    working_days = RULES["mediation_certificate"].length.amount
    for m in ev.mediations:
        if m.declined is not None:
            certificate = add_working_days(
                m.declined, working_days, bank_holidays=b.settings.bank_holidays
            )
            ident = f"mediation_certificate:{m.key}"
            b.add(ident, "mediation_certificate", m.declined, certificate, m.certificate)
        if m.requested is not None:
            held = due("mediation_arranged", m.requested)
            b.add(f"mediation_arranged:{m.key}", "mediation_arranged", m.requested, held, m.held)
        if m.decision is not None:
            # The family's limit, shown so the caseworker knows when the decision stands.
            registered = min(
                (a.registered for a in ev.appeals if a.about == m.about),
                default=None,
            )
            last_day = appeal_due(decision=m.decision, certificate=m.certificate)
            name = "The family's time to appeal to the Tribunal"
            ident = f"appeal:{m.key}"
            b.add(ident, "appeal", m.decision, last_day, registered, name=name, window=True)


# Once a plan is issued after an unopposed appeal the 10 weeks for a refusal no longer apply,
# and once a refusal is notified the 14 weeks for a plan do not (as in ``_assessment``).
_EITHER = {
    "unopposed_not_to_issue": "unopposed_final_plan",
    "unopposed_final_plan": "unopposed_not_to_issue",
}


def add_appeals(ev: CaseEvents, b: _Builder) -> None:
    for a in ev.appeals:
        notice = a.unopposed
        duties = UNOPPOSED_RULES.get(a.about, ()) if notice is not None else ()
        done: dict[str, date] = {}
        for o in a.orders:
            if o.rule in duties and o.done is not None:
                done[o.rule] = min(o.done, done.get(o.rule, o.done))
        for key in duties:
            if notice is not None and _EITHER.get(key) not in done:
                b.add(f"{key}:{a.key}", key, notice, due(key, notice), done.get(key))
        for o in a.orders:
            if o.rule not in duties:
                start = o.made or a.unopposed or a.decided or a.registered
                b.add(f"order:{o.key}", o.rule, start, o.due, o.done)
