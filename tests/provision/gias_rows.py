"""Tiny GIAS edubasealldata files built on the real 139-column header from the shared data.

Rows are dicts of the columns that matter; every other column is left empty, as GIAS
leaves many. Grid references are real-looking OSGB36 points in and around Lambeth.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings

HEADER_FILE = "gias-reference/edubasealldata_header.csv"


def real_header() -> list[str]:
    text = (settings.SHARED_DATA_DIR / HEADER_FILE).read_text(encoding="utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


def establishment(urn: int, name: str, **columns: str) -> dict[str, str]:
    """An open Lambeth community primary school unless the columns say otherwise."""
    row = {
        "URN": str(urn),
        "LA (code)": "208",
        "LA (name)": "Lambeth",
        "GSSLACode (name)": "E09000022",
        "EstablishmentName": name,
        "TypeOfEstablishment (code)": "1",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (code)": "4",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (code)": "1",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-09-1990",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "3",
        "StatutoryHighAge": "11",
        "SchoolCapacity": "420",
        "NumberOfPupils": "401",
        "TypeOfResourcedProvision (name)": "Not applicable",
        "Street": "1 School Road",
        "Town": "London",
        "Postcode": "SE11 5AA",
        "Easting": "531000",
        "Northing": "177000",
        "OfstedRating (name)": "Good",
    }
    row.update(columns)
    return row


def special_school(urn: int, name: str, needs: list[str], **columns: str) -> dict[str, str]:
    row = establishment(
        urn,
        name,
        **{
            "TypeOfEstablishment (code)": "7",
            "TypeOfEstablishment (name)": "Community special school",
            "EstablishmentTypeGroup (code)": "5",
            "EstablishmentTypeGroup (name)": "Special schools",
            "PhaseOfEducation (name)": "Not applicable",
            "StatutoryLowAge": "5",
            "StatutoryHighAge": "19",
            "SchoolCapacity": "120",
            "NumberOfPupils": "112",
        },
    )
    row.update(sen_columns(needs))
    row.update(columns)
    return row


def sen_columns(needs: list[str]) -> dict[str, str]:
    return {f"SEN{n} (name)": value for n, value in enumerate(needs, start=1)}


def gias_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or real_header()
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, f"not GIAS columns: {unknown}"
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue()


def write_gias(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "cp1252",
    header: list[str] | None = None,
) -> Path:
    """Write rows under the real header; GIAS itself publishes Windows-1252."""
    path.write_bytes(gias_text(rows, header).encode(encoding))
    return path


LAMBETH_FILE_ROWS = [
    special_school(
        100643,
        "Turney Primary and Secondary Special School",
        ["ASD - Autistic Spectrum Disorder", "SLCN - Speech, language and Communication"],
        Easting="531460",
        Northing="173190",
    ),
    special_school(
        100650,
        "Elm Court School",
        ["MLD - Moderate Learning Difficulty", "ASD - Autistic Spectrum Disorder"],
        StatutoryLowAge="11",
        SchoolCapacity="150",
        NumberOfPupils="148",
        Easting="531700",
        Northing="172900",
    ),
    establishment(
        100600,
        "St Thérèse's Primary School",
        **{
            "TypeOfResourcedProvision (name)": "Resourced provision",
            "ResourcedProvisionCapacity": "12",
            "ResourcedProvisionOnRoll": "9",
        },
        **sen_columns(["SLCN - Speech, language and Communication"]),
    ),
    establishment(
        100601,
        "Brixton Hill Primary School",
        **{
            "TypeOfResourcedProvision (name)": "Resourced provision and SEN unit",
            "ResourcedProvisionCapacity": "10",
            "ResourcedProvisionOnRoll": "10",
            "SenUnitCapacity": "8",
            "SenUnitOnRoll": "5",
        },
        **sen_columns(["HI - Hearing Impairment", "SpLD - Specific Learning Difficulty"]),
    ),
    establishment(100602, "Kennington Park Primary School"),
    establishment(
        100603,
        "Closed Lane Primary School",
        **{"EstablishmentStatus (code)": "2", "EstablishmentStatus (name)": "Closed"},
        StatutoryLowAge="",
        CloseDate="31-08-2019",
    ),
    establishment(
        100604,
        "Closing Street Primary School",
        **{
            "EstablishmentStatus (code)": "3",
            "EstablishmentStatus (name)": "Open, but proposed to close",
        },
        CloseDate="31-08-2026",
    ),
    special_school(
        135000,
        "Riverside Independent Special School",
        ["SEMH - Social, Emotional and Mental Health"],
        **{
            "LA (code)": "210",
            "LA (name)": "Southwark",
            "GSSLACode (name)": "E09000028",
            "TypeOfEstablishment (code)": "10",
            "TypeOfEstablishment (name)": "Other independent special school",
            "SchoolCapacity": "",
            "NumberOfPupils": "40",
            "Easting": "533500",
            "Northing": "176500",
        },
    ),
    establishment(
        130400,
        "Lambeth College",
        **{
            "TypeOfEstablishment (code)": "18",
            "TypeOfEstablishment (name)": "Further education",
            "StatutoryLowAge": "16",
            "StatutoryHighAge": "99",
            "SchoolCapacity": "",
            "NumberOfPupils": "",
        },
    ),
]
