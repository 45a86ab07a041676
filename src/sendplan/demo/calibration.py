"""Lambeth's published January 2025 caseload, and a joint table of synthetic counts fitted to it.

The DfE release (SEN2, reporting year 2025) publishes three two-way tables for each local
authority: age x type of setting (``caseload.csv``), age x primary need and type of setting x
primary need (``sen_needs_all_plans.csv``). Iterative proportional fitting finds a three-way
table age x need x setting whose two-way margins match all three; an integer rounding that keeps
the age x setting cells and the need totals exact then gives whole learners.

Plain Python and numpy: no Django here, so the fitting can be tested on its own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow

from sendplan.engine import NEED_CODES, RELEASE_NEEDS

LA_NAME = "Lambeth"
LA_CODE = "E09000022"
TIME_PERIOD = "202425"
EXTRACT = Path("dfe-ehcp-sen2") / "lambeth_extract_2025"

#: Setting columns of ``caseload.csv`` that are single categories (not totals or percentages).
SETTING_COLUMNS: tuple[str, ...] = (
    "mainstream_la_maintained",
    "mainstream_la_maintained_resourced_provision",
    "mainstream_la_maintained_senunit",
    "mainstream_academy",
    "mainstream_academy_resourced_provision",
    "mainstream_academy_senunit",
    "mainstream_free_school",
    "mainstream_free_school_resourced_provision",
    "mainstream_free_school_senunit",
    "mainstream_independent",
    "special_la_maintained",
    "special_academy_free",
    "special_independent",
    "special_non_maintained",
    "ap_pru_academy",
    "ap_pru_free_school",
    "ap_pru_la_maintained",
    "general_fe_tertiary_colleges",
    "specialist_post_16_institutions",
    "ukrlp_provider",
    "elective_home_education",
    "other_arrangements_la",
    "other_arrangements_parents",
    "online_provider",
    "w_settings",
    "other_schools",
    "other_placement_settings",
    "neet",
    "neet_ntci",
    "neet_other",
    "neet_other_csa",
    "nm_early_years",
    "placement_unknown",
)

#: ``sen_needs_all_plans.csv`` names the same categories in words ("Type of placement" rows).
PLACEMENT_LABELS: dict[str, str] = {
    "Mainstream - LA maintained": "mainstream_la_maintained",
    "Mainstream - LA maintained (resourced provision)": (
        "mainstream_la_maintained_resourced_provision"
    ),
    "Mainstream - LA maintained (SEN unit)": "mainstream_la_maintained_senunit",
    "Mainstream - academy": "mainstream_academy",
    "Mainstream - academy (resourced provision)": "mainstream_academy_resourced_provision",
    "Mainstream - academy (SEN unit)": "mainstream_academy_senunit",
    "Mainstream - free school": "mainstream_free_school",
    "Mainstream - free school (resourced provision)": "mainstream_free_school_resourced_provision",
    "Mainstream - free school (SEN unit)": "mainstream_free_school_senunit",
    "Mainstream - independent": "mainstream_independent",
    "Special - LA maintained": "special_la_maintained",
    "Special - Academy/free schools": "special_academy_free",
    "Special - independent": "special_independent",
    "Special - non-maintained": "special_non_maintained",
    "AP/PRU - academy": "ap_pru_academy",
    "AP/PRU - free school": "ap_pru_free_school",
    "AP/PRU - LA maintained": "ap_pru_la_maintained",
    "FE - general FE and tertiary colleges": "general_fe_tertiary_colleges",
    "FE - specialist post-16 institutions": "specialist_post_16_institutions",
    "FE - UKRLP provider": "ukrlp_provider",
    "Educated elsewhere - elective home education": "elective_home_education",
    "Educated elsewhere - other arrangements by LA": "other_arrangements_la",
    "Educated elsewhere - other arrangements by parents": "other_arrangements_parents",
    "Educated elsewhere - online provider": "online_provider",
    "Educated elsewhere - Welsh settings": "w_settings",
    "Educated elsewhere - other school types": "other_schools",
    "Educated elsewhere - other placement settings": "other_placement_settings",
    "Educated elsewhere - NEET": "neet",
    "Educated elsewhere - not in education or training (notice to cease issued)": "neet_ntci",
    "Educated elsewhere - not in education or training (other)": "neet_other",
    "Educated elsewhere - not in education or training (compulsory school age)": ("neet_other_csa"),
    "Non-maintained early years": "nm_early_years",
    "Placement not recorded": "placement_unknown",
}

#: Need columns of ``sen_needs_all_plans.csv`` -> SEN2 codes, in SEN2 order. Down syndrome is
#: counted under OTH in the published figures (data guidance, footnote 1), so the cohort has no
#: DS primary need.
NEED_COLUMNS: dict[str, str] = {
    f"number_{code.lower()}": code for code in NEED_CODES if code in RELEASE_NEEDS
}


def _age_span(label: str) -> tuple[int, int]:
    """The (youngest, oldest) whole-years age a published age label stands for."""
    # The few under-3s are taken as 2-year-olds, the age nursery places start.
    if label == "under 3":
        return (2, 2)
    return (int(label.removeprefix("age ")), int(label.removeprefix("age ")))


@dataclass(frozen=True)
class Published:
    """The Lambeth tables, as arrays indexed by ``ages``, ``needs`` and ``settings``."""

    ages: tuple[str, ...]
    needs: tuple[str, ...]
    settings: tuple[str, ...]
    age_setting: np.ndarray  # (A, S)
    age_need: np.ndarray  # (A, N)
    need_setting: np.ndarray  # (N, S)
    male_by_need: np.ndarray  # (N,)
    total: int

    def age_span(self, age_index: int) -> tuple[int, int]:
        return _age_span(self.ages[age_index])


def _rows(path: Path, topic: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle)
            if row["time_period"] == TIME_PERIOD
            and row["new_la_code"] == LA_CODE
            and row["breakdown_topic"] == topic
        ]


def _int(value: str) -> int:
    # Suppressed ("x") or not applicable ("z") cells count as none.
    return int(value) if value.strip().isdigit() else 0


def read_published(data_dir: Path) -> Published:
    """Read Lambeth's January 2025 tables from the shared data folder."""
    folder = data_dir / EXTRACT
    caseload = folder / "caseload.csv"
    needs_file = folder / "sen_needs_all_plans.csv"
    age_rows = _rows(caseload, "Child or young persons age")
    ages = tuple(sorted((r["breakdown"] for r in age_rows), key=lambda a: _age_span(a)[0]))
    by_age = {r["breakdown"]: r for r in age_rows}
    age_setting_all = np.array(
        [[_int(by_age[a][c]) for c in SETTING_COLUMNS] for a in ages], dtype=float
    )
    keep = age_setting_all.sum(axis=0) > 0
    settings = tuple(c for c, k in zip(SETTING_COLUMNS, keep, strict=True) if k)
    age_setting = age_setting_all[:, keep]

    need_age_rows = {r["breakdown"]: r for r in _rows(needs_file, "Child or young persons age")}
    needs = tuple(NEED_COLUMNS.values())
    age_need = np.array(
        [[_int(need_age_rows[a][c]) for c in NEED_COLUMNS] for a in ages], dtype=float
    )
    place_rows = {
        PLACEMENT_LABELS[r["breakdown"]]: r
        for r in _rows(needs_file, "Type of placement")
        if r["breakdown"] in PLACEMENT_LABELS
    }
    zero = dict.fromkeys(NEED_COLUMNS, "0")
    need_setting = np.array(
        [[_int(place_rows.get(s, zero)[c]) for s in settings] for c in NEED_COLUMNS], dtype=float
    )
    sex_rows = {r["breakdown"]: r for r in _rows(needs_file, "Sex")}
    male_by_need = np.array([_int(sex_rows["Male"][c]) for c in NEED_COLUMNS], dtype=float)
    total = int(_int(_rows(caseload, "All EHC plans")[0]["ehcplans"]))
    return Published(
        ages=ages,
        needs=needs,
        settings=settings,
        age_setting=age_setting,
        age_need=age_need,
        need_setting=need_setting,
        male_by_need=male_by_need,
        total=total,
    )


