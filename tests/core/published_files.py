"""A DfE release with a timeliness table, written into a test's own shared data folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sendplan.core.published import RELEASE, TIMELINESS_MEMBER

HEADER = (
    "extra,PC_plans_issued_20_weeks_ex,breakdown,geographic_level,new_la_code,la_name,"
    "country_name,time_period,pc_plans_issued_within_20_weeks,plans_issued_den"
)
ENGLAND_2023 = "a,50.3,All EHC plans issued,National,,,England,2023,49.1,100"
ENGLAND_2024 = "a,46.4,All EHC plans issued,National,,,England,2024,45.9,200"
LAMBETH_2024 = "a,87.2,All EHC plans issued,Local authority,E09000022,Lambeth,England,2024,83.9,x"
LAMBETH_BY_AGE = "a,10,By age,Local authority,E09000022,Lambeth,England,2025,10,5"


def write_release(data_dir: Path, *rows: str, header: str = HEADER) -> Path:
    """The release zip under ``data_dir`` with ``rows`` as its timeliness table."""
    path = data_dir / RELEASE
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(TIMELINESS_MEMBER, "\n".join((header, *rows)) + "\n")
    return path
