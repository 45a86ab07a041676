"""`sendplan provision export`: the register as SETTINGS.csv for `sendplan place`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from sendplan.engine import NEED_CODES
from sendplan.provision.export import COLUMNS
from sendplan.provision.models import ProvisionStrand, Setting
from tests.factories import SettingFactory, StrandFactory
from tests.provision.gias_rows import LAMBETH_FILE_ROWS, establishment, write_gias

pytestmark = pytest.mark.django_db


def export(out: Path, *args: str) -> tuple[int, list[dict[str, str]], str]:
    """Run the export in-process: (exit status, rows written, stderr)."""
    err = io.StringIO()
    try:
        call_command(
            "provision", "export", "--out", str(out), *args, stdout=io.StringIO(), stderr=err
        )
    except SystemExit as exit_:
        return int(exit_.code or 0), [], err.getvalue()
    with out.open(encoding="utf-8", newline="") as handle:
        return 0, list(csv.DictReader(handle)), err.getvalue()


def test_each_strand_is_one_row_with_its_vacancies_as_places_and_its_cost(tmp_path):
    setting = SettingFactory(urn=100643, name="Turney School", latitude=51.4425, longitude=-0.1)
    strand = StrandFactory(
        setting=setting, capacity=100, on_roll=90, place_funding=10_000, top_up=15_000,
        needs=["SLCN", "ASD"],
    )  # fmt: skip
    status, rows, _ = export(tmp_path / "SETTINGS.csv")
    assert status == 0
    assert rows == [
        {
            "setting_id": f"100643-{strand.pk}",
            "name": "Turney School",
            "lat": "51.442500",
            "lon": "-0.100000",
            "min_age": "4",
            "max_age": "19",
            "needs": "ASD;SLCN",
            "places": "10",
            "annual_cost": "25000",
            "kind": "special",
        }
    ]


def test_header_is_the_contract_columns_in_order(tmp_path):
    SettingFactory()
    export(tmp_path / "SETTINGS.csv")
    header = (tmp_path / "SETTINGS.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(COLUMNS)


def test_setting_without_urn_is_identified_by_its_primary_key(tmp_path):
    strand = StrandFactory(setting=SettingFactory(urn=None))
    _, rows, _ = export(tmp_path / "SETTINGS.csv")
    assert rows[0]["setting_id"] == f"s{strand.setting.pk}-{strand.pk}"


def test_full_or_overfull_strand_has_no_places(tmp_path):
    StrandFactory(capacity=10, on_roll=12)
    _, rows, _ = export(tmp_path / "SETTINGS.csv")
    assert rows[0]["places"] == "0"


def test_independent_place_costs_its_fee(tmp_path):
    setting = SettingFactory(kind=Setting.Kind.INDEPENDENT)
    StrandFactory(setting=setting, kind=ProvisionStrand.Kind.INDEPENDENT, annual_fee=72_000)
    _, rows, _ = export(tmp_path / "SETTINGS.csv")
    assert (rows[0]["annual_cost"], rows[0]["kind"]) == ("72000", "independent")


def test_mainstream_school_without_strands_is_one_row_for_all_needs(tmp_path):
    SettingFactory(
        urn=100602, kind=Setting.Kind.MAINSTREAM, min_age=3, max_age=11,
        school_capacity=420, pupils_on_roll=401,
    )  # fmt: skip
    _, rows, _ = export(
        tmp_path / "SETTINGS.csv", "--include-mainstream", "--mainstream-cost", "7000"
    )
    assert [(r["setting_id"], r["needs"], r["places"], r["annual_cost"]) for r in rows] == [
        ("100602-mainstream", "ALL", "19", "7000")
    ]


def test_mainstream_rows_are_left_out_unless_asked_for(tmp_path):
    SettingFactory(kind=Setting.Kind.MAINSTREAM, school_capacity=420, pupils_on_roll=401)
    _, rows, _ = export(tmp_path / "SETTINGS.csv")
    assert rows == []


def test_setting_without_coordinates_is_skipped_with_a_warning(tmp_path):
    StrandFactory(setting=SettingFactory(name="Nowhere School", urn=7, latitude=None))
    StrandFactory(setting=SettingFactory(name="Somewhere School"))
    status, rows, err = export(tmp_path / "SETTINGS.csv")
    assert status == 0
    assert [row["name"] for row in rows] == ["Somewhere School"]
    assert err == "warning: skipped Nowhere School (URN 7): no coordinates\n"


def test_strand_with_no_designated_needs_is_exported_for_all_needs_with_a_warning(tmp_path):
    StrandFactory(setting=SettingFactory(name="Undesignated School", urn=8), needs=[])
    # The factory designates ASD unless told otherwise; clear it to model GIAS's blanks.
    ProvisionStrand.objects.get().designations.all().delete()
    _, rows, err = export(tmp_path / "SETTINGS.csv")
    assert rows[0]["needs"] == "ALL"
    assert "Undesignated School (URN 8): Special school places has no designated needs" in err


def test_closed_settings_are_not_exported(tmp_path):
    StrandFactory(setting=SettingFactory(is_open=False))
    _, rows, _ = export(tmp_path / "SETTINGS.csv")
    assert rows == []


def test_missing_output_folder_is_a_usage_error_and_writes_nothing(tmp_path):
    StrandFactory()
    status, _, err = export(tmp_path / "no-such-folder" / "SETTINGS.csv")
    assert status == 2
    assert "is not a folder" in err
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_an_old_file_whole_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "SETTINGS.csv"
    out.write_text("old contents\n", encoding="utf-8")
    StrandFactory()
    export(out)
    assert out.read_text(encoding="utf-8").startswith("setting_id,")
    assert [path.name for path in tmp_path.iterdir()] == ["SETTINGS.csv"]


def test_gias_register_exports_rows_that_meet_the_settings_contract(tmp_path):
    call_command(
        "provision", "import-gias", str(write_gias(tmp_path / "g.csv", LAMBETH_FILE_ROWS)),
        stdout=io.StringIO(),
    )  # fmt: skip
    _, rows, _ = export(tmp_path / "SETTINGS.csv", "--include-mainstream")
    ids = [row["setting_id"] for row in rows]
    assert len(ids) == len(set(ids)) == 10
    for row in rows:
        needs = row["needs"].split(";")
        assert needs == ["ALL"] or set(needs) <= set(NEED_CODES)
        assert int(row["min_age"]) <= int(row["max_age"]) <= 25
        assert int(row["places"]) >= 0 and int(row["annual_cost"]) >= 0
        assert row["kind"] in Setting.Kind.values


# Through the real console script, on its own SQLite database ------------------------------


def sendplan(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("sendplan")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SENDPLAN_ENV": "test",
        "SENDPLAN_SHARED_DATA": str(django_settings.SHARED_DATA_DIR),
    }
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.slow
def test_console_script_imports_refuses_and_exports_with_the_contract_exit_codes(tmp_path):
    database = tmp_path / "register.sqlite3"
    assert sendplan("migrate", "-v", "0", database=database).returncode == 0
    good = write_gias(tmp_path / "good.csv", LAMBETH_FILE_ROWS)
    bad = write_gias(
        tmp_path / "bad.csv",
        [*LAMBETH_FILE_ROWS, establishment(1, "Bad School", StatutoryHighAge="old")],
    )

    refused = sendplan("provision", "import-gias", str(bad), database=database)
    assert refused.returncode == 1
    assert refused.stderr == f"{bad}:11: StatutoryHighAge: 'old' is not a whole number\n"

    first = sendplan("provision", "import-gias", str(good), "--la", "208", database=database)
    second = sendplan("provision", "import-gias", str(good), "--la", "208", database=database)
    assert (first.returncode, second.returncode) == (0, 0)
    assert "7 settings created" in first.stdout
    assert "0 settings created, 0 updated, 7 unchanged" in second.stdout

    out = tmp_path / "SETTINGS.csv"
    exported = sendplan(
        "provision", "export", "--out", str(out), "--include-mainstream", database=database
    )
    assert exported.returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 9

    usage = sendplan("provision", "import-gias", database=database)
    helped = sendplan("provision", "import-gias", "--help", database=database)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    assert helped.returncode == 0 and "FILE:LINE: column" in helped.stdout
