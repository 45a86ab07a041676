"""The local SEND reform plan page: the forecast's growth and where it is met."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from sendplan.engine import REFORM_GROUPS
from sendplan.provision.models import ProvisionStrand
from sendplan.sufficiency.reform import reform_years
from sendplan.sufficiency.report import count, places_in, report_for, signed
from sendplan.sufficiency.runs import _register_snapshot
from tests.factories import SettingFactory, StrandFactory
from tests.sufficiency.test_money import _cells


def test_the_page_and_download_show_the_growth_and_where_it_is_met(cast, finished_run):
    report = report_for(finished_run)
    base = report.baseline
    client = cast.client_for(cast.la_colleague)
    html = client.get(reverse("sufficiency:reform-plan")).content.decode()
    rows = _cells(html, "Growth in EHC plans and where it is met, central forecast")
    figures = reform_years(base, report.years)
    assert len(rows) == len(report.years)
    last, shown = figures[-1], rows[-1]
    assert shown[0] == str(last.year)
    assert shown[1] == count(last.total)
    assert shown[2] == signed(last.total_growth)
    # The groups add up to the growth (each rounded, so within one a group).
    groups = [last.growth[g] for g in REFORM_GROUPS]
    assert sum(groups) == pytest.approx(last.total_growth)
    assert shown[3:7] == [signed(v) for v in groups]
    # Specialist places short: the one figure every sufficiency page shows.
    assert shown[-1] == count(places_in(base, last.year).short)
    assert rows[0][2] == "0"
    download = client.get(reverse("sufficiency:reform-download", args=["growth", "csv"]))
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["scenario", "census_year", "plans"]
    assert len(lines) == 1 + len(report.projections) * len(report.years)
    book = client.get(reverse("sufficiency:reform-download", args=["all", "xlsx"]))
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")


def test_without_a_run_there_is_nothing_to_download(cast):
    client = cast.client_for(cast.la_colleague)
    assert client.get(reverse("sufficiency:reform-plan")).status_code == 200
    url = reverse("sufficiency:reform-download", args=["growth", "csv"])
    assert client.get(url).status_code == 404
    assert cast.client_for(cast.parent).get(reverse("sufficiency:reform-plan")).status_code == 403


def test_inclusion_bases_count_as_local_places_in_mainstream_schools(db):
    base = StrandFactory(
        setting=SettingFactory(name="Brixton Primary inclusion base"),
        kind=ProvisionStrand.Kind.INCLUSION_BASE,
        capacity=12,
    )
    assert base.get_kind_display() == "Inclusion base in a mainstream school"
    snapshot = _register_snapshot()
    places = [p for p in snapshot["places"] if p["places"] == 12]
    assert [p["kind"] for p in places] == ["resourced"]
