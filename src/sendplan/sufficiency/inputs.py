"""From the published files to one area's :class:`Demand`: the engine's forecast for the
area, split by need x phase, with the area's placement mix from the same release.

No Django here either: the service passes paths in and stores what comes out.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sendplan.cli.forecast_files import load_caseload, read_population
from sendplan.engine.codes import MAX_AGE, PHASE_KEYS, RELEASE_NEEDS, phase_for_age
from sendplan.engine.forecast import forecast_caseload
from sendplan.engine.forecast_data import AGE_BANDS, ForecastInputError
from sendplan.sufficiency.projection import PLACEMENT_KEYS, Band, Demand

#: Release files, newest first; the engine takes the latest where years overlap.
RELEASES = (
    "dfe-ehcp-sen2/education-health-and-care-plans_2025.zip",
    "dfe-ehcp-sen2/education-health-and-care-plans_2022.zip",
)
POPULATION = "ons-snpp-2022-lambeth/lambeth_snpp2022_persons_age0-25.csv"

#: caseload.csv setting columns -> the issue's placement types. The groups partition the
#: release's placements: mainstream, special and FE totals, AP, educated elsewhere,
#: non-maintained early years and not recorded.
PLACEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "mainstream": (
        "mainstream_la_maintained",
        "mainstream_academy",
        "mainstream_free_school",
        "mainstream_independent",
    ),
    "resourced": tuple(
        f"mainstream_{s}_{k}"
        for s in ("la_maintained", "academy", "free_school")
        for k in ("resourced_provision", "senunit")
    ),
    "special": ("special_la_maintained", "special_academy_free"),
    "independent": ("special_independent", "special_non_maintained"),
    "fe": ("general_fe_tertiary_colleges", "specialist_post_16_institutions", "ukrlp_provider"),
    "other": ("ap_pru_total", "ed_elsewhere", "nm_early_years", "placement_unknown"),
}
#: sen_needs_all_plans.csv "Type of placement" rows -> placement type (totals left out).
NEED_PLACEMENT_ROWS: dict[str, str] = {
    "Mainstream - LA maintained": "mainstream",
    "Mainstream - academy": "mainstream",
    "Mainstream - free school": "mainstream",
    "Mainstream - independent": "mainstream",
    "Mainstream - LA maintained (resourced provision)": "resourced",
    "Mainstream - academy (resourced provision)": "resourced",
    "Mainstream - free school (resourced provision)": "resourced",
    "Mainstream - LA maintained (SEN unit)": "resourced",
    "Mainstream - academy (SEN unit)": "resourced",
    "Mainstream - free school (SEN unit)": "resourced",
    "Special - LA maintained": "special",
    "Special - Academy/free schools": "special",
    "Special - independent": "independent",
    "Special - non-maintained": "independent",
    "FE - general FE and tertiary colleges": "fe",
    "FE - specialist post-16 institutions": "fe",
    "FE - UKRLP provider": "fe",
    "AP/PRU - total": "other",
    "Educated elsewhere - total": "other",
    "Non-maintained early years": "other",
    "Placement not recorded": "other",
}


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.size}


def describe_files(paths: list[Path]) -> list[InputFile]:
    """Each input's path, sha256 and size: what a run must record to be reproduced."""
    out = []
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        out.append(InputFile(str(path), digest.hexdigest(), path.stat().st_size))
    return out


def default_paths(data_dir: Path) -> tuple[list[Path], Path | None]:
    releases = [data_dir / r for r in RELEASES if (data_dir / r).exists()]
    population = data_dir / POPULATION
    return releases, population if population.exists() else None


def _age_phase(age_breakdown: str) -> str | None:
    """'under 3' / 'age 7' -> phase key; None for a breakdown that is not an age."""
    if age_breakdown == "under 3":
        return phase_for_age(0)
    if not age_breakdown.startswith("age "):
        return None
    age = int(age_breakdown[4:])
    return phase_for_age(age) if 0 <= age <= MAX_AGE else None


def _number(value: str | None) -> float:
    # "x" (suppressed) and "z" (not applicable) count as no learners in a share.
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _read_member(release: Path, member: str) -> pl.DataFrame:
    with zipfile.ZipFile(release) as archive:
        raw = archive.read(member).decode("utf-8-sig", errors="replace")
    return pl.read_csv(io.StringIO(raw), infer_schema_length=0, truncate_ragged_lines=True)


