"""The DfE 20-week timeliness measure, computed as the DfE publishes it.

DfE "Education, health and care plans", file ``timeliness_20_week.csv`` (see the release's
data guidance): for plans *issued* in a calendar year,

- ``plans_issued_den`` = every plan issued ("including exceptions");
- ``plans_issued_den_ex`` = plans issued where no 20-week exception applied (SEN2 ``Week20``
  = 0) — "excluding exceptions", the headline (46.4 % for England in 2024);
- numerators: plans issued within 20 weeks (on or before request + 140 days), among all plans
  and among the plans without exceptions;
- the same split for "between 20 and 52 weeks" and "after 52 weeks" (request + 364 days);
- percentages to one decimal place, rounded half up; no percentage when the denominator is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["TimelinessMeasure", "twenty_week_measure"]

_TWENTY_WEEKS = timedelta(days=7 * 20)
_FIFTY_TWO_WEEKS = timedelta(days=7 * 52)


@dataclass(frozen=True, slots=True)
class TimelinessMeasure:
    """Counts and percentages named after the DfE file's columns."""

    plans_issued_den: int
    plans_issued_den_ex: int
    plans_issued_within_20_weeks: int
    plans_issued_20_weeks_ex: int
    plans_issued_gt20weeks_ltyear: int
    plans_issued_gt20weeks_ltyear_ex: int
    plans_issued_gt_1_year: int
    plans_issued_gt_1_year_ex: int
    pc_plans_issued_within_20_weeks: float | None
    pc_plans_issued_20_weeks_ex: float | None
    pc_plans_issued_gt20weeks_ltyear: float | None
    pc_plans_issued_gt20weeks_ltyear_ex: float | None
    pc_plans_issued_gt_1_year: float | None
    pc_plans_issued_gt_1_year_ex: float | None


def _pc(numerator: int, denominator: int) -> float | None:
    if denominator == 0:
        return None
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def twenty_week_measure(
    plans: Iterable[tuple[date, date, bool]], *, year: int | None = None
) -> TimelinessMeasure:
    """The 20-week measure with and without exception cases.

    Parameters
    ----------
    plans : iterable of (request_date, final_date, has_exception)
        One entry per final plan issued; ``has_exception`` is SEN2 ``Week20`` (a Reg 10(4)
        exception applied).
    year : int, optional
        Count only plans issued (``final_date``) in this calendar year, as DfE does.

    Returns
    -------
    TimelinessMeasure

    Raises
    ------
    ValueError
        A final date before its request date (the entry is named by its position).

    Examples
    --------
    >>> plans = [(date(2024, 1, 8), date(2024, 5, 27), False),  # the 20-week day: on time
    ...          (date(2024, 1, 8), date(2024, 5, 28), False),  # a day late
    ...          (date(2024, 1, 8), date(2024, 9, 2), True)]    # late, exception applied
    >>> m = twenty_week_measure(plans)
    >>> m.pc_plans_issued_within_20_weeks, m.pc_plans_issued_20_weeks_ex
    (33.3, 50.0)
    """
    counts = {"all": [0, 0, 0, 0], "ex": [0, 0, 0, 0]}  # issued, ≤20w, 20–52w, >52w
    for i, (requested, issued, has_exception) in enumerate(plans):
        if issued < requested:
            raise ValueError(
                f"plans[{i}]: final date {issued.isoformat()} is before the request "
                f"{requested.isoformat()}"
            )
        if year is not None and issued.year != year:
            continue
        elapsed = issued - requested
        band = 1 if elapsed <= _TWENTY_WEEKS else 2 if elapsed <= _FIFTY_TWO_WEEKS else 3
        for group in ("all",) if has_exception else ("all", "ex"):
            counts[group][0] += 1
            counts[group][band] += 1
    (den, within, mid, over), (den_ex, within_ex, mid_ex, over_ex) = counts["all"], counts["ex"]
    return TimelinessMeasure(
        plans_issued_den=den,
        plans_issued_den_ex=den_ex,
        plans_issued_within_20_weeks=within,
        plans_issued_20_weeks_ex=within_ex,
        plans_issued_gt20weeks_ltyear=mid,
        plans_issued_gt20weeks_ltyear_ex=mid_ex,
        plans_issued_gt_1_year=over,
        plans_issued_gt_1_year_ex=over_ex,
        pc_plans_issued_within_20_weeks=_pc(within, den),
        pc_plans_issued_20_weeks_ex=_pc(within_ex, den_ex),
        pc_plans_issued_gt20weeks_ltyear=_pc(mid, den),
        pc_plans_issued_gt20weeks_ltyear_ex=_pc(mid_ex, den_ex),
        pc_plans_issued_gt_1_year=_pc(over, den),
        pc_plans_issued_gt_1_year_ex=_pc(over_ex, den_ex),
    )
