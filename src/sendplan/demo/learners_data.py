"""The synthetic cohort: one person for each count of the fitted Lambeth table.

Each learner gets an age, a primary need and a SEN2 setting column from the fitted table
(``calibration``), then a date of birth, sex, name, home, secondary needs and identifiers.

Ages follow the DfE's academic-year convention: the published "age 10" is taken as age 10 on
31 August 2024, the start of the academic year of the January 2025 census (an assumption: the
data guidance says "current age" without a date). Learners are generated as at the census date,
which is what the published counts describe.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sendplan.demo.calibration import Published
from sendplan.demo.people import draw_names
from sendplan.engine import nhs_check_digit, upn_check_letter

LSOA_FILE = Path("geo-lsoa-msoa-centroids") / "lambeth_lsoa2021_centroids.csv"
CENSUS_DATE = dt.date(2025, 1, 16)
LA_NUMBER = "208"

# Secondary needs that commonly go with each primary need, most likely first.
_SECONDARY: dict[str, tuple[str, ...]] = {
    "ASD": ("SLCN", "SEMH", "MLD", "SPLD"),
    "SLCN": ("ASD", "MLD", "SEMH"),
    "SEMH": ("SLCN", "ASD", "SPLD", "MLD"),
    "MLD": ("SLCN", "SPLD", "SEMH"),
    "SLD": ("ASD", "PD", "SLCN"),
    "PMLD": ("PD", "VI", "HI", "MSI"),
    "SPLD": ("SLCN", "SEMH"),
    "PD": ("MLD", "SLCN", "VI"),
    "HI": ("SLCN", "MLD"),
    "VI": ("PD", "MLD"),
    "MSI": ("PD", "SLCN"),
    "OTH": ("MLD", "SLCN", "PD"),
}


@dataclass
class SyntheticLearner:
    index: int
    age: int  # whole years on 31 August 2024
    column: str  # the SEN2 setting column (caseload.csv)
    needs: tuple[str, ...]  # ranked; needs[0] is the primary need
    sex: str = "U"
    date_of_birth: dt.date = CENSUS_DATE
    given_name: str = ""
    family_name: str = ""
    lsoa_code: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    nhs_number: str = ""
    uln: str = ""
    upn: str = ""
    plan_start: dt.date = CENSUS_DATE
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def primary_need(self) -> str:
        return self.needs[0]


def reference_date(as_at: dt.date) -> dt.date:
    """The 31 August that starts the academic year containing ``as_at``."""
    year = as_at.year if as_at.month >= 9 else as_at.year - 1
    return dt.date(year, 8, 31)


def _date_of_birth(age: int, reference: dt.date, rng: np.random.Generator) -> dt.date:
    # Aged ``age`` on ``reference``: born in the year up to and including that day.
    latest = reference.replace(year=reference.year - age)
    earliest = reference.replace(year=reference.year - age - 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=int(rng.integers(0, (latest - earliest).days + 1)))


def read_lsoas(data_dir: Path) -> list[tuple[str, float, float]]:
    with (data_dir / LSOA_FILE).open(encoding="utf-8-sig", newline="") as handle:
        return [
            (row["LSOA21CD"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        ]


def _nhs_numbers(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct valid NHS numbers in the 999 range, which is never issued to patients."""
    numbers: list[str] = []
    for body in rng.choice(1_000_000, size=min(1_000_000, int(count * 1.3) + 50), replace=False):
        first_nine = f"999{int(body):06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            numbers.append(f"{first_nine}{check}")
            if len(numbers) == count:
                return numbers
    raise ValueError("not enough NHS numbers in the test range")


