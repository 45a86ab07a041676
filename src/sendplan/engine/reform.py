"""The figures of a local SEND reform plan: where the growth in plans is met.

Pure arithmetic, no Django. From a projection's learners by placement type and January, the
growth since the first year is split into the part met in mainstream schools, in inclusion
bases (resourced provision and SEN units in mainstream schools, which the 2026 Schools White
Paper proposes to call inclusion bases), in specialist places (special and independent
schools) and elsewhere (further education, alternative provision).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Placement types (the forecast's ``PLACEMENT_KEYS``) in each group, in the order shown.
REFORM_GROUPS: Mapping[str, tuple[str, ...]] = {
    "mainstream": ("mainstream",),
    "inclusion_base": ("resourced",),
    "specialist": ("special", "independent"),
    "other": ("fe", "other"),
}
REFORM_LABELS: Mapping[str, str] = {
    "mainstream": "Mainstream schools",
    "inclusion_base": "Inclusion bases (resourced provision and SEN units)",
    "specialist": "Specialist places (special and independent schools)",
    "other": "Further education and other placements",
}


@dataclass(frozen=True)
class ReformYear:
    """One January: learners in each group, and the growth since the first year."""

    year: int
    learners: dict[str, float]
    growth: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.learners.values())

    @property
    def total_growth(self) -> float:
        return sum(self.growth.values())

    @property
    def inclusive_share(self) -> float | None:
        """The share of the growth met in mainstream schools and inclusion bases; None while
        there is no growth to share.

        >>> ReformYear(2027, {}, {"mainstream": 30.0, "inclusion_base": 10.0,
        ...                       "specialist": 50.0, "other": 10.0}).inclusive_share
        0.4
        """
        total = self.total_growth
        if abs(total) < 1e-9:
            return None
        return (self.growth.get("mainstream", 0.0) + self.growth.get("inclusion_base", 0.0)) / total


def reform_figures(
    placements: Mapping[tuple[str, int], float], years: Sequence[int]
) -> list[ReformYear]:
    """Learners by group in each of ``years`` (the first is the base) and the growth since it."""
    chosen = list(years)
    if not chosen:
        raise ValueError("years: at least one")
    known = {k for groups in REFORM_GROUPS.values() for k in groups}
    missing = [k for k in known for y in chosen if (k, y) not in placements]
    if missing:
        raise ValueError(f"placements: no figure for {missing[0]!r}")

    def grouped(year: int) -> dict[str, float]:
        return {g: sum(placements[(k, year)] for k in keys) for g, keys in REFORM_GROUPS.items()}

    base = grouped(chosen[0])
    out = []
    for year in chosen:
        now = grouped(year)
        out.append(ReformYear(year, now, {g: now[g] - base[g] for g in REFORM_GROUPS}))
    return out
