"""A scenario named like a formula downloads as text (the writer is sendplan.web.spreadsheets)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from sendplan.sufficiency import services
from tests.sufficiency.conftest import finish_run

ATTACK = '=HYPERLINK("http://evil.example","x")'


def test_a_scenario_named_like_a_formula_downloads_as_text(cast, demand):
    services.scenario_save(
        changed_by=cast.la_colleague,
        data={"name": ATTACK, "special_places": 10, "start_year": 2027},
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
