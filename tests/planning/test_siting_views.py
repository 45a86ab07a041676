"""The siting page: the form's errors re-show what was typed, the answer, downloads, access."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from sendplan.learners.models import AuditEvent
from sendplan.planning.models import CandidateSite
from tests.factories import UserFactory
from tests.planning.siting_builders import candidate, forecast

pytestmark = pytest.mark.django_db

URL = "planning:siting"


def _get(cast, name=URL, **params):
    return cast.client_for(cast.la_colleague).get(reverse(name), params)


def test_the_page_is_reached_from_the_planning_page(cast):
    response = cast.client_for(cast.la_colleague).get(reverse("planning:index"))
    assert reverse(URL).encode() in response.content


def test_the_blank_form_offers_the_forecast_years_and_counts_the_candidates(cast, area):
    candidate(cast.la)
    forecast()
    response = _get(cast)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Forecast for January 2027" in body
    assert "Today&#x27;s learners only (no growth)" in body
    assert "1 candidate site under consideration" in body
    assert 'id="answer"' not in body
    assert not AuditEvent.objects.exists()


def test_without_a_forecast_only_todays_learners_are_offered(cast, area):
    body = _get(cast).content.decode()
    assert "Forecast for January" not in body
    assert "There is no finished forecast yet" in body
    assert "no candidate sites under consideration" in body


@pytest.mark.parametrize(
    ("params", "message", "typed"),
    [
        ({"figure": "central", "budget": ""}, "Enter the capital budget in pounds", None),
        ({"figure": "central", "budget": "lots"},
         "Capital budget must be a whole number of pounds, like 2500000", 'value="lots"'),
        ({"figure": "central", "budget": "1.5"},
         "Capital budget must be a whole number of pounds, like 2500000", 'value="1.5"'),
        ({"figure": "central", "budget": "99999999999"},
         "Capital budget must be £10,000,000,000 or less", 'value="99999999999"'),
        ({"year": "1999", "figure": "central", "budget": "£2,000,000"},
         "Choose a year the forecast covers", 'value="£2,000,000"'),
        ({"year": "2027", "budget": "500000"}, "Select which forecast figure to plan for",
         'value="500000"'),
    ],
)  # fmt: skip
def test_errors_are_summarised_and_what_was_typed_is_shown_again(
    cast, area, params, message, typed
):
    forecast()
    response = _get(cast, **params)
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert body.count(message) == 2  # in the summary and by the field
    assert "<title>Error:" in body
    if typed:
        assert typed in body
    if params.get("year") == "2027":
        assert '<option value="2027" selected>' in body
    assert 'id="answer"' not in body


def test_a_budget_with_a_pound_sign_and_commas_is_answered(cast, area):
    candidate(cast.la)
    response = _get(cast, year="", figure="central", budget="£1,000,000")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Where the next 4 places should go" in body
    assert "Oak annexe" in body
    assert "£300,000 of £1,000,000" in body
    event = AuditEvent.objects.get()
    assert (event.user, event.action, event.learner) == (cast.la_colleague, "list", None)
    assert "siting" in event.detail


def test_a_what_if_shows_the_answer_beside_the_question_before(cast, area):
    candidate(cast.la)
    forecast()
    response = _get(cast, year="2027", figure="upper", budget="1000000",
                    **{"was-year": "2027", "was-figure": "central", "was-budget": "300000"})  # fmt: skip
    body = response.content.decode()
    assert "Compared with the question before" in body
    assert "Oak annexe: places" in body
    assert "With the central forecast figure" in body
    assert "With twice the budget (£2,000,000)" in body


def test_the_answer_downloads_as_csv_and_excel_without_learners(cast, area):
    candidate(cast.la)
    candidate(cast.la, name="Far away", latitude=52.5, longitude=-1.9)
    response = _get(cast, "planning:siting-csv", year="", figure="central", budget="1000000")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="where-to-add-places.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Candidate site"], r["Blocks to open"], r["Places added"]) for r in rows] == [
        ("Oak annexe", "1", "4"),
        ("Far away", "0", "0"),
    ]
    assert "Jamie" not in response.content.decode("utf-8-sig")
    response = _get(cast, "planning:siting-xlsx", year="", figure="central", budget="1000000")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Candidate sites", "Summary", "Extra demand"]
    assert book["Candidate sites"]["A2"].value == "Oak annexe"
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == ["export", "export"]


def test_a_download_of_a_bad_question_goes_back_to_the_page(cast, area):
    response = _get(cast, "planning:siting-csv", figure="central", budget="lots")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(URL) + "?")


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_the_page_is_for_la_staff_only(cast, who):
    client = cast.client_for(getattr(cast, who))
    for name in (URL, "planning:siting-csv"):
        assert client.get(reverse(name), {"budget": "1"}).status_code == 403


def test_the_page_refuses_post(cast):
    assert cast.client_for(cast.la_colleague).post(reverse(URL)).status_code == 405


def test_an_administrator_adds_and_lists_candidates_in_the_admin(client, cast):
    staff = UserFactory(username="admin-person", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    candidate(cast.la, host_setting=cast.setting)
    listing = client.get(reverse("admin:planning_candidatesite_changelist"))
    assert listing.status_code == 200 and b"Oak annexe" in listing.content
    site = CandidateSite.objects.get()
    assert (
        client.get(reverse("admin:planning_candidatesite_change", args=[site.pk])).status_code
        == 200
    )


# --- The move cost, the capital years and the three forecast figures together ---------------


@pytest.mark.parametrize(
    ("params", "message", "typed"),
    [
        ({"move_cost": "a lot"},
         "Cost of moving a learner must be a whole number of pounds, like 5000", 'value="a lot"'),
        ({"move_cost": "-5"},
         "Cost of moving a learner must be a whole number of pounds, like 5000", 'value="-5"'),
        ({"move_cost": "2500.50"},
         "Cost of moving a learner must be a whole number of pounds, like 5000",
         'value="2500.50"'),
        ({"capital_years": "0"}, "Years to spread capital over must be 1 or more", 'value="0"'),
        ({"capital_years": "61"}, "Years to spread capital over must be 60 or less",
         'value="61"'),
        ({"capital_years": "thirty"},
         "Years to spread capital over must be a whole number, like 30", 'value="thirty"'),
    ],
)  # fmt: skip
def test_a_bad_move_cost_or_capital_years_is_named_and_shown_again(
    cast, area, params, message, typed
):
    response = _get(cast, figure="central", budget="1000000", **params)
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count(message) == 2  # in the summary and by the field
    assert typed in body
    assert 'value="1000000"' in body
    assert 'id="answer"' not in body


def test_the_form_hints_give_the_defaults(cast, area):
    body = _get(cast).content.decode()
    assert "Cost of moving a learner (£)" in body
    assert "Leave blank for the default, £5,000." in body
    assert "Years to spread capital over" in body
    assert "Leave blank for the default, 30 years." in body


def test_blank_parameters_use_the_defaults_and_are_shown_in_the_summary(cast, area):
    candidate(cast.la)
    body = _get(cast, year="", figure="central", budget="1000000", move_cost="",
                capital_years="").content.decode()  # fmt: skip
    assert "£5,000 (the default)" in body
    assert "30 years (the default)" in body


def test_the_move_cost_and_capital_years_reach_the_answer_and_the_downloads(cast, area):
    candidate(cast.la)
    params = {"year": "", "figure": "central", "budget": "1000000", "move_cost": "£7,500",
              "capital_years": "12"}  # fmt: skip
    body = _get(cast, **params).content.decode()
    assert "£7,500:" in body and "(the default)" not in body
    assert "a year of capital over 12 years" in body
    assert "move_cost=7500" in body and "capital_years=12" in body  # downloads and what-ifs
    response = _get(cast, "planning:siting-csv", **params)
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert (row["Cost of moving a learner (£)"], row["Capital spread over (years)"]) == (
        "7500",
        "12",
    )
    response = _get(cast, "planning:siting-xlsx", **params)
    summary = dict(load_workbook(io.BytesIO(response.content))["Summary"].values)
    assert summary["Cost of moving a learner (£)"] == 7500
    assert summary["Capital spread over (years)"] == 12


def test_a_what_if_keeps_the_move_cost_and_compares_it(cast, area):
    candidate(cast.la)
    body = _get(cast, year="", figure="central", budget="1000000", move_cost="9000",
                capital_years="20", **{"was-year": "", "was-figure": "central",
                "was-budget": "1000000"})  # fmt: skip
    body = body.content.decode()
    assert 'Cost of moving a learner</th><td class="govuk-table__cell">£5,000</td>' in body
    assert "£9,000</td>" in body
    assert "20 years</td>" in body
    assert "budget=2000000&amp;move_cost=9000&amp;capital_years=20" in body


def test_the_three_forecast_figures_together_in_one_table(cast, area):
    candidate(cast.la)
    forecast()
    body = _get(cast, year="2027", figure="central", budget="1000000").content.decode()
    assert "Lower, central and upper forecast together" in body
    assert 'id="together"' not in body
    response = _get(cast, year="2027", figure="central", budget="1000000", together="1")
    body = response.content.decode()
    table = body[body.index('id="together"') : body.index("</table>", body.index('id="together"'))]
    for label in ("Central", "Lower", "Upper", "Oak annexe: places", "Capital spent",
                  "Annual saving", "Payback", "Independent placements avoided"):  # fmt: skip
        assert label in table
    assert table.index("Lower") < table.index("Central") < table.index("Upper")
    assert "Chosen in all three: Oak annexe." in body
    assert AuditEvent.objects.count() == 2  # one for each answer page


def test_today_only_offers_no_three_figures(cast, area):
    candidate(cast.la)
    body = _get(cast, year="", figure="central", budget="1000000", together="1").content.decode()
    assert "forecast together" not in body.split('id="what-ifs"')[1].split("</ul>")[0]
    assert 'id="together"' not in body
