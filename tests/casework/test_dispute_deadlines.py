"""Mediation, appeals and Tribunal orders on the legal clock: the case's deadlines and the
work tray (T25–T27), and the services that record what the clock reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendplan.casework import deadlines
from sendplan.casework.case import selectors as case_selectors
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.disputes.models import Mediation, Tribunal, TribunalOrder
from sendplan.casework.tray.selectors import work_tray
from tests.casework.conftest import TODAY, at, make_case
from tests.factories import LearnerFactory

# TODAY is Monday 2 June 2025; make_case refuses the assessment on 10 February 2025.
CONTACTED = dt.date(2025, 5, 27)


def _tray(cast, day: dt.date) -> dict[str, tuple[str, int]]:
    with at(day):
        tray = work_tray(fetched_by=cast.caseworker, today=day)
    return {row.deadline.id: (row.group, row.days) for row in tray.rows}


def _deadlines(case: Case, day: dt.date = TODAY) -> dict[str, deadlines.CaseDeadline]:
    with at(day):
        case, _ = case_selectors.case_for_user(case.caseworker, case.pk, purpose="test")
        return {d.id: d for d in deadlines.deadlines_for(case, today=day)}


def _mediation(cast, case, **kwargs) -> Mediation:
    kwargs = {"about": "not_to_assess", "adviser_contacted_on": CONTACTED, **kwargs}
    if "mediation_id" in kwargs:
        kwargs["expected_lock"] = Mediation.objects.get(pk=kwargs["mediation_id"]).lock
    return dispute_services.mediation_record(case_id=case.pk, changed_by=cast.caseworker, **kwargs)


def _appeal(cast, case, **kwargs) -> Tribunal:
    kwargs = {"about": "not_to_assess", "registered_on": dt.date(2025, 4, 1), **kwargs}
    if "appeal_id" in kwargs:
        kwargs["expected_lock"] = Tribunal.objects.get(pk=kwargs["appeal_id"]).lock
    return dispute_services.tribunal_record(case_id=case.pk, changed_by=cast.caseworker, **kwargs)


# T25: the certificate within 3 working days when the family decline mediation.


def test_declined_mediation_puts_the_certificate_in_the_tray_due_in_3_working_days(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    # Thursday 29 May: Friday, Monday and Tuesday 3 June are the three working days.
    m = _mediation(cast, case, family_choice="certificate", family_choice_on=dt.date(2025, 5, 29))
    ident = f"mediation_certificate:{m.pk}"
    assert _tray(cast, TODAY)[ident] == ("due_soon", 1)
    assert _tray(cast, dt.date(2025, 6, 3))[ident] == ("due_soon", 0)
    assert _tray(cast, dt.date(2025, 6, 4))[ident] == ("overdue", -1)
    deadline = _deadlines(case)[ident]
    assert deadline.name == "Mediation certificate: decision not to assess"
    assert deadline.due == dt.date(2025, 6, 3)
    assert deadline.unconfirmed and deadline.basis.startswith("Regs 32–42")


def test_certificate_issued_in_time_leaves_the_open_list_as_met(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    choice = {"family_choice": "certificate", "family_choice_on": dt.date(2025, 5, 29)}
    m = _mediation(cast, case, **choice)
    _mediation(cast, case, mediation_id=m.pk, certificate_on=dt.date(2025, 6, 2), **choice)
    ident = f"mediation_certificate:{m.pk}"
    assert ident not in _tray(cast, dt.date(2025, 6, 4))
    deadline = _deadlines(case)[ident]
    assert (deadline.status, deadline.done, deadline.is_open) == (
        "met",
        dt.date(2025, 6, 2),
        False,
    )


def test_certificate_over_easter_skips_good_friday_the_weekend_and_easter_monday(cast):
    with at(dt.date(2025, 4, 17)):
        case = make_case(cast, Stage.NOT_ASSESSING)
        m = _mediation(
            cast,
            case,
            adviser_contacted_on=dt.date(2025, 4, 16),
            family_choice="certificate",
            family_choice_on=dt.date(2025, 4, 17),  # Thursday before Easter
        )
    # Tuesday, Wednesday and Thursday after Easter Monday.
    deadline = _deadlines(case, dt.date(2025, 4, 17))[f"mediation_certificate:{m.pk}"]
    assert deadline.due == dt.date(2025, 4, 24)


# T25: mediation arranged within 30 days when the family ask for it.


def test_family_asking_for_mediation_shows_arrange_mediation_within_30_days(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    m = _mediation(
        cast,
        case,
        adviser_contacted_on=dt.date(2025, 5, 2),
        family_choice="mediation",
        family_choice_on=dt.date(2025, 5, 5),
    )
    ident = f"mediation_arranged:{m.pk}"
    deadline = _deadlines(case)[ident]
    assert deadline.name == "Arrange mediation: decision not to assess"
    assert (deadline.due, deadline.status) == (dt.date(2025, 6, 4), "due_soon")  # 30 days
    assert _tray(cast, TODAY)[ident] == ("due_soon", 2)
    assert _tray(cast, dt.date(2025, 6, 5))[ident] == ("overdue", -1)
    assert f"mediation_certificate:{m.pk}" not in _deadlines(case)


def test_mediation_held_leaves_the_tray_and_is_met(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    choice = {
        "adviser_contacted_on": dt.date(2025, 5, 2),
        "family_choice": "mediation",
        "family_choice_on": dt.date(2025, 5, 5),
    }
    m = _mediation(cast, case, **choice)
    _mediation(cast, case, mediation_id=m.pk, mediation_on=TODAY, outcome="agreed", **choice)
    assert _tray(cast, TODAY) == {}
    assert _deadlines(case)[f"mediation_arranged:{m.pk}"].status == "met"


def test_time_to_appeal_runs_a_month_from_the_certificate_when_that_is_later(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)  # refused 10 February: 2 months to 10 April
    m = _mediation(cast, case)
    assert _deadlines(case)[f"appeal:{m.pk}"].status == "ended"
    m = _mediation(
        cast,
        case,
        mediation_id=m.pk,
        family_choice="certificate",
        family_choice_on=dt.date(2025, 5, 29),
        certificate_on=dt.date(2025, 5, 30),
    )
    window = _deadlines(case)[f"appeal:{m.pk}"]
    assert window.name == "Family's time to appeal: decision not to assess"
    assert (window.due, window.status) == (dt.date(2025, 6, 30), "on_time")
    _appeal(cast, case, registered_on=TODAY)
    window = _deadlines(case)[f"appeal:{m.pk}"]
    assert (window.status, window.done) == ("met", TODAY)


# T26: an appeal the authority does not oppose.


def test_unopposed_refusal_to_assess_appeal_shows_its_reg_45_deadlines(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    a = _appeal(cast, case, outcome="conceded", decided_on=dt.date(2025, 5, 15))
    assert _tray(cast, TODAY) == {f"unopposed_assess:{a.pk}": ("overdue", -4)}  # 29 May
    found = _deadlines(case)
    assert found[f"unopposed_not_to_issue:{a.pk}"].due == dt.date(2025, 7, 24)  # 10 weeks
    assert found[f"unopposed_final_plan:{a.pk}"].due == dt.date(2025, 8, 21)  # 14 weeks
    assessed = found[f"unopposed_assess:{a.pk}"]
    assert assessed.basis == "Reg 45 as substituted by SI 2015/359 reg 8"
    assert not assessed.unconfirmed


def test_reg_45_duty_recorded_as_done_leaves_the_tray(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    a = _appeal(cast, case, outcome="conceded", decided_on=dt.date(2025, 5, 15))
    order = dispute_services.tribunal_order_comply(
        case_id=case.pk,
        appeal_id=a.pk,
        kind="assess",
        complied_on=dt.date(2025, 5, 28),
        changed_by=cast.caseworker,
    )
    assert (order.due_on, order.due_rule, order.made_on) == (
        dt.date(2025, 5, 29),
        "unopposed_assess",
        dt.date(2025, 5, 15),
    )
    assert _tray(cast, TODAY) == {}
    found = _deadlines(case)
    assert found[f"unopposed_assess:{a.pk}"].status == "met"
    assert f"order:{order.pk}" not in found  # the duty itself, not a second row


def test_unopposed_contents_appeal_needs_the_amended_plan_within_5_weeks(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    a = _appeal(
        cast,
        case,
        about="plan_contents",
        registered_on=dt.date(2025, 5, 14),
        outcome="conceded",
        decided_on=dt.date(2025, 5, 16),
    )
    ident = f"unopposed_amended_plan:{a.pk}"
    assert (_deadlines(case)[ident].due, _deadlines(case)[ident].status) == (
        dt.date(2025, 6, 20),
        "on_time",
    )
    with at(dt.date(2025, 6, 14)):
        assert _tray(cast, dt.date(2025, 6, 14))[ident] == ("due_soon", 6)


def test_an_opposed_appeal_starts_no_reg_45_deadline(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    _appeal(cast, case)
    assert not [d for d in _deadlines(case) if d.startswith("unopposed_")]


# T27: a Tribunal order with its own date.


def _order(cast, case, **kwargs) -> TribunalOrder:
    a = _appeal(cast, case, outcome="upheld", decided_on=dt.date(2025, 5, 27))
    kwargs = {"kind": "assess", "made_on": dt.date(2025, 5, 27), "due_on": dt.date(2025, 6, 4)}
    return dispute_services.tribunal_order_record(
        appeal_id=a.pk,
        description="Assess within the time the Tribunal set",
        changed_by=cast.caseworker,
        case_id=case.pk,
        **kwargs,
    )


def test_tribunal_order_shows_its_compliance_date_in_the_tray(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    order = _order(cast, case)
    ident = f"order:{order.pk}"
    assert _tray(cast, TODAY)[ident] == ("due_soon", 2)
    deadline = _deadlines(case)[ident]
    assert deadline.name == "Tribunal order: Carry out an assessment"
    assert deadline.unconfirmed and deadline.basis == "Regs 43–44 (limits UNCONFIRMED)"


def test_tribunal_order_complied_with_leaves_the_open_list(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    order = _order(cast, case)
    dispute_services.tribunal_order_comply(
        case_id=case.pk, order_id=order.pk, complied_on=TODAY, changed_by=cast.caseworker
    )
    assert _tray(cast, dt.date(2025, 6, 5)) == {}
    deadline = _deadlines(case)[f"order:{order.pk}"]
    assert (deadline.status, deadline.done) == ("met", TODAY)


# Which cases the tray reads, and what it costs.


def test_refused_case_is_in_the_tray_only_with_mediation_or_an_appeal(cast, frozen):
    quiet = make_case(cast, Stage.NOT_ASSESSING, learner=cast.other_learner)
    disputed = make_case(cast, Stage.NOT_ASSESSING)
    m = _mediation(
        cast, disputed, family_choice="certificate", family_choice_on=dt.date(2025, 5, 29)
    )
    with at(TODAY):
        tray = work_tray(fetched_by=cast.caseworker, today=TODAY)
    assert {row.case.pk for row in tray.rows} == {disputed.pk}
    assert quiet.pk not in {row.case.pk for row in tray.rows}
    assert tray.stage_counts == {Stage.NOT_ASSESSING: 1}
    with at(TODAY):
        case_services.case_close(
            case_id=disputed.pk, closed_on=TODAY, reason="No appeal", changed_by=cast.caseworker
        )
        closed = work_tray(fetched_by=cast.caseworker, today=TODAY, stage=Stage.CLOSED)
    assert [row.deadline.id for row in closed.rows] == [f"mediation_certificate:{m.pk}"]


def _queries(cast) -> int:
    cast.caseworker.__dict__.pop("_sendplan_standing", None)  # count the standing query too
    with at(TODAY), CaptureQueriesContext(connection) as queries:
        assert work_tray(fetched_by=cast.caseworker, today=TODAY).rows
    return len(queries)


def _disputed_case(cast) -> Case:
    learner = LearnerFactory(responsible_la=cast.la)
    case = make_case(cast, Stage.NOT_ASSESSING, learner=learner)
    _mediation(cast, case, family_choice="certificate", family_choice_on=dt.date(2025, 5, 29))
    a = _appeal(cast, case, outcome="conceded", decided_on=dt.date(2025, 5, 15))
    dispute_services.tribunal_order_record(
        appeal_id=a.pk,
        kind="other",
        description="Send the Tribunal the assessment timetable",
        made_on=dt.date(2025, 5, 20),
        due_on=dt.date(2025, 6, 6),
        changed_by=cast.caseworker,
    )
    return case


def test_tray_query_count_does_not_grow_with_mediation_appeals_and_orders(cast, frozen):
    _disputed_case(cast)
    one = _queries(cast)
    for _ in range(4):
        _disputed_case(cast)
    assert _queries(cast) == one <= 9


# What the services refuse, so the clock never reads an impossible order of events.


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"family_choice": "mediation"}, "family_choice_on", "Give the date the family told you"),
        ({"family_choice_on": dt.date(2025, 5, 29)}, "family_choice", "Select what the family"),
        (
            {"family_choice": "certificate", "family_choice_on": dt.date(2025, 5, 26)},
            "family_choice_on",
            "cannot be before contact with the adviser",
        ),
        (
            {"family_choice": "certificate", "family_choice_on": dt.date(2025, 5, 29),
             "certificate_on": dt.date(2025, 5, 28)},
            "certificate_on",
            "cannot be before the family declined mediation",
        ),
        (
            {"family_choice": "certificate", "family_choice_on": dt.date(2025, 5, 29),
             "mediation_on": dt.date(2025, 5, 30)},
            "mediation_on",
            "declined mediation, so it was not held",
        ),
        (
            {"family_choice": "mediation", "family_choice_on": dt.date(2025, 5, 29),
             "mediation_on": dt.date(2025, 5, 28)},
            "mediation_on",
            "cannot be before the family asked for mediation",
        ),
        (
            {"family_choice": "mediation", "family_choice_on": dt.date(2025, 6, 3)},
            "family_choice_on",
            "cannot be in the future",
        ),
    ],
)  # fmt: skip
def test_mediation_dates_out_of_order_are_refused_beside_the_field(
    cast, frozen, kwargs, field, message
):
    case = make_case(cast, Stage.NOT_ASSESSING)
    with pytest.raises(ValidationError) as refused:
        _mediation(cast, case, **kwargs)
    assert message in " ".join(refused.value.message_dict[field])


def test_order_before_the_appeal_or_due_before_it_was_made_is_refused(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    a = _appeal(cast, case)
    with pytest.raises(ValidationError) as refused:
        dispute_services.tribunal_order_record(
            appeal_id=a.pk,
            kind="other",
            description="Send evidence",
            made_on=dt.date(2025, 3, 31),
            due_on=dt.date(2025, 3, 30),
            changed_by=cast.caseworker,
        )
    errors = refused.value.message_dict
    assert "cannot be before the appeal was registered" in errors["made_on"][0]
    assert "cannot be before the order" in errors["due_on"][0]


def test_reg_45_order_must_use_the_date_the_tribunal_was_told(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    a = _appeal(cast, case, outcome="conceded", decided_on=dt.date(2025, 5, 15))
    with pytest.raises(ValidationError) as refused:
        dispute_services.tribunal_order_record(
            appeal_id=a.pk,
            kind="assess",
            description="Assess",
            made_on=dt.date(2025, 5, 16),
            changed_by=cast.caseworker,
        )
    assert "15 May 2025" in refused.value.message_dict["made_on"][0]


def test_a_duty_reg_45_does_not_set_cannot_be_recorded_as_done(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    opposed = _appeal(cast, case)
    with pytest.raises(ValidationError) as refused:
        dispute_services.tribunal_order_comply(
            case_id=case.pk,
            appeal_id=opposed.pk,
            kind="assess",
            complied_on=TODAY,
            changed_by=cast.caseworker,
        )
    assert "no such duty" in refused.value.message_dict["item"][0]


def test_an_order_of_another_case_is_not_found(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    other = make_case(cast, Stage.NOT_ASSESSING, learner=cast.other_learner)
    order = _order(cast, other)
    with pytest.raises(TribunalOrder.DoesNotExist):
        dispute_services.tribunal_order_comply(
            case_id=case.pk, order_id=order.pk, complied_on=TODAY, changed_by=cast.caseworker
        )


def test_appeal_registration_cannot_move_after_its_first_order(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    order = _order(cast, case)
    with pytest.raises(ValidationError) as refused:
        _appeal(
            cast,
            case,
            appeal_id=order.tribunal_id,
            registered_on=dt.date(2025, 5, 28),
            outcome="upheld",
            decided_on=dt.date(2025, 5, 28),
        )
    assert "after the first order (27 May 2025)" in refused.value.message_dict["registered_on"][0]
