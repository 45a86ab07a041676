"""`sendplan provision import-gias`: GIAS files with the real header, good and malformed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.provision.services import INDEPENDENT_FEE_DEFAULT
from tests.provision.gias_rows import (
    LAMBETH_FILE_ROWS,
    establishment,
    real_header,
    sen_columns,
    special_school,
    write_gias,
)

pytestmark = pytest.mark.django_db


def import_gias(path, *args: str) -> tuple[int, str, str]:
    """Run the command in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("provision", "import-gias", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def lambeth_file(tmp_path):
    return write_gias(tmp_path / "edubasealldata.csv", LAMBETH_FILE_ROWS)


def strand(urn: int, kind: str) -> ProvisionStrand:
    return ProvisionStrand.objects.get(setting__urn=urn, kind=kind)


# Reading the file -------------------------------------------------------------------------


def test_windows_1252_file_keeps_accented_names(lambeth_file):
    status, out, _ = import_gias(lambeth_file, "--la", "208")
    assert status == 0
    assert "Windows-1252" in out
    assert Setting.objects.get(urn=100600).name == "St Thérèse's Primary School"


def test_utf8_file_with_byte_order_mark_imports_the_same(tmp_path):
    path = write_gias(tmp_path / "gias.csv", LAMBETH_FILE_ROWS, encoding="utf-8-sig")
    status, out, _ = import_gias(path, "--la", "208")
    assert status == 0
    assert "UTF-8" in out
    assert Setting.objects.get(urn=100600).name == "St Thérèse's Primary School"


def test_grid_reference_is_converted_to_wgs84(tmp_path):
    # Ordnance Survey's worked example: E 651409.903, N 313177.270 is 52.6576 N, 1.7179 E
    # (on OSGB36; WGS84 differs by about 100 m, well inside the tolerance).
    row = establishment(1, "Norfolk School", Easting="651409.903", Northing="313177.270")
    import_gias(write_gias(tmp_path / "gias.csv", [row]))
    setting = Setting.objects.get(urn=1)
    assert setting.latitude == pytest.approx(52.6576, abs=0.003)
    assert setting.longitude == pytest.approx(1.7179, abs=0.003)


def test_missing_grid_reference_leaves_setting_without_coordinates(tmp_path):
    row = establishment(1, "Unlocated School", Easting="", Northing="")
    assert import_gias(write_gias(tmp_path / "gias.csv", [row]))[0] == 0
    assert Setting.objects.get(urn=1).latitude is None


# What the register gets -------------------------------------------------------------------


def test_special_school_gets_one_strand_with_its_needs_capacity_and_default_funding(lambeth_file):
    import_gias(lambeth_file, "--la", "208")
    turney = Setting.objects.get(urn=100643)
    assert turney.kind == Setting.Kind.SPECIAL
    assert (turney.min_age, turney.max_age, turney.la_code, turney.in_area) == (5, 19, "208", True)
    place = strand(100643, ProvisionStrand.Kind.SPECIAL_SCHOOL)
    assert (place.capacity, place.on_roll, place.vacancies) == (120, 112, 8)
    assert place.need_codes == ["ASD", "SLCN"]
    assert (place.place_funding, place.cost_is_default) == (10_000, True)


def test_resourced_provision_and_sen_unit_become_two_unit_strands(lambeth_file):
    import_gias(lambeth_file, "--la", "208")
    assert Setting.objects.get(urn=100601).kind == Setting.Kind.RESOURCED
    resourced = strand(100601, ProvisionStrand.Kind.RESOURCED_PROVISION)
    unit = strand(100601, ProvisionStrand.Kind.SEN_UNIT)
    assert (resourced.capacity, resourced.on_roll) == (10, 10)
    assert (unit.capacity, unit.on_roll) == (8, 5)
    assert unit.need_codes == resourced.need_codes == ["HI", "SPLD"]
    assert {resourced.place_funding, unit.place_funding} == {6_000}


def test_mainstream_school_without_resourced_provision_has_no_strands(lambeth_file):
    import_gias(lambeth_file, "--la", "208")
    school = Setting.objects.get(urn=100602)
    assert school.kind == Setting.Kind.MAINSTREAM
    assert (school.school_capacity, school.pupils_on_roll) == (420, 401)
    assert not school.strands.exists()


def test_independent_special_school_without_capacity_is_estimated_from_its_roll(lambeth_file):
    import_gias(lambeth_file)
    place = strand(135000, ProvisionStrand.Kind.INDEPENDENT)
    assert Setting.objects.get(urn=135000).kind == Setting.Kind.INDEPENDENT
    assert (place.capacity, place.on_roll, place.capacity_is_estimate) == (40, 40, True)
    assert place.annual_fee == INDEPENDENT_FEE_DEFAULT
    assert place.need_codes == ["SEMH"]


def test_college_upper_age_is_capped_at_25(lambeth_file):
    import_gias(lambeth_file, "--la", "208")
    college = Setting.objects.get(urn=130400)
    assert (college.kind, college.min_age, college.max_age) == (Setting.Kind.POST16, 16, 25)


def test_closed_establishment_is_not_imported(lambeth_file):
    import_gias(lambeth_file)
    assert not Setting.objects.filter(urn=100603).exists()


def test_open_but_proposed_to_close_is_kept_with_its_closing_date(lambeth_file):
    import_gias(lambeth_file)
    closing = Setting.objects.get(urn=100604)
    assert closing.is_open
    assert "2026-08-31" in closing.source_note


def test_gias_sen_codes_match_whatever_their_case_and_besd_means_semh(tmp_path):
    needs = ["spld - Specific Learning Difficulty", "BESD - Behaviour, Emotional and Social"]
    row = special_school(1, "Old Record School", needs)
    import_gias(write_gias(tmp_path / "gias.csv", [row]))
    assert strand(1, ProvisionStrand.Kind.SPECIAL_SCHOOL).need_codes == ["SEMH", "SPLD"]


# Which establishments are kept ------------------------------------------------------------


def test_la_filter_keeps_only_that_area_and_marks_it_in_area(lambeth_file):
    status, out, _ = import_gias(lambeth_file, "--la", "208")
    assert status == 0
    assert not Setting.objects.filter(urn=135000).exists()
    assert set(Setting.objects.values_list("in_area", flat=True)) == {True}
    assert "1 in other areas" in out


@pytest.mark.parametrize("code", ["Lambeth", "e09000022", "208,999"])
def test_la_can_be_named_by_name_gss_code_or_a_list(lambeth_file, code):
    import_gias(lambeth_file, "--la", code)
    assert Setting.objects.count() == 7


def test_named_urn_from_another_area_is_kept_out_of_area(lambeth_file):
    import_gias(lambeth_file, "--la", "208", "--urn", "135000")
    assert Setting.objects.get(urn=135000).in_area is False
    assert Setting.objects.get(urn=100643).in_area is True


def test_urn_already_on_register_is_kept_up_to_date_outside_the_la_filter(lambeth_file, tmp_path):
    import_gias(lambeth_file, "--la", "208", "--urn", "135000")
    rows = [
        *LAMBETH_FILE_ROWS[:-2],
        special_school(135000, "Riverside Renamed", [], **{"LA (code)": "210"}),
    ]
    import_gias(write_gias(tmp_path / "later.csv", rows), "--la", "208")
    assert Setting.objects.get(urn=135000).name == "Riverside Renamed"


def test_setting_on_register_that_gias_lists_as_closed_is_marked_closed(lambeth_file, tmp_path):
    import_gias(lambeth_file)
    closed = {"EstablishmentStatus (code)": "2", "EstablishmentStatus (name)": "Closed"}
    rows = [establishment(100602, "Kennington Park Primary School", **closed)]
    status, out, _ = import_gias(write_gias(tmp_path / "later.csv", rows))
    assert status == 0
    assert Setting.objects.get(urn=100602).is_open is False
    assert "1 marked closed" in out


# Upsert -----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(lambeth_file):
    import_gias(lambeth_file)
    before = list(Setting.objects.order_by("urn").values())
    strands_before = list(ProvisionStrand.objects.order_by("pk").values())
    status, out, _ = import_gias(lambeth_file)
    assert status == 0
    assert "0 settings created, 0 updated, 8 unchanged" in out
    assert "0 provision strands created, 0 updated" in out
    assert list(Setting.objects.order_by("urn").values()) == before
    assert list(ProvisionStrand.objects.order_by("pk").values()) == strands_before


def test_new_capacity_and_needs_update_the_same_strand(lambeth_file, tmp_path):
    import_gias(lambeth_file)
    first = strand(100643, ProvisionStrand.Kind.SPECIAL_SCHOOL)
    rows = [special_school(100643, "Turney School", ["ASD - Autism"], SchoolCapacity="130")]
    status, out, _ = import_gias(write_gias(tmp_path / "later.csv", rows))
    again = strand(100643, ProvisionStrand.Kind.SPECIAL_SCHOOL)
    assert status == 0
    assert (again.pk, again.capacity, again.need_codes) == (first.pk, 130, ["ASD"])
    assert Setting.objects.get(urn=100643).lock == 2
    assert "1 updated" in out


def test_costs_the_la_entered_survive_a_reimport(lambeth_file):
    import_gias(lambeth_file)
    ProvisionStrand.objects.filter(setting__urn=100643).update(top_up=18_000, cost_is_default=False)
    import_gias(lambeth_file)
    place = strand(100643, ProvisionStrand.Kind.SPECIAL_SCHOOL)
    assert (place.place_funding, place.top_up) == (10_000, 18_000)


def test_import_runs_batched_queries_not_one_per_row(tmp_path):
    def queries(count: int) -> int:
        rows = [special_school(10_000 + n, f"School {n}", ["ASD - Autism"]) for n in range(count)]
        path = write_gias(tmp_path / f"gias{count}.csv", rows)
        with CaptureQueriesContext(connection) as context:
            assert import_gias(path)[0] == 0
        Setting.objects.all().delete()
        return len(context)

    # SQLite caps the parameters of one statement, so bulk writes go in batches of tens
    # of rows: the count grows by batches, never by rows.
    assert queries(5) <= 8
    assert queries(300) <= 30


# Refusing bad files -----------------------------------------------------------------------


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_written(tmp_path):
    rows = [
        *LAMBETH_FILE_ROWS,  # lines 2-10 are good
        establishment(1, "Bad Ages School", StatutoryLowAge="x"),  # line 11
        establishment(2, "", StatutoryHighAge="2"),  # line 12: two problems
        establishment(3, "Bad Grid School", Easting="abc", OpenDate="2024-09-01"),  # line 13
        establishment(100643, "Duplicate School"),  # line 14
        establishment(4, "Unknown Need School", **sen_columns(["XYZ - Unknown"])),  # line 15
        establishment(5, "Odd Unit School", **{"TypeOfResourcedProvision (name)": "Hut"}),
    ]
    path = write_gias(tmp_path / "bad.csv", rows)
    status, out, err = import_gias(path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:11: StatutoryLowAge: 'x' is not a whole number",
        f"{path}:12: EstablishmentName: is empty",
        f"{path}:12: StatutoryHighAge: 2 is below StatutoryLowAge 3",
        f"{path}:13: OpenDate: '2024-09-01' is not a date in the form dd-mm-yyyy",
        f"{path}:13: Easting: 'abc' is not a number",
        f"{path}:14: URN: 100643 is also on line 2",
        f"{path}:15: SEN1 (name): 'XYZ - Unknown' is not a GIAS SEN provision code "
        "(ASD, HI, MLD, MSI, OTH, PD, PMLD, SEMH, SLCN, SLD, SPLD, VI)",
        f"{path}:16: TypeOfResourcedProvision (name): 'Hut' is not a GIAS provision type",
    ]
    assert out == ""
    assert not Setting.objects.exists()


def test_missing_required_columns_are_each_listed_at_line_1(tmp_path):
    header = [c for c in real_header() if c not in {"URN", "Easting", "SEN1 (name)"}]
    path = write_gias(tmp_path / "cut.csv", [], header=header)
    status, _, err = import_gias(path)
    assert status == 1
    assert err.splitlines() == [
        f"{path}:1: URN: required column is missing",
        f"{path}:1: Easting: required column is missing",
        f"{path}:1: SEN1 (name): required column is missing",
    ]


def test_line_numbers_are_physical_lines_when_a_quoted_field_spans_two(tmp_path):
    rows = [
        establishment(1, "Two Line Street School", Street="Flat 1\nSchool Road"),  # lines 2-3
        establishment(2, "Bad School", StatutoryLowAge="five"),  # line 4
    ]
    path = write_gias(tmp_path / "gias.csv", rows)
    assert import_gias(path)[2] == f"{path}:4: StatutoryLowAge: 'five' is not a whole number\n"


def test_row_with_the_wrong_number_of_fields_is_a_problem(tmp_path):
    path = write_gias(tmp_path / "gias.csv", LAMBETH_FILE_ROWS[:1])
    with path.open("ab") as out:
        out.write(b'"1","208"\r\n')
    assert import_gias(path)[2] == f"{path}:3: row: has 2 fields, the header has 139\n"


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_at_their_line(tmp_path):
    path = write_gias(tmp_path / "gias.csv", LAMBETH_FILE_ROWS[:2])
    with path.open("ab") as out:
        out.write(b'"\x81"\r\n')
    status, _, err = import_gias(path)
    assert status == 1
    assert err == f"{path}:4: file: byte 0x81 is neither UTF-8 nor Windows-1252\n"


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert import_gias(path)[:1] == (1,)
    assert not Setting.objects.exists()


def test_closed_rows_are_not_checked_beyond_their_status(tmp_path):
    closed = {"EstablishmentStatus (code)": "2", "EstablishmentStatus (name)": "Closed"}
    row = establishment(1, "Long Gone School", StatutoryLowAge="", Easting="?", **closed)
    status, out, err = import_gias(write_gias(tmp_path / "gias.csv", [row]))
    assert (status, err) == (0, "")
    assert "1 not open" in out


def test_progress_bar_is_drawn_on_stderr_only_when_asked_or_on_a_terminal(lambeth_file, capsys):
    import_gias(lambeth_file)
    assert "Checking rows" not in capsys.readouterr().err  # pytest's stderr is not a terminal
    import_gias(lambeth_file, "--progress")
    assert "Checking rows" in capsys.readouterr().err


def test_la_code_that_matches_nothing_is_warned_about(lambeth_file):
    status, _, err = import_gias(lambeth_file, "--la", "208", "--la", "999")
    assert status == 0
    assert err == f"warning: --la 999 matches no open establishment in {lambeth_file}\n"
