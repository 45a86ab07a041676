"""One area's demand: the caseload forecast split by need x phase, with its placement mix.

The forecast gives each LA's plans by need and, separately, by age band (the phases); a
commissioner plans by need *and* phase, and by the kind of place. This module fits the
need x phase table to both margins (iterative proportional fitting from the latest need-by-age
year), and takes the area's placement mix by need and phase from the same release's
setting columns (ADR 0107). What comes out, :class:`Demand`, is what
:mod:`sendplan.engine.forecast_projection` turns into places and money.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from sendplan.engine.codes import MAX_AGE, PHASE_KEYS, RELEASE_NEEDS, phase_for_age
from sendplan.engine.forecast import ForecastResult
from sendplan.engine.forecast_data import (
    AGE_BANDS,
    CaseloadHistory,
    ForecastInputError,
    Release,
    TextTable,
)
from sendplan.engine.forecast_flows import first_year_flows

#: The kinds of place a commissioner plans and pays for, in the order every table shows them.
PLACEMENT_LABELS: Final[dict[str, str]] = {
    "mainstream": "Mainstream school",
    "resourced": "Resourced provision or SEN unit",
    "special": "Special school (maintained, academy or free)",
    "independent": "Independent or non-maintained special school",
    "fe": "Further education and post-16 providers",
    "other": "Other (alternative provision, educated elsewhere, not known)",
}
PLACEMENT_KEYS: Final[tuple[str, ...]] = tuple(PLACEMENT_LABELS)
#: Placements that need a specialist place: the learners the gap counts.
SPECIALIST: Final[tuple[str, ...]] = ("resourced", "special", "independent")

#: ``caseload.csv`` setting columns -> placement type. The groups partition the release's
#: placements: mainstream, special and FE totals, AP, educated elsewhere, non-maintained
#: early years and not recorded.
PLACEMENT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
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
#: ``sen_needs_all_plans.csv`` "Type of placement" rows -> placement type (totals left out).
NEED_PLACEMENT_ROWS: Final[dict[str, str]] = {
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
# Prior weight, in plans, of the area's own mix when a need has few plans of its own.
_MIX_PRIOR_PLANS = 20.0

#: A placement mix: for each (need, phase), the share of its plans in each placement type.
PlacementMix = dict[tuple[str, str], dict[str, float]]


@dataclass(frozen=True)
class Band:
    """A central (median) figure and its 80 % interval."""

    median: float
    lower: float
    upper: float

    def scaled(self, factor: float) -> Band:
        """The band with every figure multiplied by ``factor``.

        Examples
        --------
        >>> Band(100.0, 90.0, 120.0).scaled(1.5)
        Band(median=150.0, lower=135.0, upper=180.0)
        """
        return Band(self.median * factor, self.lower * factor, self.upper * factor)


@dataclass(frozen=True)
class ModelFlows:
    """The stock-and-flow model's first forecast year for one area: ``plans`` in January of
    ``year``, the ``new_plans`` issued and the ``net_outflow`` in calendar year ``year``
    (plans ceased and plans moving between councils, net: the published figures do not
    separate them), and so the plans the next January. ``new_plans_lower80`` to
    ``new_plans_upper80`` and ``net_outflow_lower80`` to ``net_outflow_upper80`` are their
    80 % intervals, from the simulated paths behind the totals' intervals (None for a run
    stored before they were kept). Each interval is the flow's own: the lower new plans and
    the lower net outflow need not come together."""

    year: int
    plans: float
    new_plans: float
    net_outflow: float
    new_plans_lower80: float | None = None
    new_plans_upper80: float | None = None
    net_outflow_lower80: float | None = None
    net_outflow_upper80: float | None = None

    @property
    def plans_after(self) -> float:
        """The flows' next January.

        >>> ModelFlows(2025, 1000.0, 150.0, 60.0).plans_after
        1090.0
        """
        return self.plans + self.new_plans - self.net_outflow

    @property
    def new_plans_band(self) -> Band | None:
        """The new plans and their 80 % interval, or None when the run has no interval.

        >>> ModelFlows(2025, 1000.0, 150.0, 60.0, 120.0, 185.0, 40.0, 90.0).new_plans_band
        Band(median=150.0, lower=120.0, upper=185.0)
        """
        if self.new_plans_lower80 is None or self.new_plans_upper80 is None:
            return None
        return Band(self.new_plans, self.new_plans_lower80, self.new_plans_upper80)

    @property
    def net_outflow_band(self) -> Band | None:
        """The net outflow and its 80 % interval, or None when the run has no interval.

        >>> ModelFlows(2025, 1000.0, 150.0, 60.0, 120.0, 185.0, 40.0, 90.0).net_outflow_band
        Band(median=60.0, lower=40.0, upper=90.0)
        """
        if self.net_outflow_lower80 is None or self.net_outflow_upper80 is None:
            return None
        return Band(self.net_outflow, self.net_outflow_lower80, self.net_outflow_upper80)


@dataclass(frozen=True)
class Demand:
    """One area's forecast, as the engine and the release give it.

    ``actuals`` are the published totals (census year, plans); ``total[year]`` the forecast
    total; ``plans[(need, phase, year)]`` the plans by primary need and phase;
    ``shares[(need, phase)]`` the share of those plans in each placement type at the origin;
    ``flows`` the stock-and-flow model's first year (None when another method made the totals).
    """

    la_code: str
    la_name: str
    origin_year: int
    actuals: tuple[tuple[int, float], ...]
    years: tuple[int, ...]
    total: dict[int, Band]
    plans: dict[tuple[str, str, int], Band]
    shares: PlacementMix
    flows: ModelFlows | None = None

    @property
    def needs(self) -> tuple[str, ...]:
        """The needs ``plans`` covers, in the order they first appear."""
        return tuple(dict.fromkeys(n for n, _, _ in self.plans))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only, as a run stores it; :meth:`from_json` reads it back."""
        return {
            "la_code": self.la_code,
            "la_name": self.la_name,
            "origin_year": self.origin_year,
            "actuals": [list(a) for a in self.actuals],
            "years": list(self.years),
            "total": {str(y): [b.median, b.lower, b.upper] for y, b in self.total.items()},
            "plans": [[n, f, y, b.median, b.lower, b.upper] for (n, f, y), b in self.plans.items()],
            "shares": [[n, f, s] for (n, f), s in self.shares.items()],
            "flows": None if self.flows is None else asdict(self.flows),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Demand:
        """The demand :meth:`to_json` stored."""
        return cls(
            la_code=data["la_code"],
            la_name=data["la_name"],
            origin_year=int(data["origin_year"]),
            actuals=tuple((int(y), float(v)) for y, v in data["actuals"]),
            years=tuple(int(y) for y in data["years"]),
            total={int(y): Band(*v) for y, v in data["total"].items()},
            plans={(n, f, int(y)): Band(m, lo, up) for n, f, y, m, lo, up in data["plans"]},
            shares={(n, f): dict(s) for n, f, s in data["shares"]},
            # Runs stored before the flows were kept have no "flows": None, as for another method.
            flows=ModelFlows(**data["flows"]) if data.get("flows") else None,
        )


def _age_phase(age_breakdown: str) -> str | None:
    """'under 3' / 'age 7' -> phase key; None for a breakdown that is not an age 0-25."""
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


def placement_mix(
    *, caseload: TextTable, needs: TextTable, la_code: str, need_codes: tuple[str, ...]
) -> PlacementMix:
    """Placement mix by need and phase at the release's latest year, for one LA.

    The release gives placement by age (``caseload``) and placement by need (``needs``), not
    all three together, so each (need, phase) mix multiplies the phase's mix by the need's
    relative to the area's (one step of iterative proportional fitting), then renormalises.
    A need with few plans keeps close to the phase's mix (prior weight 20 plans).

    Parameters
    ----------
    caseload
        The release's ``caseload.csv``, as text.
    needs
        The release's ``sen_needs_all_plans.csv``, as text.
    la_code
        The LA's ``new_la_code``.
    need_codes
        The needs to give a mix for (codes of :data:`~sendplan.engine.codes.RELEASE_NEEDS`).

    Returns
    -------
    dict
        ``(need, phase)`` -> {placement type: share}, shares adding up to 1.

    Raises
    ------
    ForecastInputError
        When the caseload table has no rows for the LA.
    """
    frame = caseload.frame.select(pl.all().cast(pl.String)).fill_null("")
    rows = frame.filter(
        (pl.col("new_la_code") == la_code) & (pl.col("geographic_level") == "Local authority")
    )
    if rows.is_empty():
        raise ForecastInputError([f"{caseload.label}:1: new_la_code: no rows for {la_code}"])
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
    need_table = (
        needs.frame.select(pl.all().cast(pl.String))
        .fill_null("")
        .filter(
            (pl.col("new_la_code") == la_code)
            & (pl.col("time_period") == latest)
            & (pl.col("breakdown_topic") == "Type of placement")
        )
    )
    by_need = {n: dict.fromkeys(PLACEMENT_KEYS, 0.0) for n in need_codes}
    for row in need_table.iter_rows(named=True):
        group = NEED_PLACEMENT_ROWS.get(row["breakdown"])
        if group is None:
            continue
        for need in need_codes:
            column = "number_need_unknown" if need == "Unknown" else f"number_{need.lower()}"
            by_need[need][group] += _number(row.get(column))
    total = sum(overall.values()) or 1.0
    base = {p: overall[p] / total for p in PLACEMENT_KEYS}
    out: PlacementMix = {}
    for need in need_codes:
        need_total = sum(by_need[need].values())
        for phase in PHASE_KEYS:
            phase_total = sum(by_phase[phase].values())
            mix = {}
            for p in PLACEMENT_KEYS:
                phase_share = by_phase[phase][p] / phase_total if phase_total else base[p]
                need_share = (by_need[need][p] + _MIX_PRIOR_PLANS * base[p]) / (
                    need_total + _MIX_PRIOR_PLANS
                )
                mix[p] = phase_share * (need_share / base[p] if base[p] else 0.0)
            norm = sum(mix.values())
            out[(need, phase)] = {p: (v / norm if norm else base[p]) for p, v in mix.items()}
    return out


def fit_margins(
    *, seed: npt.NDArray[np.float64], rows: npt.NDArray[np.float64], cols: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Fit a table to row and column totals by iterative proportional fitting (50 rounds).

    Empty cells of ``seed`` start at 0.5, so a need seen at no age in the seed year can
    still take plans.

    Examples
    --------
    >>> t = fit_margins(seed=np.array([[1.0, 1.0], [1.0, 3.0]]), rows=np.array([10.0, 20.0]),
    ...                 cols=np.array([12.0, 18.0]))
    >>> t.sum(axis=1).round(6).tolist(), t.sum(axis=0).round(6).tolist()
    ([10.0, 20.0], [12.0, 18.0])
    """
    table = np.where(seed > 0, seed, 0.5)
    for _ in range(50):
        table *= (rows / np.maximum(table.sum(axis=1), 1e-12))[:, None]
        table *= (cols / np.maximum(table.sum(axis=0), 1e-12))[None, :]
    return np.asarray(table, dtype=np.float64)


def area_demand(
    *, history: CaseloadHistory, forecast: ForecastResult, la_code: str, release: Release
) -> Demand:
    """One LA's forecast by need x phase x year, with its placement mix.

    Need x phase cells are fitted (:func:`fit_margins`) to the forecast's need totals and
    phase totals, from the history's need-by-age table; each cell's 80 % band is its need's
    band in proportion. Quantiles do not add up, so no band is built from its cells' bands.

    Parameters
    ----------
    history
        The caseload history the forecast was made from.
    forecast
        :func:`~sendplan.engine.forecast.forecast_caseload`'s result for that history.
    la_code
        The LA's ``new_la_code``.
    release
        The newest release's tables, with its need table: the placement mix comes from its
        latest year.

    Returns
    -------
    Demand

    Raises
    ------
    ValueError
        When the LA is not in the history, or the release has no need table.
    ForecastInputError
        When the release's caseload table has no rows for the LA.
    """
    index = {a.code: i for i, a in enumerate(history.las)}
    if la_code not in index:
        raise ValueError(f"{la_code} is not one of the history's local authorities")
    if release.needs is None:
        raise ValueError(
            f"{release.caseload.label}: the placement mix needs a release with "
            "sen_needs_all_plans.csv (2023 onwards)"
        )
    la = index[la_code]
    rows = forecast.table.filter(pl.col("area_code") == la_code)
    years = tuple(sorted(int(y) for y in rows["census_year"].unique()))
    band = {
        (r["census_year"], r["age_band"], r["need"]): Band(
            float(r["ehcplans"]), float(r["lower80"]), float(r["upper80"])
        )
        for r in rows.iter_rows(named=True)
    }
    needs = tuple(n for n in RELEASE_NEEDS if (years[0], "All", n) in band)
    # The forecast's age bands are the phases, in phase order.
    phase_bands = [name for name, _, _ in AGE_BANDS]
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
        # The two margins are rounded separately by the forecast; meet in the middle.
        phase_totals *= need_totals.sum() / max(phase_totals.sum(), 1e-9)
        table = fit_margins(
            seed=seed_table[need_rows].astype(float), rows=need_totals, cols=phase_totals
        )
        for i, need in enumerate(needs):
            nb = band[(year, "All", need)]
            lo = nb.lower / nb.median if nb.median else 1.0
            up = nb.upper / nb.median if nb.median else 1.0
            for j, phase in enumerate(PHASE_KEYS):
                m = float(table[i, j])
                plans[(need, phase, year)] = Band(m, m * lo, m * up)
    flows = None
    if forecast.flows is not None:
        now, new, out = first_year_flows(forecast.flows)
        flows = ModelFlows(int(history.years[-1]), float(now[la]), float(new[la]), float(out[la]))
        if forecast.flow_bands is not None:
            b = forecast.flow_bands
            flows = replace(
                flows,
                new_plans_lower80=float(b.new_lower[la]),
                new_plans_upper80=float(b.new_upper[la]),
                net_outflow_lower80=float(b.out_lower[la]),
                net_outflow_upper80=float(b.out_upper[la]),
            )
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
        shares=placement_mix(
            caseload=release.caseload, needs=release.needs, la_code=la_code, need_codes=needs
        ),
        flows=flows,
    )
