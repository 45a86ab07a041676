"""Spreadsheet downloads never carry a formula from text someone typed."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from sendplan.web.spreadsheets import Table, safe_cell, to_csv, to_xlsx

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
