"""The nowcast: next year's caseload from the council's own live record.

Pure arithmetic, no Django. On the forecast date the record knows what the published figures
cannot: the requests open today and how far each has got, and the plans due to end. Over
the 12 months from that date:

- **New plans from the open cases**: each open case times the share of the record's finished
  cases that reached the same stage and ended in a plan (a request not yet decided, one being
  assessed, one being drafted). With fewer than :data:`MIN_FINISHED` finished cases at a
  stage, the national order of magnitude in :data:`DEFAULT_CONVERSION` stands in.
- **New plans from requests still to come**: requests at last year's rate, those of them that
  lead to a plan, and only those received early enough for the plan to be issued inside the
  window (the 20-week limit of the ``final_plan`` rule).
- **Plans ceasing**: plans reaching the end of the academic year in which the young person is
  25 (the ``maximum_age`` rule) inside the window, and those ceasing for other reasons (leaving
  education, needs met, moving away): at least the decisions to cease already made, and
  otherwise last year's number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sendplan.engine.statutory import maximum_age_end
from sendplan.engine.statutory_rules import RULES

#: The stages of an open case, in order: a case at a later stage has passed the earlier ones.
STAGES: tuple[str, ...] = ("requested", "assessing", "drafting")
#: Share of cases at each stage that end in a plan, where the record has too few finished
#: cases of its own: England's order of magnitude (about 6 in 10 requests, 9 in 10 assessments).
DEFAULT_CONVERSION: Mapping[str, float] = {"requested": 0.6, "assessing": 0.9, "drafting": 1.0}
MIN_FINISHED = 20
WINDOW_DAYS = 365
MAXIMUM_AGE = RULES["maximum_age"].length.amount


@dataclass(frozen=True)
class LiveRecord:
    """What the record holds on the forecast date ``on``, counted (no one is named)."""

    on: dt.date
    plans: int  # plans maintained on the date
    open_cases: Mapping[str, int]  # open cases by stage (see STAGES)
    finished: Sequence[tuple[str, bool]]  # finished cases: furthest stage reached, plan issued
    requests_last_year: int  # requests received in the 12 months to the date
    birth_dates: Sequence[dt.date]  # of the young people whose plans are maintained
    cease_decided: int  # maintained plans with a decision to cease already made
    ceased_other_last_year: int  # plans ceased in the 12 months to the date, not for age


@dataclass(frozen=True)
class Nowcast:
    on: dt.date
    until: dt.date
    plans: int
    conversion: dict[str, float]
    from_record: dict[str, bool]  # whether each stage's share is the record's own
    new_from_open: float
    new_from_requests: float
    ceasing_age: int
    ceasing_other: float

    @property
    def new_plans(self) -> float:
        return self.new_from_open + self.new_from_requests

    @property
    def ceasing(self) -> float:
        return self.ceasing_age + self.ceasing_other

    @property
    def plans_after(self) -> float:
        return self.plans + self.new_plans - self.ceasing

    @property
    def growth(self) -> float | None:
        """Net growth over the 12 months as a fraction of the plans now; None with none."""
        return None if self.plans == 0 else (self.plans_after - self.plans) / self.plans


def conversion_rates(
    finished: Sequence[tuple[str, bool]],
) -> tuple[dict[str, float], dict[str, bool]]:
    """The share of finished cases that reached each stage and ended in a plan, and whether
    it is the record's own (else the default).

    >>> rates, own = conversion_rates([("requested", False), ("drafting", True)] * 10)
    >>> rates["requested"], rates["assessing"], own["requested"], own["assessing"]
    (0.5, 0.9, True, False)
    """
    rates: dict[str, float] = {}
    own: dict[str, bool] = {}
    for i, stage in enumerate(STAGES):
        reached = [issued for furthest, issued in finished if STAGES.index(furthest) >= i]
        if len(reached) >= MIN_FINISHED:
            rates[stage], own[stage] = sum(reached) / len(reached), True
        else:
            rates[stage], own[stage] = DEFAULT_CONVERSION[stage], False
    return rates, own


def nowcast(record: LiveRecord) -> Nowcast:
    """New plans and plans ceasing in the 12 months from ``record.on``, and the caseload then."""
    unknown = set(record.open_cases) - set(STAGES)
    if unknown:
        raise ValueError(f"open_cases: unknown stage {sorted(unknown)[0]!r}")
    until = record.on + dt.timedelta(days=WINDOW_DAYS)
    rates, own = conversion_rates(record.finished)
    from_open = sum(record.open_cases.get(s, 0) * rates[s] for s in STAGES)
    # A request received later than 20 weeks before the window closes is not issued inside it.
    limit_days = 7 * RULES["final_plan"].length.amount
    in_time = max(WINDOW_DAYS - limit_days, 0) / WINDOW_DAYS
    from_requests = record.requests_last_year * rates["requested"] * in_time
    ageing = sum(1 for born in record.birth_dates if maximum_age_end(born, age=MAXIMUM_AGE) < until)
    other = float(max(record.cease_decided, record.ceased_other_last_year))
    return Nowcast(
        on=record.on,
        until=until,
        plans=record.plans,
        conversion=rates,
        from_record=own,
        new_from_open=from_open,
        new_from_requests=from_requests,
        ceasing_age=ageing,
        ceasing_other=other,
    )
