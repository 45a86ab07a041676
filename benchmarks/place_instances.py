"""Seeded synthetic placement instances for ``bench_place.py``.

Homes and settings cluster around towns whose sizes follow a heavy-tailed law; the area grows
with the square root of the number of learners (30 km square for 5,000 learners), centred on
the English Midlands. Settings mix the six kinds of the contract with realistic designations,
age ranges and costs; total places are about 96 % of learners. ``max_km`` is chosen so that a
learner has on average ``candidates`` eligible settings within reach.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from sendplan.engine import NEED_CODES as NEEDS

# Rough shares of primary need among EHC plans in England (SEN2 2025, rounded).
NEED_SHARE = (0.03, 0.07, 0.06, 0.01, 0.16, 0.20, 0.015, 0.007, 0.003, 0.025, 0.32, 0.01, 0.04)
KM_PER_DEG = 111.195
LAT0, LON0 = 52.5, -1.5


@dataclass(frozen=True)
class Instance:
    """Learners and settings as plain arrays (needs as bit masks, -1 = ALL)."""

    l_need: np.ndarray
    l_age: np.ndarray
    l_lat: np.ndarray
    l_lon: np.ndarray
    s_lat: np.ndarray
    s_lon: np.ndarray
    s_min_age: np.ndarray
    s_max_age: np.ndarray
    s_needs: np.ndarray
    s_places: np.ndarray
    s_cost: np.ndarray
    s_kind: np.ndarray
    max_km: float


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _six(x: np.ndarray) -> np.ndarray:
    return np.char.mod("%.6f", x).astype(float)


def _need_mask(rng: np.random.Generator, pool: list[int], lo: int, hi: int, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    counts = rng.integers(lo, hi + 1, size=n)
    for i in range(n):  # generator only; n = number of settings of one kind
        for code in rng.choice(pool, size=min(counts[i], len(pool)), replace=False):
            out[i] |= 1 << int(code)
    return out


def generate(
    n_learners: int,
    n_settings: int,
    *,
    seed: int = 1,
    candidates: int = 30,
    homes: str = "continuous",
) -> Instance:
    """Build one instance; the same arguments always give the same instance.

    ``homes="continuous"`` leaves every home at its own point. ``homes="lsoa"`` moves each home
    to the nearest real LSOA centroid in England, as learner records store them (LSOA or
    postcode, never the address); everything else is drawn identically, only the homes and
    therefore ``max_km`` change.
    """
    rng = np.random.default_rng(seed)
    side = 30.0 * math.sqrt(n_learners / 5000)
    n_towns = max(4, n_settings // 12)
    town_xy = rng.uniform(0, side, size=(n_towns, 2))
    weight = rng.pareto(1.5, size=n_towns) + 1.0
    weight /= weight.sum()
    spread = 1.5 + 6.0 * np.sqrt(weight / weight.max())

    def place(n: int) -> tuple[np.ndarray, np.ndarray]:
        town = rng.choice(n_towns, size=n, p=weight)
        xy = town_xy[town] + rng.normal(size=(n, 2)) * spread[town, None]
        xy = np.clip(xy, 0, side)
        lat = LAT0 + (xy[:, 1] - side / 2) / KM_PER_DEG
        lon = LON0 + (xy[:, 0] - side / 2) / (KM_PER_DEG * math.cos(math.radians(LAT0)))
        # Exactly the values the CSV files will hold (6 decimals, about 0.1 m).
        return _six(lat), _six(lon)

    l_lat, l_lon = place(n_learners)
    if homes == "lsoa":
        l_lat, l_lon = _snap_to_lsoa(l_lat, l_lon)
    elif homes != "continuous":
        raise ValueError("homes must be 'continuous' or 'lsoa'")
    l_need = rng.choice(len(NEEDS), size=n_learners, p=np.array(NEED_SHARE) / sum(NEED_SHARE))
    age_w = np.array(
        [0.2] * 3 + [0.6, 0.9] + [1.0] * 6 + [1.1] * 5 + [0.8, 0.6, 0.35, 0.3] + [0.1] * 6
    )
    l_age = rng.choice(26, size=n_learners, p=age_w / age_w.sum())

    s_lat, s_lon = place(n_settings)
    kinds = np.array(["mainstream", "resourced", "special", "independent", "post16", "other"])
    kind = rng.choice(6, size=n_settings, p=[0.35, 0.2, 0.25, 0.1, 0.07, 0.03])
    code = {c: i for i, c in enumerate(NEEDS)}
    broad = [code[c] for c in ("SPLD", "MLD", "SLCN", "SEMH", "ASD", "PD", "HI", "VI", "OTH")]
    unit = [code[c] for c in ("ASD", "SLCN", "HI", "SEMH", "MLD", "PD", "VI")]
    complex_ = [code[c] for c in ("ASD", "SLD", "PMLD", "MLD", "SEMH", "MSI", "PD", "DS", "SLCN")]
    needs = np.zeros(n_settings, dtype=np.int64)
    lo_age = np.zeros(n_settings, dtype=np.int64)
    hi_age = np.zeros(n_settings, dtype=np.int64)
    cost = np.zeros(n_settings, dtype=np.int64)
    places = np.zeros(n_settings, dtype=np.float64)
    phase_ranges = np.array([[4, 11], [11, 16], [11, 18], [2, 19], [4, 19], [16, 25]])

    def fill(
        k: int,
        pool: list[int] | None,
        nlo: int,
        nhi: int,
        ranges: list[int],
        clo: int,
        chi: int,
        plo: int,
        phi: int,
    ) -> None:
        idx = np.flatnonzero(kind == k)
        needs[idx] = -1 if pool is None else _need_mask(rng, pool, nlo, nhi, idx.size)
        r = phase_ranges[rng.choice(ranges, size=idx.size)]
        lo_age[idx], hi_age[idx] = r[:, 0], r[:, 1]
        cost[idx] = rng.integers(clo, chi + 1, size=idx.size) // 100 * 100
        places[idx] = rng.uniform(plo, phi, size=idx.size)

    fill(0, broad, 4, 8, [0, 1, 2], 6_000, 12_000, 2, 10)
    fill(1, unit, 1, 2, [0, 1], 12_000, 22_000, 4, 12)
    fill(2, complex_, 2, 6, [3, 4, 0, 2], 25_000, 45_000, 10, 40)
    fill(3, complex_, 1, 3, [3, 2, 4], 50_000, 90_000, 5, 30)
    indep_all = np.flatnonzero(kind == 3)
    needs[indep_all[rng.random(indep_all.size) < 0.5]] = -1
    fill(4, None, 0, 0, [5], 15_000, 30_000, 10, 40)
    fill(5, [code["SEMH"], code["ASD"], code["OTH"]], 1, 2, [0, 1], 18_000, 25_000, 4, 12)
    # Scale places so their total is about 96 % of learners, as whole numbers.
    target = round(0.96 * n_learners)
    share = places / places.sum()
    s_places = rng.multinomial(target, share).astype(np.int64)

    max_km = _radius_for(
        candidates, rng, l_lat, l_lon, l_need, l_age, s_lat, s_lon, needs, lo_age, hi_age
    )
    return Instance(
        l_need.astype(np.int64),
        l_age.astype(np.int64),
        l_lat,
        l_lon,
        s_lat,
        s_lon,
        lo_age,
        hi_age,
        needs,
        s_places,
        cost,
        kinds[kind],
        max_km,
    )


# The real public data beside the repository (SENDPLAN_SHARED_DATA overrides, as in settings).
SHARED_DATA = Path(
    os.environ.get("SENDPLAN_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
LSOA_CENTROIDS = SHARED_DATA / "geo-lsoa-msoa-centroids" / "lsoa_latlong_england.csv.gz"


def _snap_to_lsoa(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each point moved to the nearest of England's 34,789 LSOA (2011) centroids."""
    import gzip

    with gzip.open(LSOA_CENTROIDS, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    c_lat = _six(np.array([float(r["latitude"]) for r in rows]))
    c_lon = _six(np.array([float(r["longitude"]) for r in rows]))
    _, nearest = cKDTree(_xyz(c_lat, c_lon)).query(_xyz(lat, lon))
    return c_lat[nearest], c_lon[nearest]


def _radius_for(
    target: int,
    rng: np.random.Generator,
    l_lat: np.ndarray,
    l_lon: np.ndarray,
    l_need: np.ndarray,
    l_age: np.ndarray,
    s_lat: np.ndarray,
    s_lon: np.ndarray,
    needs: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> float:
    """Radius (km, rounded to 0.1) where a sample of learners has ``target`` eligible on average."""
    sample = rng.choice(l_lat.size, size=min(2000, l_lat.size), replace=False)
    s_xyz = _xyz(s_lat, s_lon)
    l_xyz = _xyz(l_lat[sample], l_lon[sample])
    k = min(s_lat.size, 600)
    dist, idx = cKDTree(s_xyz).query(l_xyz, k=k)
    dist = 2 * 6371.0088 * np.arcsin(np.minimum(dist / 2, 1.0))
    need_ok = ((needs[idx] >> l_need[sample, None]) & 1).astype(bool) | (needs[idx] == -1)
    age = l_age[sample, None]
    ok = need_ok & (lo[idx] <= age) & (age <= hi[idx])
    lo_r, hi_r = 0.5, float(dist.max())
    for _ in range(40):
        mid = (lo_r + hi_r) / 2
        if (ok & (dist <= mid)).sum(axis=1).mean() < target:
            lo_r = mid
        else:
            hi_r = mid
    return round(hi_r, 1)


def write_csv(inst: Instance, folder: Path) -> tuple[Path, Path]:
    """Write LEARNERS.csv and SETTINGS.csv in the contract's format."""
    folder.mkdir(parents=True, exist_ok=True)
    lp, sp = folder / "learners.csv", folder / "settings.csv"
    names = np.array(NEEDS)
    with lp.open("w", newline="", encoding="utf-8") as fh:
        fh.write("learner_id,need,age,lat,lon\n")
        ids = np.char.add("L", np.arange(inst.l_age.size).astype(str))
        rows = np.column_stack(
            (
                ids,
                names[inst.l_need],
                inst.l_age.astype(str),
                np.char.mod("%.6f", inst.l_lat),
                np.char.mod("%.6f", inst.l_lon),
            )
        )
        fh.write("\n".join(",".join(r) for r in rows.tolist()))
        fh.write("\n")
    with sp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "setting_id",
                "name",
                "lat",
                "lon",
                "min_age",
                "max_age",
                "needs",
                "places",
                "annual_cost",
                "kind",
            ]
        )
        for i in range(inst.s_lat.size):
            mask = int(inst.s_needs[i])
            needs = (
                "ALL" if mask == -1 else ";".join(n for b, n in enumerate(NEEDS) if mask >> b & 1)
            )
            w.writerow(
                [
                    f"S{i}",
                    f"Setting {i}",
                    f"{inst.s_lat[i]:.6f}",
                    f"{inst.s_lon[i]:.6f}",
                    int(inst.s_min_age[i]),
                    int(inst.s_max_age[i]),
                    needs,
                    int(inst.s_places[i]),
                    int(inst.s_cost[i]),
                    inst.s_kind[i],
                ]
            )
    return lp, sp
