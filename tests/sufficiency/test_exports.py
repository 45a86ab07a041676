"""Spreadsheet downloads never carry a formula from text someone typed."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from sendplan.sufficiency import services
from sendplan.sufficiency.exports import Table, safe_cell, to_csv, to_xlsx
from tests.sufficiency.conftest import finish_run

ATTACK = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+A1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_starts_a_formula_is_escaped(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Baseline", "ASD", "", 12, -5, -2.5, None])
def test_other_cells_are_unchanged(value):
    assert safe_cell(value) == value


def test_csv_and_excel_escape_text_and_keep_negative_numbers_as_numbers():
    table = Table("t", "T", ["name", "gap"], [[ATTACK, -12.5], ["-Minus", 3]])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ["'" + ATTACK, "-12.5"]
    assert rows[2][0] == "'-Minus"
    sheet = load_workbook(io.BytesIO(to_xlsx([table])))["t"]
    assert sheet["A2"].value == "'" + ATTACK
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -12.5


def test_a_scenario_named_like_a_formula_downloads_as_text(cast, demand):
    services.scenario_save(
        user=cast.la_colleague, data={"name": ATTACK, "special_places": 10, "start_year": 2027}
    )
    finish_run(demand, cast.la_colleague)
    client = cast.client_for(cast.la_colleague)
    text = client.get("/sufficiency/download/scenarios.csv").content.decode("utf-8-sig")
    names = {row["scenario"] for row in csv.DictReader(io.StringIO(text))}
    assert names == {"Baseline (no change)", "'" + ATTACK}
    book = load_workbook(io.BytesIO(client.get("/sufficiency/download/all.xlsx").content))
    cells = [row[0] for row in book["scenarios"].iter_rows(min_row=2, values_only=True)]
    assert "'" + ATTACK in cells
    assert ATTACK not in cells
