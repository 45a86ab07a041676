"""The demo's money: plausible costs on its placements and a high-needs budget in deficit.

Kept apart from the rest of the build so the placements and people it makes are untouched:
it draws from its own random stream, after the placements are written.

- Transport for most learners in special and independent schools, and some in units and
  resourced provision (£3,000 to £25,000 a year, independent the dearest).
- An agreed top-up above the band for about one learner in seven in local specialist places.
- Joint funding for about a quarter of independent placements (residential: health and social
  care shares) and a few in special schools (a health share).
- Central high-needs spend for each of those years (ADR 0146): alternative provision and the
  pupil referral unit, hospital education, SEN support and sensory services, post-16 top-ups
  outside placements, together about a fifth of what the placements commit, as councils'
  high-needs blocks run; actual for years past, planned from this one.
- A high-needs budget for each financial year from the census to next year, set below what the
  placements and the central lines commit, so the money page shows the deficit councils
  report, with the cumulative DSG deficit brought forward into each year for the DSG
  management plan.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from sendplan.accounts.models import Organisation
from sendplan.engine import HIGH_NEEDS, committed_spend, financial_year
from sendplan.learners.models import Placement
from sendplan.provision.models import ProvisionStrand
from sendplan.sufficiency.models import CentralLineKind, CentralSpend, HighNeedsBudget
from sendplan.sufficiency.selectors import costed

Kind = ProvisionStrand.Kind
#: Budget as a share of committed high-needs spend in the census year; it then grows 3 % a
#: year while placements stay as they are (a deficit that narrows only slowly).
BUDGET_SHARE = 0.93
BUDGET_GROWTH = 1.03
#: The cumulative DSG deficit brought forward into the census year, as a share of that
#: year's committed high-needs spend (councils' deficits run at a tenth to a quarter of it).
OPENING_DEFICIT = 0.15
#: Central lines as shares of the census year's committed high-needs spend on placements,
#: with the partner that delivers them (synthetic names); together 0.2. Each grows 2 % a year.
CENTRAL_LINES: list[tuple[str, str, float]] = [
    (CentralLineKind.ALTERNATIVE_PROVISION, "Lambeth pupil referral unit (synthetic)", 0.07),
    (CentralLineKind.HOSPITAL, "Hospital and home education service (synthetic)", 0.03),
    (CentralLineKind.SUPPORT, "", 0.05),
    (CentralLineKind.SENSORY, "Sensory and outreach support team (synthetic)", 0.02),
    (CentralLineKind.POST16, "", 0.03),
]
CENTRAL_GROWTH = 1.02
_FIELDS = [
    "transport_cost",
    "agreed_top_up",
    "health_contribution",
    "social_care_contribution",
]


def _pounds(rng: np.random.Generator, low: float, high: float, step: int = 100) -> int:
    return int(round(rng.uniform(low, high) / step) * step)


def cost_placements(*, la: Organisation, seed: int, as_at: dt.date) -> dict[str, int]:
    """Give the LA's placements their costs and the LA its budgets; returns counts."""
    rng = np.random.default_rng([seed, 14])
    placements = list(
        Placement.objects.filter(learner__responsible_la=la)
        .select_related("strand", "setting")
        .order_by("pk")
    )
    joint = 0
    for p in placements:
        kind = p.strand.kind if p.strand is not None else None
        draw = rng.random(4)
        if kind == Kind.INDEPENDENT:
            p.transport_cost = _pounds(rng, 8_000, 25_000) if draw[0] < 0.8 else 0
            if draw[1] < 0.25:
                p.health_contribution = _pounds(rng, 10_000, 40_000, 500)
                p.social_care_contribution = _pounds(rng, 20_000, 80_000, 500)
                joint += 1
        elif kind == Kind.SPECIAL_SCHOOL:
            p.transport_cost = _pounds(rng, 4_000, 12_000) if draw[0] < 0.7 else 0
            if draw[1] < 0.05:
                p.health_contribution = _pounds(rng, 5_000, 15_000, 500)
                joint += 1
        elif kind in (Kind.INCLUSION_BASE, Kind.SEN_UNIT, Kind.RESOURCED_PROVISION):
            p.transport_cost = _pounds(rng, 3_000, 7_000) if draw[0] < 0.3 else 0
        if (
            p.strand is not None
            and kind
            in (Kind.SPECIAL_SCHOOL, Kind.INCLUSION_BASE, Kind.SEN_UNIT, Kind.RESOURCED_PROVISION)
            and p.strand.annual_fee is None
            and draw[2] < 0.15
        ):
            p.agreed_top_up = _pounds(rng, 1.2 * p.strand.top_up, 1.6 * p.strand.top_up, 500)
    Placement.objects.bulk_update(placements, _FIELDS, batch_size=500)

    first = financial_year(as_at)
    last = financial_year(max(as_at, timezone.localdate())) + 1
    years = list(range(first, last + 1))
    ledger = committed_spend([costed(p) for p in placements], years)
    placements_first = ledger.partner(HIGH_NEEDS, first)
    CentralSpend.objects.filter(la_code=la.code).delete()
    current = financial_year(timezone.localdate())
    central_rows = [
        CentralSpend(
            la_code=la.code,
            financial_year=y,
            line=line,
            partner=partner,
            amount=int(round(placements_first * share * CENTRAL_GROWTH ** (y - first), -3)),
            actual=y < current,
        )
        for y in years
        for line, partner, share in CENTRAL_LINES
    ]
    CentralSpend.objects.bulk_create(central_rows)
    central = {y: sum(c.amount for c in central_rows if c.financial_year == y) for y in years}
    base = (placements_first + central[first]) * BUDGET_SHARE
    HighNeedsBudget.objects.filter(la_code=la.code).delete()
    rows = []
    # The deficit brought forward into the first year, then each year's carried into the next.
    deficit = int(round(ledger.partner(HIGH_NEEDS, first) * OPENING_DEFICIT, -5))
    for y in years:
        amount = int(round(base * BUDGET_GROWTH ** (y - first), -5))
        rows.append(
            HighNeedsBudget(
                la_code=la.code,
                financial_year=y,
                amount=amount,
                deficit_brought_forward=deficit,
            )
        )
        deficit += int(round(ledger.partner(HIGH_NEEDS, y))) + central[y] - amount
    HighNeedsBudget.objects.bulk_create(rows)
    return {
        "jointly funded placements": joint,
        "budget years": len(years),
        "central spend lines": len(central_rows),
    }


def reset_money(la: Organisation | None) -> int:
    """Delete the demo LA's budgets and central lines (its placements go with its learners)."""
    if la is None:
        return 0
    CentralSpend.history.filter(la_code=la.code).delete()
    CentralSpend.objects.filter(la_code=la.code).delete()
    HighNeedsBudget.history.filter(la_code=la.code).delete()
    return HighNeedsBudget.objects.filter(la_code=la.code).delete()[0]