def _uln(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        body = f"{int(rng.integers(1, 10))}{int(rng.integers(0, 10**8)):08d}"
        remainder = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if remainder == 0:
            continue
        uln = f"{body}{10 - remainder}"
        if uln not in taken:
            taken.add(uln)
            return uln


def make_upn(establishment: int, year_allocated: int, serial: int) -> str:
    """A UPN for LA 208: check letter, LA, establishment, two-digit year, serial.

    >>> make_upn(2001, 2019, 7)
    'Q208200119007'
    """
    body = f"{LA_NUMBER}{establishment:04d}{year_allocated % 100:02d}{serial:03d}"
    return f"{upn_check_letter(body)}{body}"


def assign_upns(
    learners: list[SyntheticLearner],
    establishment_of: dict[int, int],
    rng: np.random.Generator,
    reference: dt.date,
) -> None:
    """Give every learner aged 4 to 19 a UPN, as issued when they started school.

    ``establishment_of`` maps a learner's index to the DfE number of their Lambeth school;
    others get a number from a reserved block, as if issued by a school since closed.
    """
    serials: dict[tuple[int, int], int] = {}
    for learner in learners:
        if not 4 <= learner.age <= 19:
            continue
        establishment = establishment_of.get(learner.index) or int(rng.integers(2900, 3000))
        year = reference.year - (learner.age - 4)
        serial = serials.get((establishment, year), 0) + 1
        if serial > 999:  # move to the next reserved number rather than repeat a UPN
            establishment, serial = int(rng.integers(3000, 3100)), 1
        serials[(establishment, year)] = serial
        learner.upn = make_upn(establishment, year, serial)


_YEARS_WITH_PLAN = np.array([404, 647, 520, 596, 528, 321, 193, 78, 20, 6, 1, 1, 1], dtype=float)


def make_cohort(
    published: Published,
    counts: np.ndarray,
    *,
    rng: np.random.Generator,
    as_at: dt.date,
    lsoas: list[tuple[str, float, float]],
) -> list[SyntheticLearner]:
    """One synthetic learner per count of the fitted table, in a shuffled, seeded order."""
    reference = reference_date(as_at)
    drawn: list[tuple[int, str, str]] = []
    for a, n, s in zip(*np.nonzero(counts), strict=True):
        low, high = published.age_span(int(a))
        for _ in range(int(counts[a, n, s])):
            age = int(rng.integers(low, high + 1))
            drawn.append((age, published.needs[n], published.settings[s]))
    order = rng.permutation(len(drawn))
    learners = [
        SyntheticLearner(index=i, age=drawn[j][0], needs=(drawn[j][1],), column=drawn[j][2])
        for i, j in enumerate(order)
    ]
    # Sex: each need keeps its published number of boys and young men.
    for n, need in enumerate(published.needs):
        members = [x for x in learners if x.primary_need == need]
        males = min(int(published.male_by_need[n]), len(members))
        chosen = set(rng.choice(len(members), size=males, replace=False).tolist())
        for k, learner in enumerate(members):
            learner.sex = "M" if k in chosen else "F"
    given, family = draw_names(rng, [x.sex for x in learners])
    nhs = _nhs_numbers(len(learners), rng)
    ulns: set[str] = set()
    homes = rng.integers(0, len(lsoas), size=len(learners))
    jitter = rng.uniform(-1.0, 1.0, size=(len(learners), 2))
    years_share = _YEARS_WITH_PLAN / _YEARS_WITH_PLAN.sum()
    for k, learner in enumerate(learners):
        learner.given_name, learner.family_name = given[k], family[k]
        learner.date_of_birth = _date_of_birth(learner.age, reference, rng)
        code, lat, lon = lsoas[int(homes[k])]
        # About 200 m either way: near the area's centre, never on a real address.
        learner.lsoa_code = code
        learner.latitude = round(lat + 0.0018 * jitter[k, 0], 6)
        learner.longitude = round(lon + 0.0029 * jitter[k, 1], 6)
        learner.nhs_number = nhs[k]
        if learner.age >= 14:
            learner.uln = _uln(rng, ulns)
        learner.needs = learner.needs + _secondary_needs(learner.primary_need, rng)
        years = int(rng.choice(len(years_share), p=years_share))
        years = min(years, max(learner.age - 1, 0))
        start = as_at - dt.timedelta(days=int(365.25 * years + rng.integers(20, 340)))
        learner.plan_start = max(start, learner.date_of_birth + dt.timedelta(days=400))
    return learners


def _secondary_needs(primary: str, rng: np.random.Generator) -> tuple[str, ...]:
    options = _SECONDARY.get(primary, ())
    if not options or rng.random() >= 0.45:
        return ()
    how_many = 2 if rng.random() < 0.3 and len(options) > 1 else 1
    weights = np.array([0.5**i for i in range(len(options))])
    picked = rng.choice(len(options), size=how_many, replace=False, p=weights / weights.sum())
    return tuple(options[int(i)] for i in picked)