def placement_shares(
    release: Path, la_code: str, needs: tuple[str, ...]
) -> dict[tuple[str, str], dict[str, float]]:
    """Placement mix by need and phase at the release's latest year, for one LA.

    The release gives placement by age and placement by need, not all three together, so
    each (need, phase) mix multiplies the phase's mix by the need's relative to the area's
    (one step of iterative proportional fitting), then renormalises.
    """
    caseload = _read_member(release, "data/caseload.csv")
    rows = caseload.filter(
        (pl.col("new_la_code") == la_code) & (pl.col("geographic_level") == "Local authority")
    )
    if rows.is_empty():
        raise ForecastInputError(
            [f"{release}/data/caseload.csv:1: new_la_code: no rows for {la_code}"]
        )
    latest = rows["time_period"].max()
    rows = rows.filter(pl.col("time_period") == latest)
    by_phase = {f: dict.fromkeys(PLACEMENT_KEYS, 0.0) for f in PHASE_KEYS}
    overall = dict.fromkeys(PLACEMENT_KEYS, 0.0)
    for row in rows.iter_rows(named=True):
        counts = {
            p: sum(_number(row.get(c)) for c in cols) for p, cols in PLACEMENT_COLUMNS.items()
        }
        if row["breakdown_topic"] == "All EHC plans":
            overall = counts
        elif row["breakdown_topic"] == "Child or young persons age":
            phase = _age_phase(row["breakdown"])
            if phase:
                for p, v in counts.items():
                    by_phase[phase][p] += v
    need_table = _read_member(release, "data/sen_needs_all_plans.csv").filter(
        (pl.col("new_la_code") == la_code)
        & (pl.col("time_period") == latest)
        & (pl.col("breakdown_topic") == "Type of placement")
    )
    by_need = {n: dict.fromkeys(PLACEMENT_KEYS, 0.0) for n in needs}
    for row in need_table.iter_rows(named=True):
        group = NEED_PLACEMENT_ROWS.get(row["breakdown"])
        if group is None:
            continue
        for need in needs:
            column = "number_need_unknown" if need == "Unknown" else f"number_{need.lower()}"
            by_need[need][group] += _number(row.get(column))
    total = sum(overall.values()) or 1.0
    base = {p: overall[p] / total for p in PLACEMENT_KEYS}
    out: dict[tuple[str, str], dict[str, float]] = {}
    for need in needs:
        need_total = sum(by_need[need].values())
        for phase in PHASE_KEYS:
            phase_total = sum(by_phase[phase].values())
            mix = {}
            for p in PLACEMENT_KEYS:
                phase_share = by_phase[phase][p] / phase_total if phase_total else base[p]
                # A need with few plans keeps the phase's mix (prior weight 20 plans).
                need_share = (by_need[need][p] + 20 * base[p]) / (need_total + 20)
                mix[p] = phase_share * (need_share / base[p] if base[p] else 0.0)
            norm = sum(mix.values())
            out[(need, phase)] = {p: (v / norm if norm else base[p]) for p, v in mix.items()}
    return out


def _ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Fit a need x phase table to the engine's need and phase totals."""
    table = np.where(seed > 0, seed, 0.5)
    for _ in range(50):
        table *= (rows / np.maximum(table.sum(axis=1), 1e-12))[:, None]
        table *= (cols / np.maximum(table.sum(axis=0), 1e-12))[None, :]
    return table


def forecast_demand(
    *,
    releases: list[Path],
    population: Path | None,
    la_code: str,
    horizon: int,
    simulations: int,
    seed: int,
) -> Demand:
    """Run the engine and return ``la_code``'s forecast by need x phase x year.

    Need x phase cells are fitted (IPF) to the engine's need totals and phase totals, from
    the release's need-by-age table; each cell's 80 % band is its need's band in proportion.
    """
    history = load_caseload(releases)
    index = {a.code: i for i, a in enumerate(history.las)}
    if la_code not in index:
        raise ForecastInputError([f"{releases[0]}:1: new_la_code: {la_code} is not in the release"])
    pop = read_population(population, history) if population else None
    result = forecast_caseload(
        history=history, horizon=horizon, simulations=simulations, seed=seed, population=pop
    )
    la = index[la_code]
    rows = result.table.filter(pl.col("area_code") == la_code)
    years = tuple(sorted(int(y) for y in rows["census_year"].unique()))
    band = {
        (r["census_year"], r["age_band"], r["need"]): Band(
            float(r["ehcplans"]), float(r["lower80"]), float(r["upper80"])
        )
        for r in rows.iter_rows(named=True)
    }
    needs = tuple(n for n in RELEASE_NEEDS if (years[0], "All", n) in band)
    # The engine's age bands are the phases, in phase order.
    phase_bands = [band for band, _, _ in AGE_BANDS]
    if history.needs is not None:
        cells = np.nan_to_num(history.needs[la])  # (age cells, needs)
        seed_table = np.stack([cells[lo:hi].sum(axis=0) for _, lo, hi in AGE_BANDS], axis=1)
    else:
        seed_table = np.ones((len(RELEASE_NEEDS), len(AGE_BANDS)))
    need_rows = [RELEASE_NEEDS.index(n) for n in needs]
    plans: dict[tuple[str, str, int], Band] = {}
    for year in years:
        need_totals = np.array([band[(year, "All", n)].median for n in needs])
        phase_totals = np.array([band[(year, b, "All")].median for b in phase_bands])
        # The two margins are rounded separately by the engine; meet in the middle.
        phase_totals *= need_totals.sum() / max(phase_totals.sum(), 1e-9)
        table = _ipf(seed_table[need_rows].astype(float), need_totals, phase_totals)
        for i, need in enumerate(needs):
            nb = band[(year, "All", need)]
            lo = nb.lower / nb.median if nb.median else 1.0
            up = nb.upper / nb.median if nb.median else 1.0
            for j, phase in enumerate(PHASE_KEYS):
                m = float(table[i, j])
                plans[(need, phase, year)] = Band(m, m * lo, m * up)
    totals = history.totals[la]
    actuals = tuple(
        (int(y), float(t)) for y, t in zip(history.years, totals, strict=True) if not np.isnan(t)
    )
    return Demand(
        la_code=la_code,
        la_name=history.las[la].name,
        origin_year=int(history.years[-1]),
        actuals=actuals,
        years=years,
        total={y: band[(y, "All", "All")] for y in years},
        plans=plans,
        shares=placement_shares(releases[0], la_code, needs),
    )
