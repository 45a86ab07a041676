"""Great-circle geometry shared by the planning engine.

Distances are haversine kilometres on a sphere of radius 6371.0088 km (the IUGG mean Earth
radius), the figure the placement contract fixes so every tool agrees to the metre.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km between points given in WGS84 degrees (broadcasts).

    Examples
    --------
    >>> float(np.round(haversine_km(51.5, -0.1, 51.5, -0.1), 3))
    0.0
    >>> float(np.round(haversine_km(0.0, 0.0, 0.0, 1.0), 3))
    111.195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    # Rounding can push h a hair above 1 for antipodal points.
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))), dtype=float)


def unit_xyz(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Points on the unit sphere, shape (n, 3), for spatial indexes.

    The straight-line (chord) distance between two such points is a monotone function of the
    great-circle distance, so a k-d tree over them finds great-circle neighbours.

    Examples
    --------
    >>> unit_xyz([0.0], [90.0]).round(6).tolist()
    [[0.0, 1.0, 0.0]]
    """
    la, lo = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    cl = np.cos(la)
    return np.column_stack((cl * np.cos(lo), cl * np.sin(lo), np.sin(la)))


def chord_for_km(km: float) -> float:
    """Chord length on the unit sphere for a great-circle distance in km.

    Examples
    --------
    >>> round(chord_for_km(0.0), 12)
    0.0
    """
    theta = min(km / EARTH_RADIUS_KM, np.pi)
    return float(2 * np.sin(theta / 2))
