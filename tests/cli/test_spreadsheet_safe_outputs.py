"""Every CSV a command writes for people keeps hostile text as text in a spreadsheet.

A name or identifier from an input file that starts with ``=``, ``+``, ``-`` or ``@`` would
run as a formula when the output is opened in Excel; each command writes it with a leading
apostrophe, through the one function the web exports use, and leaves numbers alone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from sendplan import engine
from sendplan.cli import forecast, place
from sendplan.web import spreadsheets
from tests.factories import SettingFactory, StrandFactory

HOSTILE = "=cmd|' /C calc'!A0"
GOOD = Path(__file__).parent / "malformed" / "good"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_web_exports_and_the_command_line_share_one_escaping_function() -> None:
    assert spreadsheets.safe_cell is engine.safe_cell
    assert engine.safe_row([HOSTILE, "+1", "-2", "@A1", "\tx", "Oak"]) == [
        "'" + HOSTILE, "'+1", "'-2", "'@A1", "'\tx", "Oak",
    ]  # fmt: skip


def test_place_gives_identifiers_back_exactly_as_they_came(tmp_path: Path) -> None:
    # PLACEMENTS.csv is read by programs that match on the caller's own identifiers (the
    # command's contract); it holds no names, so nothing in it is escaped.
    learners = tmp_path / "learners.csv"
    settings = tmp_path / "settings.csv"
    learners.write_text(
        f'learner_id,need,age,lat,lon\n"{HOSTILE}",ASD,12,51.47,-0.12\n', encoding="utf-8"
    )
    settings.write_text(
        "setting_id,name,lat,lon,min_age,max_age,needs,places,annual_cost,kind\n"
        "@SUM(1+1),Oak,51.47,-0.12,5,19,ASD,1,30000,special\n",
        encoding="utf-8",
    )
    out = tmp_path / "placements.csv"
    argv = ["--learners", str(learners), "--settings", str(settings), "--out", str(out)]
    assert place.main(argv) == 0
    assert rows(out) == [
        {"learner_id": HOSTILE, "setting_id": "@SUM(1+1)", "distance_km": "0.000",
         "annual_cost": "30000"},
    ]  # fmt: skip


def test_forecast_writes_a_hostile_area_name_as_text(tmp_path: Path) -> None:
    caseload = tmp_path / "caseload.csv"
    text = (
        (GOOD / "caseload.csv")
        .read_text(encoding="utf-8")
        .replace(",Lambeth,", ',=HYPERLINK("x"),')
    )
    caseload.write_text(text, encoding="utf-8")
    out, breakdowns = tmp_path / "forecast.csv", tmp_path / "breakdowns.csv"
    argv = ["--caseload", str(caseload), "--horizon", "1", "--simulations", "10",
            "--out", str(out), "--breakdowns-out", str(breakdowns)]  # fmt: skip
    assert forecast.main(argv) == 0
    lambeth = [row for row in rows(out) if row["area_code"] == "E09000022"]
    assert lambeth and {row["area_name"] for row in lambeth} == {'\'=HYPERLINK("x")'}
    assert all(int(row["ehcplans"]) > 0 for row in lambeth)  # numbers stay numbers


@pytest.mark.django_db
def test_provision_export_writes_a_hostile_gias_name_as_text(tmp_path: Path) -> None:
    setting = SettingFactory(urn=100643, name=HOSTILE, latitude=51.4425, longitude=-0.1)
    StrandFactory(setting=setting, capacity=10, on_roll=5, needs=["ASD"])
    out = tmp_path / "SETTINGS.csv"
    call_command("provision", "export", "--out", str(out), stdout=io.StringIO())
    [row] = rows(out)
    assert row["name"] == "'" + HOSTILE
    assert row["lon"] == "-0.100000"  # a negative number is a value, not a formula
