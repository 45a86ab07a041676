"""A sufficiency run over a malformed release file fails with the file's problem, no crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendplan.core.tasks import run_claim
from sendplan.sufficiency.inputs import RELEASES
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.runs import forecast_run_execute, forecast_run_request

MALFORMED = Path(__file__).parents[1] / "cli" / "malformed" / "forecast-caseload"


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("truncated.zip", ":1: file: is not a readable zip archive (File is not a zip file)"),
        (
            "no-caseload-member.zip",
            ":1: -: no data/caseload.csv or data/sen2_age_caseload.csv in the zip",
        ),
        (
            "utf16-member.zip",
            "/data/caseload.csv:1: file: is UTF-16 text, not UTF-8; save it as CSV UTF-8",
        ),
        (
            "corrupt-member.zip",
            "/data/caseload.csv:1: file: cannot be unpacked (Error -3 while decompressing data: "
            "invalid block type)",
        ),
    ],
)
def test_a_run_over_a_malformed_release_fails_naming_the_file_and_line(
    db, tmp_path: Path, case: str, problem: str
) -> None:
    release = tmp_path / RELEASES[0]
    release.parent.mkdir(parents=True)
    release.write_bytes((MALFORMED / case).read_bytes())
    run = forecast_run_request(la_code="E09000022", requested_by=None, simulations=20, horizon=2)
    assert run_claim(run=run)
    run = forecast_run_execute(run, data_dir=tmp_path)
    assert run.status == ForecastRun.Status.FAILED
    assert run.message == f"{release}{problem}"
    assert run.outputs in (None, {})
