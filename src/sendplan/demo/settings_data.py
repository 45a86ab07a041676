"""The places of the demo partnership: Lambeth's schools and the provision around them.

Three kinds of entry, each labelled in ``Setting.source`` and ``source_note``:

* Lambeth's schools from the council's 2012 open-data list (real names and locations; the list
  is old, so some have since closed, merged or converted to academies);
* Lambeth's special schools and post-16 provision with designations and capacities from public
  web pages, not verified (``ESTIMATE``);
* neighbouring boroughs' special schools, out-of-area independent and non-maintained special
  schools, colleges, training providers and nurseries as invented, clearly labelled
  ``ILLUSTRATIVE`` entries (their names end "(illustrative)").

Resourced provision on real Lambeth schools and every cost figure are illustrative defaults too.
No Django here: the builder turns these specs into rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pyproj import Transformer

from sendplan.demo.setting_types import (
    ACADEMY,
    AP_ACADEMY,
    ESTIMATE,
    FE_COLLEGE,
    ILLUSTRATIVE,
    INDEPENDENT,
    INDEPENDENT_SCHOOL,
    LA_OPEN_DATA,
    MAINSTREAM,
    MAINTAINED,
    NURSERY,
    OTHER,
    POST16,
    PVI_EARLY_YEARS,
    RESOURCED,
    S_INDEPENDENT,
    S_MAINSTREAM,
    S_POST16,
    S_RP,
    S_SPECIAL,
    SPECIAL,
    SPECIAL_ACADEMY,
    SPECIAL_INDEPENDENT,
    SPECIAL_MAINTAINED,
    SPECIAL_NON_MAINTAINED,
    SPECIALIST_POST16,
    TRAINING_PROVIDER,
)
from sendplan.engine import NEED_CODES

SCHOOLS_FILE = Path("schools-single-la") / "lambeth_council_schools_2012.csv"
DEMO_NOTE = "Demo partnership: "

ALL_NEEDS = frozenset(NEED_CODES)


@dataclass
class StrandSpec:
    kind: str
    min_age: int
    max_age: int
    needs: frozenset[str]
    columns: frozenset[str]  # the SEN2 setting columns whose learners may be placed here
    place_funding: int = 0
    top_up: int = 0
    annual_fee: int | None = None
    capacity: int | None = None  # None: derived from the demo roll plus headroom
    fill_limit: float = 1.0  # share of a fixed capacity the demo fills, leaving vacancies
    note: str = ""

    @property
    def capacity_is_estimate(self) -> bool:
        return True


@dataclass
class SettingSpec:
    key: str
    name: str
    kind: str
    establishment_type: str
    phase: str
    min_age: int
    max_age: int
    latitude: float
    longitude: float
    la_code: str
    la_name: str
    in_area: bool
    source: str
    source_note: str
    street: str = ""
    town: str = ""
    postcode: str = ""
    urn: int | None = None
    strands: list[StrandSpec] = field(default_factory=list)


def _round500(value: float) -> int:
    return int(round(value / 500.0) * 500)


# ---------------------------------------------------------------- Lambeth's own schools


# Facts from public web pages (../shared/data/README.md), not verified: labelled estimates.
@dataclass(frozen=True)
class _Facts:
    ages: tuple[int, int]
    needs: tuple[str, ...]
    capacity: int
    note: str
    urn: int | None = None


_SPECIAL_FACTS: dict[str, _Facts] = {
    "Elm Court": _Facts(
        (11, 19),
        ("MLD", "SLCN", "ASD", "SLD"),
        150,
        "Capacity 150 (public web page, not verified); proposed increase to 210 from "
        "April 2026. Designations are a demo estimate.",
    ),
    "Livity": _Facts(
        (2, 11),
        ("SLD", "PMLD", "ASD", "SLCN", "PD", "MSI"),
        90,
        "Primary special school; roll about 90 in 2013 (public web page, not verified), "
        "used as capacity. Designations are a demo estimate.",
    ),
    "Turney": _Facts(
        (5, 19),
        ("ASD", "SLCN", "MLD"),
        120,
        "Autism, ages 5 to 19, federated with Lansdowne (public web pages, not verified). "
        "Capacity is a demo estimate.",
        urn=100643,
    ),
    "Lansdowne": _Facts(
        (11, 19),
        ("ASD", "MLD", "SLCN", "SEMH"),
        110,
        "Federated with Turney (public web pages, not verified). Ages, designations and "
        "capacity are demo estimates.",
    ),
    "Michael Tippett": _Facts(
        (11, 19),
        ("PMLD", "SLD", "ASD", "PD", "MSI"),
        100,
        "Complex needs (PMLD, SLD, ASD), ages 11 to 19 (public web pages, not verified). "
        "Capacity is a demo estimate.",
    ),
}

# Real schools given an illustrative resourced provision: (name in the 2012 file, needs).
_RESOURCED: dict[str, tuple[str, ...]] = {
    "Ashmole": ("ASD",),
    "Crown Lane": ("ASD",),
    "Hill Mead": ("SLCN", "ASD"),
    "Jessop": ("ASD",),
    "Kingswood": ("SLCN",),
    "Loughborough": ("ASD", "SLCN"),
    "Richard Atkins": ("HI", "SLCN"),
    "Sunnyhill": ("ASD", "SLCN"),
    "Walnut Tree Walk": ("PD", "MLD", "SEMH", "SPLD", "MSI", "OTH"),
    "Archbishop Tenison's C.E.": ("ASD", "SLCN"),
    "The Elmgreen": ("ASD", "SEMH"),
    "Durand Academy": ("ASD", "SLCN", "HI"),
    "Lambeth Academy": ("ASD", "SLCN", "HI", "SEMH", "MLD", "SPLD", "PD"),
}


def _display_name(name: str, notes: str) -> str:
    name = " ".join(name.split())
    if any(word in name for word in ("Academy", "Centre", "Campus", "School")):
        return name
    suffix = {"Primary School": "Primary School", "Nursery School": "Nursery School"}.get(
        notes, "School"
    )
    head, bracket, tail = name.partition(" (")
    if bracket and name.endswith(")"):
        return f"{head} {suffix} ({tail}"
    return f"{name} {suffix}"


def _lambeth_schools(data_dir: Path, rng: np.random.Generator) -> Iterator[SettingSpec]:
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    with (data_dir / SCHOOLS_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    base_note = "Lambeth Council open data, 2012 list (may since have closed, merged or converted)"
    for row in rows:
        raw = " ".join(row["Name"].split())
        notes = row["Notes"].strip()
        lon, lat = to_wgs84.transform(float(row["Easting"]), float(row["Northing"]))
        is_academy = row["ACADEMY"].strip().lower() == "yes"
        common = {
            "key": f"lambeth:{raw}",
            "name": _display_name(raw, notes),
            "latitude": round(lat, 6),
            "longitude": round(lon, 6),
            "la_code": "208",
            "la_name": "Lambeth",
            "in_area": True,
            "street": row["Address"].strip(),
            "town": "London",
            "postcode": row["Postcode"].strip(),
        }
        if notes == "Special School":
            facts = _SPECIAL_FACTS[raw]
            low, high = facts.ages
            yield SettingSpec(
                **common,  # type: ignore[arg-type]
                kind=SPECIAL,
                establishment_type=SPECIAL_MAINTAINED,
                phase="All-through" if low < 11 and high > 11 else "Secondary",
                min_age=low,
                max_age=high,
                source=ESTIMATE,
                source_note=f"{DEMO_NOTE}location from {base_note}. {facts.note}",
                urn=facts.urn,
                strands=[
                    StrandSpec(
                        kind=S_SPECIAL,
                        min_age=low,
                        max_age=high,
                        needs=frozenset(facts.needs),
                        columns=frozenset({"special_la_maintained"}),
                        place_funding=10_000,
                        top_up=_round500(rng.uniform(15_000, 30_000)),
                        capacity=facts.capacity,
                        fill_limit=0.95,
                        note="Top-up is a labelled default, not Lambeth's banding.",
                    )
                ],
            )
            continue
        if raw == "The Park Campus":
            # Listed as a secondary school in 2012; Lambeth's alternative provision.
            yield SettingSpec(
                **common,  # type: ignore[arg-type]
                kind=OTHER,
                establishment_type=AP_ACADEMY,
                phase="Not applicable",
                min_age=5,
                max_age=19,
                source=ESTIMATE,
                source_note=f"{DEMO_NOTE}{base_note}, listed there as a secondary school; "
                "treated as Lambeth's alternative provision (public web pages, not verified).",
                strands=[
                    StrandSpec(
                        kind=S_SPECIAL,
                        min_age=5,
                        max_age=19,
                        needs=ALL_NEEDS,
                        columns=frozenset(
                            {"ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"}
                        ),
                        place_funding=10_000,
                        top_up=_round500(rng.uniform(12_000, 18_000)),
                        note="Alternative provision places (no strand kind for AP yet).",
                    )
                ],
            )
            continue
        phase, low, high = {
            "Nursery School": ("Nursery", 2, 4),
            "Primary School": ("Primary", 3, 10),
            "Secondary School": ("Secondary", 11, 19),
        }[notes]
        main_columns = (
            {"mainstream_academy", "mainstream_free_school"}
            if is_academy
            else {"mainstream_la_maintained"}
        )
        strands = [
            StrandSpec(
                kind=S_MAINSTREAM,
                min_age=low,
                max_age=high,
                needs=ALL_NEEDS,
                columns=frozenset(main_columns),
                top_up=_round500(rng.uniform(6_000, 12_000)),
                note="Mainstream place with support: top-up is a labelled default.",
            )
        ]
        rp_needs = _RESOURCED.get(raw)
        if rp_needs:
            rp_columns = (
                {
                    "mainstream_academy_resourced_provision",
                    "mainstream_free_school_resourced_provision",
                }
                if is_academy
                else {"mainstream_la_maintained_resourced_provision"}
            )
            strands.append(
                StrandSpec(
                    kind=S_RP,
                    min_age=max(low, 4),
                    max_age=high,
                    needs=frozenset(rp_needs),
                    columns=frozenset(rp_columns),
                    place_funding=6_000,
                    top_up=_round500(rng.uniform(8_000, 14_000)),
                    note="Illustrative resourced provision: not a statement about this school.",
                )
            )
        if notes == "Nursery School":
            establishment_type = NURSERY
        else:
            establishment_type = ACADEMY if is_academy else MAINTAINED
        yield SettingSpec(
            **common,  # type: ignore[arg-type]
            kind=RESOURCED if rp_needs else MAINSTREAM,
            establishment_type=establishment_type,
            phase=phase,
            min_age=low,
            max_age=high,
            source=LA_OPEN_DATA,
            source_note=f"{DEMO_NOTE}{base_note}. Age range and academy status as in 2012.",
            strands=strands,
        )


# ------------------------------------------------------------ illustrative entries

# Invented entries: neighbouring boroughs' special schools, out-of-area independent and
# non-maintained special schools, colleges, training providers, independent mainstream schools
# and nurseries. One row each: name, type, borough, old LA code, location, ages, needs.
ILLUSTRATIVE_FILE = Path(__file__).with_name("illustrative_settings.csv")

_TYPE_SHAPE: dict[str, tuple[str, str, frozenset[str]]] = {
    # establishment type -> (setting kind, strand kind, SEN2 columns)
    SPECIAL_MAINTAINED: (SPECIAL, S_SPECIAL, frozenset({"special_la_maintained"})),
    SPECIAL_ACADEMY: (SPECIAL, S_SPECIAL, frozenset({"special_academy_free"})),
    SPECIAL_INDEPENDENT: (INDEPENDENT, S_INDEPENDENT, frozenset({"special_independent"})),
    SPECIAL_NON_MAINTAINED: (INDEPENDENT, S_INDEPENDENT, frozenset({"special_non_maintained"})),
    FE_COLLEGE: (POST16, S_POST16, frozenset({"general_fe_tertiary_colleges"})),
    SPECIALIST_POST16: (POST16, S_POST16, frozenset({"specialist_post_16_institutions"})),
    TRAINING_PROVIDER: (POST16, S_POST16, frozenset({"ukrlp_provider"})),
    INDEPENDENT_SCHOOL: (MAINSTREAM, S_MAINSTREAM, frozenset({"mainstream_independent"})),
    PVI_EARLY_YEARS: (MAINSTREAM, S_MAINSTREAM, frozenset({"nm_early_years"})),
}


def _cost(establishment_type: str, rng: np.random.Generator) -> dict[str, int | None]:
    """Labelled default costs, pounds per place a year."""
    if establishment_type in (SPECIAL_INDEPENDENT, SPECIAL_NON_MAINTAINED):
        return {"annual_fee": _round500(rng.uniform(45_000, 90_000))}
    if establishment_type == SPECIALIST_POST16:
        return {"annual_fee": _round500(rng.uniform(40_000, 65_000))}
    if establishment_type == INDEPENDENT_SCHOOL:
        return {"annual_fee": _round500(rng.uniform(18_000, 28_000))}
    if establishment_type in (SPECIAL_MAINTAINED, SPECIAL_ACADEMY):
        return {"place_funding": 10_000, "top_up": _round500(rng.uniform(18_000, 35_000))}
    if establishment_type == PVI_EARLY_YEARS:
        return {"top_up": _round500(rng.uniform(4_000, 8_000))}
    return {"place_funding": 6_000, "top_up": _round500(rng.uniform(3_000, 8_000))}


def _illustrative(rng: np.random.Generator) -> Iterator[SettingSpec]:
    with ILLUSTRATIVE_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        name, etype, borough, la_code = (
            row["name"],
            row["establishment_type"],
            row["borough"],
            row["la_code"],
        )
        lat, lon = float(row["latitude"]), float(row["longitude"])
        low, high, needs = int(row["min_age"]), int(row["max_age"]), row["needs"]
        kind, strand_kind, columns = _TYPE_SHAPE[etype]
        in_area = la_code == "208"
        fee_note = (
            "Illustrative fee within £45k–£90k a year."
            if etype in (SPECIAL_INDEPENDENT, SPECIAL_NON_MAINTAINED)
            else "Cost is a labelled default."
        )
        yield SettingSpec(
            key=f"illustrative:{name}",
            name=f"{name} (illustrative)",
            kind=kind,
            establishment_type=etype,
            phase="16 plus" if kind == POST16 else ("Nursery" if high <= 4 else "All-through"),
            min_age=low,
            max_age=high,
            latitude=lat,
            longitude=lon,
            la_code=la_code,
            la_name=borough,
            in_area=in_area,
            source=ILLUSTRATIVE,
            source_note=f"{DEMO_NOTE}invented entry for the demo, not a real setting; "
            f"placed in {borough}.",
            town=borough,
            strands=[
                StrandSpec(
                    kind=strand_kind,
                    min_age=low,
                    max_age=high,
                    needs=ALL_NEEDS if needs == "ALL" else frozenset(needs.split()),
                    columns=columns,
                    note=f"{fee_note} Capacity is the places available to Lambeth.",
                    **_cost(etype, rng),  # type: ignore[arg-type]
                )
            ],
        )


def _nido_volans(rng: np.random.Generator) -> SettingSpec:
    return SettingSpec(
        key="estimate:Nido Volans Lambeth",
        name="Nido Volans Lambeth",
        kind=POST16,
        establishment_type=SPECIALIST_POST16,
        phase="16 plus",
        min_age=16,
        max_age=25,
        latitude=51.4640,
        longitude=-0.1140,
        la_code="208",
        la_name="Lambeth",
        in_area=True,
        source=ESTIMATE,
        source_note=f"{DEMO_NOTE}specialist post-16/19 college provision up to 25 (public web "
        "pages, not verified); location approximate (Brixton).",
        town="London",
        strands=[
            StrandSpec(
                kind=S_POST16,
                min_age=16,
                max_age=25,
                needs=frozenset({"ASD", "SLD", "MLD", "SLCN", "PMLD", "SEMH"}),
                columns=frozenset({"specialist_post_16_institutions"}),
                place_funding=6_000,
                top_up=_round500(rng.uniform(18_000, 26_000)),
                note="Designations, capacity and cost are demo estimates.",
            )
        ],
    )


def _vanguard(rng: np.random.Generator) -> SettingSpec:
    return SettingSpec(
        key="estimate:NAS Vanguard School",
        name="NAS Vanguard School",
        kind=SPECIAL,
        establishment_type=SPECIAL_ACADEMY,
        phase="Secondary",
        min_age=11,
        max_age=19,
        latitude=51.4700,
        longitude=-0.1300,
        la_code="208",
        la_name="Lambeth",
        in_area=True,
        source=ESTIMATE,
        source_note=f"{DEMO_NOTE}free special school for autism, 78 places, ages 11 to 19 "
        "(public web pages, not verified); location approximate (not in the shared data).",
        town="London",
        strands=[
            StrandSpec(
                kind=S_SPECIAL,
                min_age=11,
                max_age=19,
                needs=frozenset({"ASD"}),
                columns=frozenset({"special_academy_free"}),
                place_funding=10_000,
                top_up=_round500(rng.uniform(18_000, 30_000)),
                capacity=78,
                fill_limit=0.95,
                note="Capacity 78 (public web page, not verified); top-up is a labelled default.",
            )
        ],
    )


def setting_specs(data_dir: Path, rng: np.random.Generator) -> list[SettingSpec]:
    """Every setting of the demo, in a fixed order (so a seed gives the same costs)."""
    return [
        *_lambeth_schools(data_dir, rng),
        _vanguard(rng),
        _nido_volans(rng),
        *_illustrative(rng),
    ]