def fit_joint(published: Published, *, iterations: int = 500, tol: float = 1e-9) -> np.ndarray:
    """Fit an age x need x setting table to the three published two-way tables (IPF).

    Cells are zero where any of the three tables is zero (no 3-year-olds in FE), and start
    equal elsewhere, so the fit is the maximum-entropy table with those margins.
    """
    p = published
    table = (
        (p.age_setting[:, None, :] > 0)
        & (p.age_need[:, :, None] > 0)
        & (p.need_setting[None, :, :] > 0)
    ).astype(float)

    def scale(current: np.ndarray, target: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(current > 0, target / current, 0.0)

    for _ in range(iterations):
        table *= scale(table.sum(axis=1), p.age_setting)[:, None, :]
        table *= scale(table.sum(axis=2), p.age_need)[:, :, None]
        table *= scale(table.sum(axis=0), p.need_setting)[None, :, :]
        gap = np.abs(table.sum(axis=1) - p.age_setting).max()
        if gap < tol:
            break
    # End on the age x setting margin, the one integer rounding keeps exact.
    table *= scale(table.sum(axis=1), p.age_setting)[:, None, :]
    return table


def integerise(table: np.ndarray, published: Published) -> np.ndarray:
    """Round the fitted table to whole learners, keeping two margins exact.

    Every age x setting cell keeps its published count and every need keeps its published
    total; within those, each cell moves as little as possible from the fitted value (a
    min-cost flow over convex piecewise-linear costs |rounded - fitted|), and cells the fit
    left at zero stay zero.
    """
    n_age, n_need, n_set = table.shape
    row_totals = published.age_setting.astype(int)
    need_totals = published.age_need.sum(axis=0).astype(int)
    flow = min_cost_flow.SimpleMinCostFlow()
    scale = 1000
    need_node0 = n_age * n_set
    arcs: list[tuple[int, int, int, int]] = []  # (arc, age, need, setting)
    for a in range(n_age):
        for s in range(n_set):
            row = a * n_set + s
            flow.set_node_supply(row, int(row_totals[a, s]))
            for n in range(n_need):
                x = table[a, n, s]
                if x <= 0:
                    continue
                low = int(np.floor(x))
                frac = x - low
                col = need_node0 + n
                # Below the floor each unit cuts the deviation by one; the next unit changes
                # it by 1 - 2*frac; units past the ceiling add one each.
                if low:
                    arcs.append(
                        (flow.add_arc_with_capacity_and_unit_cost(row, col, low, -scale), a, n, s)
                    )
                arcs.append(
                    (
                        flow.add_arc_with_capacity_and_unit_cost(
                            row, col, 1, int(round(scale * (1 - 2 * frac)))
                        ),
                        a,
                        n,
                        s,
                    )
                )
                arcs.append((flow.add_arc_with_capacity_and_unit_cost(row, col, 3, scale), a, n, s))
    for n in range(n_need):
        flow.set_node_supply(need_node0 + n, -int(need_totals[n]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise ValueError(f"could not round the fitted table to the published totals ({status})")
    counts = np.zeros((n_age, n_need, n_set), dtype=int)
    for arc, a, n, s in arcs:
        counts[a, n, s] += flow.flow(arc)
    return counts


def joint_counts(data_dir: Path) -> tuple[Published, np.ndarray]:
    """The published tables and the whole-learner age x need x setting table fitted to them."""
    published = read_published(data_dir)
    return published, integerise(fit_joint(published), published)
