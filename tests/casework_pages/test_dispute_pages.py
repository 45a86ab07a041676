"""Mediation, appeals and Tribunal orders on the pages: the work tray and case page show
their deadlines; the case page's steps record what starts and stops them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.case.models import Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.disputes.models import Mediation, Tribunal, TribunalOrder
from tests.casework_pages.tray_builders import TODAY, at, case_for_new_learner, make_case
from tests.factories import MembershipFactory, UserFactory

TRAY = reverse("casework:tray")


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _step(case, slug: str) -> str:
    return reverse("casework:action", args=[case.pk, slug])


def _post(cast, case, slug, data, *, who="caseworker"):
    return cast.client_for(getattr(cast, who)).post(_step(case, slug), data)


def _case_page(cast, case) -> str:
    return _html(cast.client_for(cast.caseworker).get(reverse("casework:case", args=[case.pk])))


def _row(html: str, text: str) -> str:
    row = html[html.index(text) :]
    return row[: row.index("</tr>")]


def _open_table(html: str) -> str:
    start = html.index("Deadlines still open")
    return html[start : html.index("</table>", start)]


def _closed_table(html: str) -> str:
    start = html.index("Deadlines met, missed or excused")
    return html[start : html.index("</table>", start)]


def test_tray_shows_the_certificate_due_after_a_declined_mediation(cast, frozen):
    case = case_for_new_learner(
        cast, Stage.NOT_ASSESSING, received_on=dt.date(2025, 1, 6), name="Mo Mediate-Test"
    )
    dispute_services.mediation_record(
        case_id=case.pk,
        about="not_to_assess",
        adviser_contacted_on=dt.date(2025, 5, 27),
        family_choice="certificate",
        family_choice_on=dt.date(2025, 5, 29),
        changed_by=cast.caseworker,
    )
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    row = _row(html, "Mo Mediate-Test")
    assert "Decided not to assess" in row  # the stage
    assert "Mediation certificate: decision not to assess" in row
    assert "3 June 2025" in row and "Due tomorrow" in row and "Due this week" in row
    assert "Regs 32–42" in row and "Check locally</strong>" in row
    with at(dt.date(2025, 6, 4)):
        late = _html(cast.client_for(cast.caseworker).get(TRAY + "?status=overdue"))
    assert "Mo Mediate-Test" in late and "1 day overdue" in _row(late, "Mo Mediate-Test")


def test_tray_stage_filter_offers_refused_cases(cast, frozen):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?stage=not_assessing"))
    assert '<option value="not_assessing" selected>Decided not to assess (0)</option>' in html


def test_mediation_form_records_the_familys_choice_and_the_case_page_shows_the_30_days(
    cast, frozen
):
    case = make_case(cast, Stage.NOT_ASSESSING)
    form = _html(cast.client_for(cast.caseworker).get(_step(case, "mediation")))
    assert 'name="family_choice" type="radio" value="mediation"' in form
    assert 'name="family_choice_on_day"' in form
    data = {
        "about": "not_to_assess",
        "family_choice": "mediation",
        **_date("adviser_contacted_on", dt.date(2025, 5, 2)),
        **_date("family_choice_on", dt.date(2025, 5, 5)),
    }
    response = _post(cast, case, "mediation", data)
    assert response.status_code == 302
    mediation = Mediation.objects.get(case=case)
    assert (mediation.family_choice, mediation.family_choice_on) == (
        "mediation",
        dt.date(2025, 5, 5),
    )
    html = _case_page(cast, case)
    row = _row(_open_table(html), "Arrange mediation: decision not to assess")
    assert "4 June 2025" in row and "In 2 days" in row and "Check locally" in row
    assert "Want mediation (5 May 2025)" in html
    assert "The family asked for mediation" in html  # the history


def test_mediation_choice_without_its_date_is_refused_beside_the_date(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    data = {
        "about": "not_to_assess",
        "family_choice": "certificate",
        **_date("adviser_contacted_on", dt.date(2025, 5, 27)),
    }
    html = _html(_post(cast, case, "mediation", data))
    assert '<p id="family_choice_on-error" class="govuk-error-message">' in html
    error = html[html.index('id="family_choice_on-error"') :]
    assert error.index("Give the date the family told you.") < error.index("</p>")
    assert 'value="certificate" checked' in html  # what was typed is kept
    assert not Mediation.objects.filter(case=case).exists()


def test_unopposed_appeal_recorded_on_the_page_shows_its_reg_45_deadlines(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    data = {
        "about": "not_to_assess",
        "outcome": "conceded",
        **_date("registered_on", dt.date(2025, 4, 1)),
        **_date("decided_on", dt.date(2025, 5, 15)),
    }
    assert _post(cast, case, "tribunal", data).status_code == 302
    html = _open_table(_case_page(cast, case))
    row = _row(html, "Unopposed appeal: notice that the authority will assess")
    assert "29 May 2025" in row and "4 days overdue" in row
    assert "Reg 45 as substituted by SI 2015/359 reg 8" in row and "Check locally" not in row
    assert "21 August 2025" in _row(html, "Unopposed appeal: final plan")


def test_reg_45_duty_recorded_as_done_on_the_page_moves_to_the_met_table(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=dt.date(2025, 4, 1),
        outcome="conceded",
        decided_on=dt.date(2025, 5, 15),
        changed_by=cast.caseworker,
    )
    form = _html(cast.client_for(cast.caseworker).get(_step(case, "order-complied")))
    assert f'value="duty-{appeal.pk}-assess"' in form
    data = {"item": f"duty-{appeal.pk}-assess", **_date("complied_on", dt.date(2025, 5, 28))}
    assert _post(cast, case, "order-complied", data).status_code == 302
    html = _case_page(cast, case)
    assert "Unopposed appeal: notice that the authority will assess" not in _open_table(html)
    row = _row(_closed_table(html), "Unopposed appeal: notice that the authority will assess")
    assert "28 May 2025" in row and ">Met</strong>" in row


def test_tribunal_order_recorded_then_complied_with_on_the_page(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    assert "Record a Tribunal order" not in _case_page(cast, case)  # no appeal yet
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=dt.date(2025, 4, 1),
        outcome="upheld",
        decided_on=dt.date(2025, 5, 27),
        changed_by=cast.caseworker,
    )
    assert "Record a Tribunal order" in _case_page(cast, case)
    data = {
        "appeal": str(appeal.pk),
        "kind": "assess",
        "description": "Carry out the assessment",
        **_date("made_on", dt.date(2025, 5, 27)),
        **_date("due_on", dt.date(2025, 6, 4)),
    }
    assert _post(cast, case, "tribunal-order", data).status_code == 302
    order = TribunalOrder.objects.get(tribunal=appeal)
    row = _row(_open_table(_case_page(cast, case)), "Tribunal order: Carry out an assessment")
    assert "4 June 2025" in row and "Regs 43–44" in row and "Check locally" in row
    data = {"item": f"order-{order.pk}", **_date("complied_on", TODAY)}
    assert _post(cast, case, "order-complied", data).status_code == 302
    html = _case_page(cast, case)
    assert "No deadline is open on this case." in html
    assert ">Met</strong>" in _row(_closed_table(html), "Tribunal order: Carry out an assessment")
    assert "Record that an order was complied with" not in html  # nothing left to record


def test_tribunal_order_form_gives_govuk_messages(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=dt.date(2025, 4, 1),
        changed_by=cast.caseworker,
    )
    html = _html(_post(cast, case, "tribunal-order", {}))
    for message in ("Select the appeal", "Describe the order", "Select it"):
        assert message in html
    assert not Tribunal.objects.get(case=case).orders.exists()


def test_read_only_colleague_gets_403_and_another_authority_404_for_order_steps(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    assert _post(cast, case, "order-complied", {}, who="la_colleague").status_code == 403
    outsider = MembershipFactory(
        user=UserFactory(), organisation=cast.other_la, role=Role.LA_CASEWORKER
    ).user
    assert cast.client_for(outsider).get(_step(case, "tribunal-order")).status_code == 404
