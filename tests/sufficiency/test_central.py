"""Central high-needs spend: the lines the block pays outside placements, entered by the
manager on the money page and counted in the budget, the outturn and the DSG plan."""

from __future__ import annotations

from django.urls import reverse

from sendplan.sufficiency import services
from sendplan.sufficiency.models import CentralSpend
from tests.casework.conftest import at
from tests.sufficiency.test_money import TODAY, _cells, placed  # noqa: F401 (a fixture)


def test_the_form_reshows_what_was_typed_with_the_errors(cast):
    client = cast.client_for(cast.la_colleague)
    url = reverse("sufficiency:central-new")
    with at(TODAY):
        assert client.get(url).status_code == 200
        wrong = client.post(
            url,
            {
                "financial_year": "2026",
                "line": "",
                "partner": "Park PRU",
                "amount": "lots",
                "lock": "0",
            },
        )
    html = wrong.content.decode()
    assert wrong.status_code == 200
    assert "Select what the spend pays for" in html
    assert "Enter an amount in whole pounds" in html
    assert 'value="lots"' in html and 'value="Park PRU"' in html
    assert not CentralSpend.objects.exists()


def test_a_line_is_added_changed_and_kept(cast):
    client = cast.client_for(cast.la_colleague)
    with at(TODAY):
        far = client.post(
            reverse("sufficiency:central-new"),
            {"financial_year": "2040", "line": "ap", "amount": "10", "lock": "0"},
        )
        assert "Select a year from the list" in far.content.decode()
        added = client.post(
            reverse("sufficiency:central-new"),
            {
                "financial_year": "2026",
                "line": "ap",
                "partner": "Park PRU",
                "amount": "1200000",
                "lock": "0",
            },
        )
        assert added.status_code == 302
        line = CentralSpend.objects.get()
        assert (line.la_code, line.financial_year, line.amount, line.actual) == (
            "E09000022",
            2026,
            1_200_000,
            False,
        )
        edit = reverse("sufficiency:central-edit", args=[line.pk])
        changed = client.post(
            edit,
            {
                "financial_year": "2026",
                "line": "ap",
                "partner": "Park PRU",
                "amount": "1250000",
                "actual": "on",
                "lock": str(line.lock),
            },
        )
        assert changed.status_code == 302
        # A form read before that change is refused, with what was typed kept.
        stale = client.post(
            edit,
            {"financial_year": "2026", "line": "ap", "amount": "999", "lock": str(line.lock)},
        )
        assert stale.status_code == 409
        assert 'value="999"' in stale.content.decode()
        money = client.get(reverse("sufficiency:money")).content.decode()
    line.refresh_from_db()
    assert (line.amount, line.actual) == (1_250_000, True)
    assert line.history.count() == 2
    assert line.history.first().history_user == cast.la_colleague
    rows = _cells(money, "Central high-needs spend by line")
    assert rows == [
        [
            "2026-27",
            "Alternative provision and pupil referral units",
            "Park PRU",
            "£1,250,000",
            "Actual",
            "Change Alternative provision and pupil referral units 2026-27",
        ]
    ]


def test_another_councils_line_is_not_found(cast):
    line = services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2026, "line": "hospital", "amount": 5_000},
    )
    CentralSpend.objects.filter(pk=line.pk).update(la_code="E09000028")
    with at(TODAY):
        response = cast.client_for(cast.la_colleague).get(
            reverse("sufficiency:central-edit", args=[line.pk])
        )
    assert response.status_code == 404


def test_the_budget_and_outturn_count_central_spend(cast, placed):  # noqa: F811
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=100_000, expected_lock=0
    )
    for line, amount in (("ap", 6_000), ("hospital", 1_500), ("post16", 500)):
        services.central_spend_save(
            changed_by=cast.la_colleague,
            data={"financial_year": 2026, "line": line, "amount": amount},
        )
    services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2027, "line": "ap", "amount": 7_000},
    )
    with at(TODAY):
        html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:money")).content
    rows = _cells(html.decode(), "High-needs block: budget, committed spend and the forecast")
    # 2026-27: 87,895 on placements + 6,000 + 1,500 + 500 = 95,895; 100,000 leaves 4,105.
    assert rows[0][:5] == ["2026-27", "£100,000", "£87,895", "£8,000", "£4,105"]
    # 2027-28: AP's own £7,000 stands; hospital and post-16 have no line, so each grows from
    # 2026-27 (no forecast run here, so post-16 too takes the 2 % uplift): 1,530 + 510 =
    # 2,040 projected, 9,040 in all, marked as projected.
    assert rows[1][:4] == ["2027-28", "Not set", "£96,500", "£9,040 (£2,040 projected)"]


def test_a_line_is_removed_unless_changed_since(cast):
    line = services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2026, "line": "hospital", "amount": 5_000},
    )
    read_at = line.lock
    services.central_spend_save(
        changed_by=cast.la_colleague, data={"amount": 6_000}, pk=line.pk, expected_lock=read_at
    )
    client = cast.client_for(cast.la_colleague)
    url = reverse("sufficiency:central-remove", args=[line.pk])
    with at(TODAY):
        refused = client.post(url, {"lock": str(read_at)})
        assert refused.status_code == 302 and CentralSpend.objects.filter(pk=line.pk).exists()
        line.refresh_from_db()
        removed = client.post(url, {"lock": str(line.lock)})
    assert removed.status_code == 302
    assert not CentralSpend.objects.exists()
    assert (
        CentralSpend.history.filter(id=line.pk, history_type="-").get().history_user
        == cast.la_colleague
    )


def test_the_areas_uplift_setting_moves_the_projection_not_the_recorded_figures(
    cast,
    placed,  # noqa: F811
):
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=100_000, expected_lock=0
    )
    services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2026, "line": "hospital", "amount": 4_000},
    )
    client = cast.client_for(cast.la_colleague)
    with at(TODAY):
        form = client.get(reverse("sufficiency:assumptions")).context["form"]
        data = {name: form[name].value() for name in form.fields if name != "use_register_costs"}
        data.update(growth_override_pct="", central_uplift_pct="25")
        refused = client.post(reverse("sufficiency:assumptions"), data)
        assert "The uplift for central spend must be 20 or less" in refused.content.decode()
        assert 'value="25"' in refused.content.decode()
        data.update(central_uplift_pct="5")
        assert client.post(reverse("sufficiency:assumptions"), data).status_code == 302
        html = client.get(reverse("sufficiency:money")).content.decode()
    rows = _cells(html, "High-needs block: budget, committed spend and the forecast")
    # 2026-27's £4,000 is recorded and stays; 2027-28 is 4,000 x 1.05 = 4,200, projected.
    assert rows[0][3] == "£4,000"
    assert rows[1][3] == "£4,200 (£4,200 projected)"
    assert "by 5% a year" in html
