"""Builders for small placement problems used by the placement tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sendplan.engine.placement import ALL_NEEDS, NEED_CODES, PlacementProblem

KM_PER_DEG_LAT = 6371.0088 * np.pi / 180  # one degree of latitude in the contract's km


def needs_mask(codes: Sequence[str] | str) -> int:
    if codes == "ALL":
        return ALL_NEEDS
    return sum(1 << NEED_CODES.index(c) for c in codes)


def problem(
    learners: Sequence[tuple[str, int, float]],
    settings: Sequence[tuple[float, Sequence[str] | str, int, int, int, float]],
    preferred: Sequence[int] | None = None,
) -> PlacementProblem:
    """Learners as (need, age, km north of 52N 1W); settings as
    (km north, needs, min_age, max_age, places, annual_cost). All on one meridian, so the
    distance between two points is the difference of their km."""
    return PlacementProblem(
        need=np.array([NEED_CODES.index(n) for n, _, _ in learners], dtype=np.int64),
        age=np.array([a for _, a, _ in learners], dtype=np.int64),
        lat=np.array([52 + y / KM_PER_DEG_LAT for _, _, y in learners]),
        lon=np.full(len(learners), -1.0),
        setting_lat=np.array([52 + s[0] / KM_PER_DEG_LAT for s in settings]),
        setting_lon=np.full(len(settings), -1.0),
        min_age=np.array([s[2] for s in settings], dtype=np.int64),
        max_age=np.array([s[3] for s in settings], dtype=np.int64),
        needs=np.array([needs_mask(s[1]) for s in settings], dtype=np.int64),
        places=np.array([s[4] for s in settings], dtype=np.int64),
        annual_cost=np.array([s[5] for s in settings], dtype=float),
        preferred=None if preferred is None else np.array(preferred, dtype=np.int64),
    )
