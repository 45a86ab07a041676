"""Wards from the ONS boundary file, and the map drawn from them."""

from __future__ import annotations

import numpy as np

from sendplan.core.charts import bar_chart
from sendplan.planning.charts import HomeMark, SettingMark, area_map
from sendplan.planning.geography import lsoas, ward_of, ward_of_homes, wards
from sendplan.web.spreadsheets import safe_cell


def test_lambeth_has_25_wards_and_181_lsoas():
    assert len(wards()) == 25
    assert len(lsoas()) == 181


def test_a_point_at_a_wards_centre_is_in_that_ward():
    ward = next(w for w in wards() if w.name == "Brixton Acre Lane")
    assert ward_of(np.array([ward.label_lat]), np.array([ward.label_lon]))[0] == ward


def test_a_point_far_outside_the_borough_is_in_no_ward():
    assert ward_of(np.array([53.0]), np.array([-2.0])) == [None]


def test_a_home_just_over_the_boundary_takes_its_lsoas_ward():
    lsoa = lsoas()[0]
    inside = ward_of_homes(np.array([53.0]), np.array([-2.0]), [lsoa.code])[0]
    assert inside is not None


def test_map_is_inline_svg_with_presentation_attributes_only():
    ward = wards()[0]
    svg = area_map(
        chart_id="m",
        title="Homes & settings",
        wards=wards(),
        lsoas=lsoas(),
        homes=[HomeMark(ward.label_lat, ward.label_lon, 4, 1, "<b>LSOA</b>")],
        settings=[SettingMark(ward.label_lat, ward.label_lon, 2, "Oak")],
    )
    assert svg.startswith("<svg") and "style=" not in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "&lt;b&gt;LSOA&lt;/b&gt;" in svg and "Homes &amp; settings" in svg
    assert 'stroke-dasharray="3 2"' in svg  # unplaced ring is dashed, not colour alone


def test_bar_chart_starts_from_zero_and_labels_values():
    svg = bar_chart(chart_id="b", title="t", rows=[("ASD", 4), ("SEMH", 2)])
    assert 'width="330.0"' in svg and 'width="165.0"' in svg
    assert ">4<" in svg and ">2<" in svg


def test_cells_starting_like_a_formula_are_escaped():
    assert [safe_cell(v) for v in ("=A1", "+1", "-1", "@x", "\tx", "ok", -1, None)] == [
        "'=A1", "'+1", "'-1", "'@x", "'\tx", "ok", -1, None,
    ]  # fmt: skip
