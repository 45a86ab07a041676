"""Reading the flow tables (new plans, requests) of DfE releases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sendplan.cli.forecast_files import load_caseload
from sendplan.engine.forecast_data import ForecastInputError
from tests.engine.test_forecast_data import RELEASE_2022, RELEASE_2025, write_release

NEW_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,new_ehc_plans"
)
REQ_HEADER = NEW_HEADER.replace("new_ehc_plans", "requests_received_in_year")
_TOPICS = {"new": "New EHC plans", "req": "All requests for EHC needs assessments"}


def _flow_file(folder: Path, kind: str, values: dict[tuple[str, int], str]) -> Path:
    """newplans.csv or requests.csv with one row per (DfE code, calendar year) given."""
    header = NEW_HEADER if kind == "new" else REQ_HEADER
    topic = _TOPICS[kind]
    lines = [header]
    for (dfe, year), value in values.items():
        lines.append(
            f"{year},Calendar year,Local authority,E92000001,England,E12000007,London,"
            f"E0900000x,{dfe},Somewhere,{topic},{topic},{value}"
        )
    path = folder / ("newplans.csv" if kind == "new" else "requests.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_both_real_releases_give_new_plans_and_requests_2014_to_2024() -> None:
    history = load_caseload([RELEASE_2022, RELEASE_2025])
    flows = history.flows
    assert flows is not None
    assert flows.years.tolist() == list(range(2014, 2025))
    lambeth = [a.dfe_code for a in history.las].index("208")
    assert flows.new_plans[lambeth, -1] == 392  # newplans.csv, Lambeth 2024
    assert flows.requests[lambeth, -2] == 610  # requests.csv, Lambeth 2023
    # The 2022 release's sen2_mi.csv gives the years before 2019 (no requests before 2016).
    assert np.nansum(flows.new_plans[:, flows.years == 2017]) > 40_000
    assert np.isnan(flows.requests[:, flows.years == 2015]).all()
    # The 2025 release repeats Yorkshire and the Humber's 6,078 on 15 LAs' 2022 rows.
    implausible = [n for n in history.notes if "implausible" in n]
    assert len(implausible) == 15 and all("6078 new in 2022" in n for n in implausible)
    assert np.nanmax(flows.new_plans[:, flows.years == 2022]) < 6078


def test_flow_files_beside_a_caseload_csv_are_read_with_x_as_unknown(tmp_path: Path) -> None:
    caseload = write_release(tmp_path)
    _flow_file(tmp_path, "new", {("208", 2023): "300", ("210", 2023): "350"})
    _flow_file(tmp_path, "req", {("208", 2023): "400", ("210", 2023): "x"})
    history = load_caseload([caseload])
    flows = history.flows
    assert flows is not None
    assert flows.years.tolist() == [2023]
    lambeth, southwark, city = (
        [a.dfe_code for a in history.las].index(c) for c in ("208", "210", "201")
    )
    assert flows.new_plans[[lambeth, southwark], 0].tolist() == [300.0, 350.0]
    assert np.isnan(flows.new_plans[city, 0])
    assert flows.requests[lambeth, 0] == 400 and np.isnan(flows.requests[southwark, 0])


def test_a_bad_count_in_a_flow_table_is_refused_with_its_line(tmp_path: Path) -> None:
    caseload = write_release(tmp_path)
    _flow_file(tmp_path, "new", {("208", 2023): "300", ("210", 2023): "lots"})
    _flow_file(tmp_path, "req", {("208", 2023): "400"})
    with pytest.raises(ForecastInputError) as caught:
        load_caseload([caseload])
    assert f"{tmp_path / 'newplans.csv'}:3: new_ehc_plans: 'lots' is not a count" in str(
        caught.value
    )


def test_a_caseload_csv_alone_has_no_flows(tmp_path: Path) -> None:
    assert load_caseload([write_release(tmp_path)]).flows is None
