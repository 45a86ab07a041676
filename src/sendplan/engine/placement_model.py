"""The placement network: learner groups, candidate arcs and their costs.

Kept apart from the solver so explanations, what-if runs and the benchmark baseline can share
the same eligibility and cost rules. Everything here is vectorised; the only Python loop runs
over (need, age class) blocks, of which there are at most 13 x 27.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sendplan.engine.codes import NEED_CODES
from sendplan.engine.geo import EARTH_RADIUS_KM, chord_for_km, haversine_km, unit_xyz

#: A setting's designated needs are a bit mask over :data:`NEED_CODES`; this one is "ALL".
ALL_NEEDS = (1 << len(NEED_CODES)) - 1

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]

# A dense distance matrix per (need, age class) block avoids importing scipy, which pays on
# small instances; on big ones a k-d tree is faster for all but tiny blocks (region instance:
# 1.66 s dense up to 2M pairs, 0.43 s with k-d trees above 2,000).
_DENSE_PAIRS = 2_000_000
_BIG_INSTANCE_PAIRS = 100_000_000
_DENSE_PAIRS_BIG = 2_000


def round_pounds(x: npt.ArrayLike) -> IntArray:
    """Round to the nearest pound, halves upwards (``floor(x + 0.5)``).

    Examples
    --------
    >>> round_pounds([0.5, 1.5, 2.4999, 2.5]).tolist()
    [1, 2, 2, 3]
    """
    return np.floor(np.asarray(x, dtype=float) + 0.5).astype(np.int64)


def age_classes(min_age: IntArray, max_age: IntArray) -> IntArray:
    """Break points splitting ages 0-25 into classes that every setting treats alike.

    Eligibility by age only changes at some ``min_age`` or ``max_age + 1``, so two ages in the
    same class are eligible for exactly the same settings. ``np.searchsorted(breaks, age,
    side="right")`` gives the class of an age.

    Examples
    --------
    >>> age_classes(np.array([5, 11]), np.array([10, 18])).tolist()
    [5, 11, 19]
    """
    # Sorted distinct values without np.unique, which imports numpy.ma (8 ms of start-up).
    v = np.sort(np.concatenate((min_age, max_age + 1)))
    return v[np.r_[True, v[1:] != v[:-1]]] if v.size else v


@dataclass(frozen=True)
class Groups:
    """Learners that are identical for the model, merged into one supply node each.

    ``of_learner[i]`` is learner i's group; groups are sorted by (need, age class), so each
    block of equal (need, age class) is a contiguous range ``block_start[b]:block_start[b+1]``.
    ``members`` lists learners group by group (input order within a group), with group g's
    members at ``members[member_start[g]:member_start[g] + count[g]]``. ``current`` is the
    setting the group's learners attend now and may leave (-1 for none).
    """

    of_learner: IntArray
    count: IntArray
    need: IntArray
    age: IntArray
    lat: FloatArray
    lon: FloatArray
    preferred: IntArray
    members: IntArray
    member_start: IntArray
    block_start: IntArray
    current: IntArray | None = None

    def current_or_none(self) -> IntArray:
        if self.current is None:
            return np.full(self.count.size, -1, dtype=np.int64)
        return self.current


def make_groups(
    need: IntArray,
    age: IntArray,
    lat: FloatArray,
    lon: FloatArray,
    preferred: IntArray,
    breaks: IntArray,
    *,
    by_preference: bool,
    current: IntArray | None = None,
) -> Groups:
    """Merge learners with the same need, age class, home point and current setting (and
    preference if asked)."""
    n = need.size
    cur = np.full(n, -1, dtype=np.int64) if current is None else current.astype(np.int64)
    klass = np.searchsorted(breaks, age, side="right")
    block_key = need.astype(np.int64) * 64 + klass
    # + 0.0 turns -0.0 into 0.0 so the bit patterns of equal coordinates agree.
    lat_bits = (lat + 0.0).view(np.int64)
    lon_bits = (lon + 0.0).view(np.int64)
    pref = preferred if by_preference else np.zeros(n, dtype=np.int64)
    order = np.lexsort((np.arange(n), cur, pref, lon_bits, lat_bits, block_key))
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Groups(
            empty,
            empty,
            empty,
            empty,
            lat[:0],
            lon[:0],
            empty,
            empty,
            empty,
            np.zeros(1, dtype=np.int64),
            empty,
        )
    new = np.ones(n, dtype=bool)
    for key in (block_key, lat_bits, lon_bits, pref, cur):
        k = key[order]
        new[1:] &= k[1:] == k[:-1]
    new = ~new
    new[0] = True
    gid_sorted = np.cumsum(new) - 1
    of_learner = np.empty(n, dtype=np.int64)
    of_learner[order] = gid_sorted
    heads = order[new]
    member_start = np.flatnonzero(new)
    count = np.diff(np.append(member_start, n))
    bk = block_key[heads]
    block_start = np.flatnonzero(np.r_[True, bk[1:] != bk[:-1]])
    return Groups(
        of_learner=of_learner,
        count=count,
        need=need[heads].astype(np.int64),
        age=age[heads].astype(np.int64),
        lat=lat[heads],
        lon=lon[heads],
        preferred=preferred[heads].astype(np.int64) if by_preference else np.full(heads.size, -1),
        members=order,
        member_start=member_start,
        block_start=np.append(block_start, heads.size),
        current=cur[heads],
    )


@dataclass(frozen=True)
class Arcs:
    """Eligible (group, setting) pairs with their distance and rounded cost, sorted by group
    then setting. ``km`` is empty when :func:`build_arcs` was asked not to keep it."""

    group: IndexArray
    setting: IndexArray
    km: FloatArray
    cost: IntArray


def eligible_settings(
    need: int, age: int, setting_needs: IntArray, min_age: IntArray, max_age: IntArray
) -> npt.NDArray[np.bool_]:
    """Mask of settings designated for ``need`` (a code index) whose age range holds ``age``."""
    return ((setting_needs >> need) & 1).astype(bool) & (min_age <= age) & (age <= max_age)


def build_arcs(
    groups: Groups,
    *,
    setting_lat: FloatArray,
    setting_lon: FloatArray,
    setting_needs: IntArray,
    min_age: IntArray,
    max_age: IntArray,
    places: IntArray,
    annual_cost: FloatArray,
    cost_per_km: float,
    max_km: float,
    max_cost: int | None = None,
    keep_km: bool = True,
) -> Arcs:
    """All eligible arcs within ``max_km`` (cost < ``max_cost`` when given), grouped by group.

    Settings with no places are left out: they can never take a learner. Without ``keep_km``
    the distances are dropped once costed (at England scale they are 8 bytes an arc);
    :func:`arc_km` recomputes them, bit for bit, for the arcs that matter.
    """
    out_g: list[IndexArray] = []
    out_s: list[IndexArray] = []
    out_d: list[FloatArray] = []
    out_c: list[IntArray] = []
    open_ = places > 0
    m = setting_lat.size
    s_rad = _Points(setting_lat, setting_lon)
    g_rad = _Points(groups.lat, groups.lon)
    s_xyz: FloatArray | None = None
    bs = groups.block_start
    big = groups.count.size * int(open_.sum()) > _BIG_INSTANCE_PAIRS
    dense_pairs = _DENSE_PAIRS_BIG if big else _DENSE_PAIRS
    for b in range(bs.size - 1):
        lo, hi = int(bs[b]), int(bs[b + 1])
        mask = open_ & eligible_settings(
            int(groups.need[lo]), int(groups.age[lo]), setting_needs, min_age, max_age
        )
        cand = np.flatnonzero(mask)
        if cand.size == 0:
            continue
        if (hi - lo) * cand.size <= dense_pairs:
            d = haversine_km(
                groups.lat[lo:hi, None],
                groups.lon[lo:hi, None],
                setting_lat[None, cand],
                setting_lon[None, cand],
            )
            gi, si = np.nonzero(d <= max_km)
            d = d[gi, si]
            sj = cand[si]
        else:
            from scipy.spatial import cKDTree  # only large instances pay for the import

            if s_xyz is None:
                s_xyz = unit_xyz(setting_lat, setting_lon)
            g_xyz = unit_xyz(groups.lat[lo:hi], groups.lon[lo:hi])
            # A hair of slack on the chord; the exact haversine test below decides.
            radius = chord_for_km(max_km) * (1 + 1e-9) + 1e-12
            pairs = cKDTree(g_xyz).sparse_distance_matrix(
                cKDTree(s_xyz[cand]), radius, output_type="ndarray"
            )
            gi = pairs["i"].astype(np.int64)
            sj = cand[pairs["j"]]
            del pairs
            d = _pair_km(g_rad, gi + lo, s_rad, sj)
            keep = d <= max_km
            gi, sj, d = gi[keep], sj[keep], d[keep]
            # Same order as the dense path: by group, then setting.
            order = np.argsort(gi * m + sj)
            gi, sj, d = gi[order], sj[order], d[order]
        cost = round_pounds(annual_cost[sj] + cost_per_km * d)
        if max_cost is not None:
            keep = cost < max_cost
            gi, sj, d, cost = gi[keep], sj[keep], d[keep], cost[keep]
        out_g.append((gi + lo).astype(np.int32))
        out_s.append(sj.astype(np.int32))
        out_c.append(cost)
        if keep_km:
            out_d.append(d)
    if not out_g:
        e = np.zeros(0, dtype=np.int32)
        return Arcs(e, e, np.zeros(0), np.zeros(0, dtype=np.int64))
    km = np.concatenate(out_d) if keep_km else np.zeros(0)
    return Arcs(np.concatenate(out_g), np.concatenate(out_s), km, np.concatenate(out_c))


class _Points:
    """Latitudes and longitudes in radians with the cosine of latitude, for pair distances."""

    def __init__(self, lat: FloatArray, lon: FloatArray) -> None:
        self.lat = np.radians(lat)
        self.lon = np.radians(lon)
        self.cos = np.cos(self.lat)


def _pair_km(a: _Points, i: IntArray, b: _Points, j: IntArray) -> FloatArray:
    """Haversine km between points ``a[i]`` and ``b[j]``: the very operations of
    :func:`~sendplan.engine.geo.haversine_km` on precomputed radians, so the same bits."""
    dp = b.lat[j] - a.lat[i]
    dl = b.lon[j] - a.lon[i]
    h = np.sin(dp / 2) ** 2 + a.cos[i] * b.cos[j] * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))), dtype=float)


def arc_km(
    group_lat: FloatArray,
    group_lon: FloatArray,
    setting_lat: FloatArray,
    setting_lon: FloatArray,
    group: IntArray | IndexArray,
    setting: IntArray | IndexArray,
) -> FloatArray:
    """Distances of the given arcs, equal to the ones :func:`build_arcs` costed them with."""
    return _pair_km(
        _Points(group_lat, group_lon),
        np.asarray(group, dtype=np.int64),
        _Points(setting_lat, setting_lon),
        np.asarray(setting, dtype=np.int64),
    )


def _setting_salts(n: int) -> tuple[IntArray, IntArray]:
    """Two well-mixed 64-bit numbers per setting index (splitmix64 finalisers), without
    importing ``numpy.random`` (10 ms of start-up)."""
    out = []
    for seed in (0x9E3779B97F4A7C15, 0xD1B54A32D192ED03):
        with np.errstate(over="ignore"):
            x = (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(seed)).astype(np.uint64)
            x ^= x >> np.uint64(30)
            x *= np.uint64(0xBF58476D1CE4E5B9)
            x ^= x >> np.uint64(27)
            x *= np.uint64(0x94D049BB133111EB)
            x ^= x >> np.uint64(31)
        out.append(x.view(np.int64))
    return out[0], out[1]


def merge_same_arcs(groups: Groups, arcs: Arcs) -> tuple[Groups, Arcs]:
    """Merge groups at the same home point whose arcs go to exactly the same settings.

    Groups differ by need or age class, but when two of them at one home can reach the same
    settings they are interchangeable: their arcs have the same costs (same home, same
    setting), so one supply node serves both and the optimum is unchanged. With homes at
    shared points (postcode or LSOA centroids) this removes about a tenth of the nodes and
    arcs; with every home at its own point nothing merges and the input is returned as is.
    Members of a merged group keep input order. ``need``, ``age`` and ``block_start`` of the
    result describe each merged group's first group only: use them for nothing but arcs
    already built.
    """
    n_groups = groups.count.size
    if n_groups < 2 or arcs.group.size == 0:
        return groups, arcs
    lat_bits = (groups.lat + 0.0).view(np.int64)
    lon_bits = (groups.lon + 0.0).view(np.int64)
    by_home = np.lexsort((lon_bits, lat_bits))
    same_home = (lat_bits[by_home][1:] == lat_bits[by_home][:-1]) & (
        lon_bits[by_home][1:] == lon_bits[by_home][:-1]
    )
    if not same_home.any():
        return groups, arcs
    # A fingerprint of each group's setting list (sorted within the group): two random
    # 64-bit sums plus the number of arcs. Matches are then checked arc by arc, so a
    # collision can only cost a merge, never an error.
    start = np.searchsorted(arcs.group, np.arange(n_groups + 1))
    n_arcs = np.diff(start)
    keys = [lat_bits, lon_bits, n_arcs]
    has = n_arcs > 0
    for row in _setting_salts(int(arcs.setting.max()) + 1):
        total = np.zeros(n_groups, dtype=np.int64)
        total[has] = np.add.reduceat(row[arcs.setting], start[:-1][has])
        keys.append(total)
    order = np.lexsort(keys[::-1])
    first = np.ones(n_groups, dtype=bool)
    first[1:] = np.any([k[order][1:] != k[order][:-1] for k in keys], axis=0)
    rep_sorted = order[np.maximum.accumulate(np.where(first, np.arange(n_groups), 0))]
    rep = np.empty(n_groups, dtype=np.int64)
    rep[order] = rep_sorted
    # Check arc by arc; a group whose arcs differ from its representative's stays apart.
    cand = np.flatnonzero((rep != np.arange(n_groups)) & has)
    if cand.size:
        k = n_arcs[cand]
        offs = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
        mine = np.repeat(start[cand], k) + offs
        theirs = np.repeat(start[rep[cand]], k) + offs
        differs = (arcs.setting[mine] != arcs.setting[theirs]) | (
            arcs.cost[mine] != arcs.cost[theirs]
        )
        bad = np.add.reduceat(differs, np.cumsum(k) - k) > 0
        rep[cand[bad]] = cand[bad]
    keep = rep == np.arange(n_groups)
    if keep.all():
        return groups, arcs
    new_id = np.cumsum(keep) - 1
    node = new_id[rep]
    of_learner = node[groups.of_learner]
    members = np.lexsort((np.arange(of_learner.size), of_learner))
    count = np.bincount(of_learner, minlength=int(keep.sum()))
    member_start = np.concatenate(([0], np.cumsum(count)[:-1]))
    kept_arc = keep[arcs.group]
    merged = Groups(
        of_learner=of_learner,
        count=count,
        need=groups.need[keep],
        age=groups.age[keep],
        lat=groups.lat[keep],
        lon=groups.lon[keep],
        preferred=groups.preferred[keep],
        members=members,
        member_start=member_start,
        block_start=np.array([0, int(keep.sum())]),
        current=groups.current_or_none()[keep],
    )
    km = arcs.km[kept_arc] if arcs.km.size else arcs.km
    return merged, Arcs(
        new_id[arcs.group[kept_arc]].astype(arcs.group.dtype),
        arcs.setting[kept_arc],
        km,
        arcs.cost[kept_arc],
    )
