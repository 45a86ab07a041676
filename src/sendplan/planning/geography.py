"""Wards and LSOAs from the ONS boundary files: which ward a home is in, and map outlines.

The files are read from ``settings.SHARED_DATA_DIR`` once per process. Everything is offline:
no tiles, no external requests.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings

BOUNDARY_DIR = "geo-lsoa-msoa-centroids"
WARDS_FILE = "lambeth_wards_boundaries.geojson"
LSOA_FILE = "lambeth_lsoa2021_boundaries.geojson"
LSOA_CENTROIDS_FILE = "lambeth_lsoa2021_centroids.csv"

Ring = np.ndarray  # (n, 2) array of lon, lat


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    rings: tuple[Ring, ...]  # outer rings and holes alike (even-odd rule)
    label_lat: float
    label_lon: float


def _rings(geometry: dict) -> list[Ring]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon]


def _read(path: Path, code_key: str, name_key: str) -> tuple[Area, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    areas = []
    for feature in data["features"]:
        props = feature["properties"]
        rings = tuple(_rings(feature["geometry"]))
        outer = rings[0]
        areas.append(
            Area(
                code=str(props[code_key]),
                name=str(props[name_key]),
                rings=rings,
                label_lat=float(props.get("LAT") or outer[:, 1].mean()),
                label_lon=float(props.get("LONG") or outer[:, 0].mean()),
            )
        )
    return tuple(sorted(areas, key=lambda a: a.name))


def _dir() -> Path:
    return Path(settings.SHARED_DATA_DIR) / BOUNDARY_DIR


@lru_cache(maxsize=4)
def _wards(folder: str) -> tuple[Area, ...]:
    path = Path(folder) / WARDS_FILE
    return _read(path, "WD25CD", "WD25NM") if path.exists() else ()


@lru_cache(maxsize=4)
def _lsoas(folder: str) -> tuple[Area, ...]:
    path = Path(folder) / LSOA_FILE
    return _read(path, "LSOA21CD", "LSOA21NM") if path.exists() else ()


def wards() -> tuple[Area, ...]:
    """The area's wards, by name (empty when the boundary file is missing)."""
    return _wards(str(_dir()))


def lsoas() -> tuple[Area, ...]:
    return _lsoas(str(_dir()))


def ward_by_code() -> dict[str, Area]:
    return {w.code: w for w in wards()}


def _inside(ring: Ring, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Ray casting for many points against one ring (points on an edge may go either way)."""
    x0, y0 = ring[:-1, 0][None, :], ring[:-1, 1][None, :]
    x1, y1 = ring[1:, 0][None, :], ring[1:, 1][None, :]
    px, py = lon[:, None], lat[:, None]
    crosses = (y0 > py) != (y1 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    hits = crosses & (px < x_at)
    return np.asarray(hits.sum(axis=1) % 2 == 1)


def ward_of(lat: np.ndarray, lon: np.ndarray) -> list[Area | None]:
    """The ward containing each point, or None outside every ward."""
    out: list[Area | None] = [None] * len(lat)
    if len(lat) == 0:
        return out
    points = np.column_stack((np.asarray(lon, float), np.asarray(lat, float)))
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    found: list[Area | None] = [None] * len(unique)
    left = np.arange(len(unique))
    for ward in wards():
        if left.size == 0:
            break
        inside = np.zeros(left.size, dtype=bool)
        for ring in ward.rings:
            inside ^= _inside(ring, unique[left, 0], unique[left, 1])
        for i in left[inside]:
            found[int(i)] = ward
        left = left[~inside]
    for i, j in enumerate(np.asarray(inverse).ravel()):
        out[i] = found[int(j)]
    return out


@lru_cache(maxsize=4)
def _lsoa_centroids(folder: str) -> dict[str, tuple[float, float]]:
    path = Path(folder) / LSOA_CENTROIDS_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["LSOA21CD"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def lsoa_centroids() -> dict[str, tuple[float, float]]:
    """Each LSOA's centroid as (lat, lon), by code (empty when the file is missing)."""
    return _lsoa_centroids(str(_dir()))


def ward_of_homes(lat: np.ndarray, lon: np.ndarray, lsoa_codes: list[str]) -> list[Area | None]:
    """The ward of each home, judged from its LSOA's centroid where the LSOA is known.

    Homes are recorded near their LSOA's centroid; a home a few metres over a ward edge
    (or the borough's) still belongs to its LSOA's ward.
    """
    centroids = _lsoa_centroids(str(_dir()))
    lat = np.array(lat, dtype=float)
    lon = np.array(lon, dtype=float)
    for i, code in enumerate(lsoa_codes):
        if code in centroids:
            lat[i], lon[i] = centroids[code]
    return ward_of(lat, lon)
