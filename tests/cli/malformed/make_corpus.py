"""Write the malformed-file corpus (run from the repository root; the files are committed).

Each case is ``<command>/<name>.<ext>``; its ``<name>.expected`` beside it holds the lines the
command must print on stderr, ``{file}`` standing for the case's path (``{settings}`` for the
good SETTINGS.csv). Each expected line is read against its file and must be true of it; this
script only makes the inputs, several of which (UTF-16, NUL bytes, zips) are awkward to keep
as text, and the good companion files in ``good/``.

    .venv/bin/python tests/cli/malformed/make_corpus.py
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
GOOD = HERE / "good"

LEARNERS_HEADER = "learner_id,need,age,lat,lon,preferred_setting\n"
CANDIDATES_HEADER = (
    "candidate_id,name,lat,lon,min_age,max_age,needs,kind,block_places,max_blocks,"
    "capital_per_block,annual_cost\n"
)
STABLE_HEADER = "learner_id,need,age,lat,lon,current_setting,may_move\n"
SETTINGS_HEADER = "setting_id,name,lat,lon,min_age,max_age,needs,places,annual_cost,kind\n"
S1 = "S1,Oak Lodge,51.47,-0.12,5,19,ASD;SLD,10,30000,special\n"
GIAS_HEADER = [
    "URN", "LA (code)", "LA (name)", "EstablishmentName", "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)", "EstablishmentStatus (code)", "EstablishmentStatus (name)",
    "OpenDate", "CloseDate", "StatutoryLowAge", "StatutoryHighAge", "SchoolCapacity",
    "NumberOfPupils", "TypeOfResourcedProvision (name)", "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity", "SenUnitOnRoll", "SenUnitCapacity", "Easting", "Northing",
    "SEN1 (name)",
]  # fmt: skip


def gias_row(**values: str) -> dict[str, str]:
    row = {
        "URN": "100643", "LA (code)": "208", "LA (name)": "Lambeth",
        "EstablishmentName": "Turney School", "TypeOfEstablishment (code)": "7",
        "TypeOfEstablishment (name)": "Community special school",
        "EstablishmentStatus (code)": "1", "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-09-1990", "StatutoryLowAge": "5", "StatutoryHighAge": "19",
        "SchoolCapacity": "120", "NumberOfPupils": "112",
        "TypeOfResourcedProvision (name)": "Not applicable", "Easting": "531460",
        "Northing": "173190", "SEN1 (name)": "ASD - Autistic Spectrum Disorder",
    }  # fmt: skip
    row.update(values)
    return row


def gias(*rows: dict[str, str], header: list[str] = GIAS_HEADER) -> str:
    lines = [",".join(header)]
    lines += [",".join(f'"{row.get(c, "")}"' for c in header) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def main() -> None:
    good_learners = LEARNERS_HEADER + "L1,ASD,12,51.47,-0.12,S1\nL2,SLD,8,51.48,-0.11,\n"
    good_settings = SETTINGS_HEADER + S1
    good_candidates = CANDIDATES_HEADER + "C1,Elm base,51.47,-0.12,5,11,ASD,resourced,8,2,9e5,2e4\n"
    caseload = (GOOD / "caseload.csv").read_bytes()
    utf16 = "\ufeff".encode("utf-16-le")
    cases: dict[str, bytes | str] = {
        # sendplan place --learners (SETTINGS.csv is good/settings.csv)
        "place-learners/empty.csv": b"",
        "place-learners/only-blank-lines.csv": b"\r\n\r\n  \n",
        "place-learners/utf16-with-bom.csv": utf16 + good_learners.encode("utf-16-le"),
        "place-learners/utf16-without-bom.csv": good_learners.encode("utf-16-le"),
        "place-learners/utf32.csv": good_learners.encode("utf-32"),
        "place-learners/nul-byte.csv": (good_learners + "L3,ASD,9,51.4\x00,-0.1,\n").encode(),
        "place-learners/zip-archive.csv": zipped({"learners.csv": good_learners.encode()}),
        "place-learners/windows-1252.csv": (good_learners + "Zoë,ASD,9,51.4,-0.1,\n").encode(
            "cp1252"
        ),
        "place-learners/missing-columns.csv": "learner_id,need,years\nL1,ASD,12\n",
        "place-learners/duplicate-column.csv": "learner_id,need,age,age,lat,lon\n"
        "L1,ASD,12,13,51.4,-0.1\n",
        "place-learners/not-numbers.csv": LEARNERS_HEADER + "L1,ASD,twelve,north,inf,\n",
        "place-learners/age-out-of-range.csv": LEARNERS_HEADER
        + "L1,ASD,26,51.4,-0.1,\nL2,ASD,-1,51.4,-0.1,\nL3,ASD,12.5,51.4,-0.1,\n",
        "place-learners/coordinates-out-of-range.csv": LEARNERS_HEADER
        + "L1,ASD,12,91,-0.1,\nL2,ASD,12,51.4,-181,\nL3,ASD,12,nan,1e400,\n",
        "place-learners/bad-need-codes.csv": LEARNERS_HEADER
        + "L1,XYZ,12,51.4,-0.1,\nL2,ALL,12,51.4,-0.1,\nL3,,12,51.4,-0.1,\n",
        "place-learners/duplicate-and-missing-ids.csv": LEARNERS_HEADER
        + "L1,ASD,12,51.4,-0.1,\nL1,ASD,12,51.4,-0.1,\n,ASD,12,51.4,-0.1,\n",
        "place-learners/unknown-preferred-setting.csv": LEARNERS_HEADER
        + "L1,ASD,12,51.4,-0.1,S9\n",
        "place-learners/unknown-current-setting.csv": STABLE_HEADER
        + "L1,ASD,12,51.4,-0.1,S9,no\nL2,ASD,12,51.4,-0.1,s1,yes\nL3,ASD,12,51.4,-0.1,S1,\n",
        "place-learners/may-move-not-yes-or-no.csv": STABLE_HEADER
        + "L1,ASD,12,51.4,-0.1,S1,maybe\nL2,ASD,12,51.4,-0.1,S1,n\n"
        + "L3,ASD,12,51.4,-0.1,,true\nL4,ASD,12,51.4,-0.1,S1,NO\n",
        # Good S1 has 10 places: the eleventh learner who must stay has none (a mover and a
        # stayer of another need, beyond eligibility, do not change that).
        "place-learners/more-stayers-than-places.csv": STABLE_HEADER
        + "L0,ASD,12,51.4,-0.1,S1,yes\nLX,HI,3,51.4,-0.1,S1,no\n"
        + "".join(f"L{i},ASD,12,51.4,-0.1,S1,no\n" for i in range(1, 11)),
        "place-learners/unclosed-quote.csv": LEARNERS_HEADER
        + 'L1,ASD,12,51.4,-0.1,\n"L2,ASD,12,51.4,-0.1,\nL3,ASD,12,51.4,-0.1,\n',
        "place-learners/huge-field.csv": LEARNERS_HEADER + "L1,ASD,12,51.4,-0.1," + "x" * 140_000,
        "place-learners/binary.csv": bytes(range(256)) * 4,
        "place-learners/short-rows.csv": LEARNERS_HEADER + "L1,ASD\nL2,ASD,12,51.4\n",
        # sendplan place --settings (LEARNERS.csv is good/learners.csv)
        "place-settings/places-too-many.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,ASD,1e30,30000,special\n"
        + "S2,Elm,51.47,-0.12,5,19,ASD,1000001,30000,special\n",
        "place-settings/annual-cost-too-high.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,ASD,10,1e19,special\n"
        + "S2,Elm,51.47,-0.12,5,19,ASD,10,10000000.5,special\n",
        "place-settings/negative-places-and-cost.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,ASD,-1,-5,special\n",
        "place-settings/fractional-places.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,ASD,2.5,30000,special\n",
        "place-settings/cost-not-a-number.csv": SETTINGS_HEADER
        + 'S1,Oak,51.47,-0.12,5,19,ASD,10,"£30,000",special\n'
        + "S2,Elm,51.47,-0.12,5,19,ASD,10,inf,special\n",
        "place-settings/all-with-codes.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,ALL;ZZZ,10,30000,special\n"
        + "S2,Elm,51.47,-0.12,5,19,ASD;all,10,30000,special\n"
        + "S3,Ash,51.47,-0.12,5,19,ASD;all,10,30000,special\n",
        "place-settings/needs-missing-or-unknown.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,,10,30000,special\n"
        + "S2,Elm,51.47,-0.12,5,19,ASD;autism,10,30000,special\n"
        + "S3,Ash,51.47,-0.12,5,19,;,10,30000,special\n",
        "place-settings/unknown-kind.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,5,19,ASD,10,30000,Special\n",
        "place-settings/ages-reversed.csv": SETTINGS_HEADER
        + "S1,Oak,51.47,-0.12,16,11,ASD,10,30000,special\n",
        "place-settings/duplicate-setting-id.csv": SETTINGS_HEADER + S1 + S1,
        "place-settings/missing-columns.csv": "setting_id,name,lat,lon\nS1,Oak,51.47,-0.12\n",
        "place-settings/utf16-with-bom.csv": utf16 + (SETTINGS_HEADER + S1).encode("utf-16-le"),
        "place-settings/empty.csv": b"",
        "place-settings/nul-byte.csv": (
            SETTINGS_HEADER + "S1,Oak\x00,51.47,-0.12,5,19,ASD,10,1,special\n"
        ).encode(),
        "place-settings/duplicate-column.csv": SETTINGS_HEADER.rstrip("\n")
        + ",places\n"
        + S1.rstrip("\n")
        + ",99\n",
        # sendplan site --candidates (LEARNERS.csv and SETTINGS.csv are the good ones)
        "site-candidates/empty.csv": b"",
        "site-candidates/utf16-with-bom.csv": utf16 + good_candidates.encode("utf-16-le"),
        "site-candidates/missing-columns.csv": "candidate_id,name,lat,lon,needs\n"
        "C1,Elm base,51.47,-0.12,ASD\n",
        "site-candidates/ids-clash-or-repeat.csv": CANDIDATES_HEADER
        + "S1,Oak annexe,51.47,-0.12,5,19,ASD,special,8,1,900000,20000\n"
        + "C1,Elm base,51.47,-0.12,5,11,ASD,resourced,8,2,900000,20000\n"
        + "C1,Elm base,51.47,-0.12,5,11,ASD,resourced,8,2,900000,20000\n"
        + ",Ash base,51.47,-0.12,5,11,ASD,resourced,8,2,900000,20000\n",
        "site-candidates/blocks-not-whole-or-below-one.csv": CANDIDATES_HEADER
        + "C1,Elm,51.47,-0.12,5,11,ASD,resourced,0,2,900000,20000\n"
        + "C2,Ash,51.47,-0.12,5,11,ASD,resourced,8,1.5,900000,20000\n"
        + "C3,Yew,51.47,-0.12,5,11,ASD,resourced,eight,,900000,20000\n",
        "site-candidates/too-many-places.csv": CANDIDATES_HEADER
        + "C1,Elm,51.47,-0.12,5,11,ASD,special,1000,1001,900000,20000\n",
        "site-candidates/money-out-of-range.csv": CANDIDATES_HEADER
        + "C1,Elm,51.47,-0.12,5,11,ASD,resourced,8,2,-5,1e19\n"
        + "C2,Ash,51.47,-0.12,5,11,ASD,resourced,8,2,1e12,-1\n"
        + "C3,Yew,51.47,-0.12,5,11,ASD,resourced,8,2,£900k,nan\n",
        "site-candidates/bad-needs-kind-ages-place.csv": CANDIDATES_HEADER
        + "C1,Elm,95,-0.12,16,11,XYZ,School,8,2,900000,20000\n"
        + "C2,Ash,51.47,-200,5,26,,special,8,2,900000,20000\n",
        # sendplan forecast --caseload
        "forecast-caseload/empty.csv": b"",
        "forecast-caseload/zeros.zip": bytes(4096),
        "forecast-caseload/truncated.zip": _half(zipped({"data/caseload.csv": caseload})),
        "forecast-caseload/corrupt-member.zip": _corrupt(zipped({"data/caseload.csv": caseload})),
        "forecast-caseload/no-caseload-member.zip": zipped({"data/requests.csv": b"a\n1\n"}),
        "forecast-caseload/utf16-member.zip": zipped(
            {"data/caseload.csv": utf16 + caseload.decode().encode("utf-16-le")}
        ),
        "forecast-caseload/utf16-with-bom.csv": utf16 + caseload.decode().encode("utf-16-le"),
        "forecast-caseload/nul-byte.csv": caseload.replace(b"Lambeth", b"Lam\x00beth", 1),
        "forecast-caseload/not-a-release.csv": "hello,world\n1,2\n",
        "forecast-caseload/header-only.csv": caseload.splitlines(keepends=True)[0],
        "forecast-caseload/one-year.csv": b"".join(caseload.splitlines(keepends=True)[:2]),
        "forecast-caseload/bad-values.csv": _bad_caseload(caseload),
        "forecast-caseload/windows-1252.csv": caseload.replace(
            b"Lambeth", "Lambéth".encode("cp1252"), 1
        ),
        "forecast-caseload/unclosed-quote.csv": caseload + b'"202526,Academic year\n',
        "forecast-caseload/count-too-large.csv": caseload.replace(
            b"All EHC plans,All EHC plans,3061", b"All EHC plans,All EHC plans,99999999999"
        ),
        # sendplan forecast --population (CASELOAD is good/caseload.csv)
        "forecast-population/empty.csv": b"",
        "forecast-population/utf16-with-bom.csv": utf16
        + "AREA_CODE,AGE_GROUP,2025\nE09000022,5,100\n".encode("utf-16-le"),
        "forecast-population/nul-byte.csv": b"AREA_CODE,AGE_GROUP,2025\nE09000022,5,1\x000\n",
        "forecast-population/missing-columns.csv": "AREA,AGE\nE09000022,5\n",
        "forecast-population/bad-values.csv": "AREA_CODE,AGE_GROUP,2025,2026\n"
        "E09000022,5,-3,x\nE09000022,26,1,1\nE09000022,90+,1,1\nE99999999,5,1,1\n"
        "E09000022,6,,1e999\n",
        "forecast-population/short-row.csv": "AREA_CODE,AGE_GROUP,2025,2026\nE09000022,5,100\n",
        # sendplan provision import-gias
        "gias/empty.csv": b"",
        "gias/utf16-with-bom.csv": utf16 + gias(gias_row()).encode("utf-16-le"),
        "gias/utf16-without-bom.csv": gias(gias_row()).encode("utf-16-be"),
        "gias/utf32.csv": gias(gias_row()).encode("utf-32"),
        "gias/nul-in-name.csv": gias(
            gias_row(), gias_row(URN="100650", EstablishmentName="Elm\x00 Court")
        ).encode("cp1252"),
        "gias/zip-archive.csv": zipped({"edubasealldata.csv": gias(gias_row()).encode()}),
        "gias/undefined-byte.csv": gias(gias_row(EstablishmentName="Elm \x81 Court")).encode(
            "latin-1"
        ),
        "gias/missing-columns.csv": gias(
            gias_row(), header=[c for c in GIAS_HEADER if c not in {"URN", "Easting"}]
        ),
        "gias/wrong-field-count.csv": gias(gias_row()) + '"100650","208"\r\n',
        "gias/good-rows-then-bad.csv": gias(
            gias_row(), gias_row(URN="100650", EstablishmentName="Elm Court"), gias_row(URN="12x")
        ),
        "gias/duplicate-urn.csv": gias(gias_row(), gias_row(EstablishmentName="Twin")),
        "gias/bad-dates-and-grid.csv": gias(
            gias_row(OpenDate="2024-09-01", CloseDate="31-02-2030", Easting="9e99", Northing="")
        ),
        "gias/urn-out-of-range.csv": gias(gias_row(URN="1000000000"), gias_row(URN="-5")),
        "gias/unknown-codes.csv": gias(
            gias_row(
                **{
                    "SEN1 (name)": "XYZ - Unknown",
                    "EstablishmentStatus (name)": "Shut",
                    "EstablishmentStatus (code)": "",
                }
            )
        ),
        "gias/name-too-long.csv": gias(gias_row(EstablishmentName="N" * 201)),
        "gias/unclosed-quote.csv": gias(gias_row()) + '"100650,"208\r\n',
        "gias/ages-reversed.csv": gias(gias_row(StatutoryLowAge="16", StatutoryHighAge="11")),
        "gias/huge-capacity.csv": gias(
            gias_row(SchoolCapacity="1e6", NumberOfPupils="100000000000")
        ),
    }
    cases.update(sen2_cases((GOOD / "sen2.xml").read_text(encoding="utf-8"), zipped))
    for name, content in cases.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    (GOOD / "learners.csv").write_text(good_learners, encoding="utf-8")
    (GOOD / "settings.csv").write_text(good_settings, encoding="utf-8")
    (GOOD / "candidates.csv").write_text(good_candidates, encoding="utf-8")


def sen2_cases(good: str, zipped: Callable[[dict[str, bytes]], bytes]) -> dict[str, bytes | str]:
    """``sendplan sen2 validate``: files that are not XML, and returns with broken items
    (each made from good/sen2.xml, the example of reference/sen2.md)."""

    def edit(*pairs: tuple[str, str]) -> str:
        text = good
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new, 1)
        return text

    return {
        "sen2/empty.xml": b"",
        "sen2/truncated.xml": good[: len(good) // 2],
        "sen2/not-xml.xml": "Surname,Forename\nExample,Ada\n",
        "sen2/zip-archive.xml": zipped({"sen2.xml": good.encode()}),
        "sen2/utf16.xml": good.encode("utf-16"),
        "sen2/entity-expansion.xml": '<?xml version="1.0"?>\n<!DOCTYPE Message [\n'
        '<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        "<Message>&b;</Message>\n",
        "sen2/wrong-root.xml": "<Return><Header/></Return>\n",
        "sen2/structure.xml": edit(
            ("<Sex>F</Sex>\n      <Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WBRI</Ethnicity>\n      <Sex>F</Sex>"),
            ("      <PostCode>OX1 1AA</PostCode>\n", ""),
            ("<RYA>0</RYA>", "<RYA>0</RYA>\n        <Colour>blue</Colour>"),
            ("<SENunitIndicator>0</SENunitIndicator>", "<SENUnitIndicator>0</SENUnitIndicator>"),
            ("<PB>0</PB>", "<PB>0</PB>\n            <PB>1</PB>"),
        ),
        "sen2/codes-and-identifiers.xml": edit(
            ("<Sex>F</Sex>", "<Sex>U</Sex>"),
            ("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WHITE</Ethnicity>"),
            ("<UPN>J931200116123</UPN>", "<UPN>A931200116123</UPN>\n      "
             "<UniqueLearnerNumber>1000000042</UniqueLearnerNumber>"),
            ("<RequestSource>2</RequestSource>", "<RequestSource>7</RequestSource>"),
            ("<RYA>0</RYA>", "<RYA>no</RYA>"),
            ("<URN>123456</URN>", "<URN>12345</URN>"),
            ("<SENtype>SLCN</SENtype>", "<SENtype>AUT</SENtype>"),
        ),
        "sen2/conditional-items.xml": edit(
            ("<RequestOutcomeDate>2025-03-20</RequestOutcomeDate>\n", ""),
            ("<AssessmentOutcomeDate>2025-06-20</AssessmentOutcomeDate>",
             "<AssessmentOutcomeDate>2025-06-31</AssessmentOutcomeDate>"),
            ("<PB>0</PB>", "<PB>0</PB>\n            <CeaseDate>2025-12-01</CeaseDate>"),
            ("<SENtypeRank>2</SENtypeRank>", "<SENtypeRank>1</SENtypeRank>"),
            ("<EntryDate>2025-09-03</EntryDate>", "<EntryDate>2026-02-01</EntryDate>"),
        ),
    }  # fmt: skip


def _half(data: bytes) -> bytes:
    """A zip cut short, as an interrupted download leaves it: no central directory."""
    return data[: len(data) // 2]


def _corrupt(data: bytes) -> bytes:
    """A zip whose directory is whole but whose member's compressed bytes are damaged."""
    start = 30 + len("data/caseload.csv")  # after the member's local header
    return data[:start] + bytes(b ^ 0x5A for b in data[start : start + 40]) + data[start + 40 :]


def _bad_caseload(caseload: bytes) -> bytes:
    lines = caseload.decode().splitlines(keepends=True)
    fields = lines[1].split(",")
    fields[0] = "20x819"
    return (
        "".join([lines[0], ",".join(fields), *lines[2:]])
        .replace(",Local authority,", ",Local council,", 1)
        .encode()
    )


if __name__ == "__main__":
    main()
