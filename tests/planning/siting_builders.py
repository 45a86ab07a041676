"""Candidate sites, a finished forecast and learners needing a place, for the siting tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sendplan.planning.models import CandidateSite
from sendplan.provision.models import ProvisionStrand
from sendplan.sufficiency.models import ForecastRun
from tests.factories import LearnerFactory, NeedFactory


def candidate(la, **kw) -> CandidateSite:
    """An ASD base for ages 11-19 next to the transfers' homes: 4 places a block."""
    fields = {
        "name": "Oak annexe",
        "kind": CandidateSite.Kind.RESOURCED_BASE,
        "latitude": 51.45,
        "longitude": -0.115,
        "needs": "ASD",
        "min_age": 11,
        "max_age": 19,
        "block_places": 4,
        "max_blocks": 2,
        "capital_per_block": 300_000,
        "annual_cost_per_place": 30_000,
        **kw,
    }
    return CandidateSite.objects.create(la=la, **fields)


def forecast(la_code: str = "E09000022") -> ForecastRun:
    """A finished forecast whose ASD secondary plans grow from 100 (2025) to 110 (2027,
    central), 104 (lower) and 130 (upper), half of them in a specialist place: 5, 2 and 15
    extra learners in 2027."""
    outputs = {
        "demand": {
            "origin_year": 2025,
            "actuals": [[2024, 95.0], [2025, 100.0]],
            "total": {"2026": [100.0, 95.0, 105.0], "2027": [110.0, 104.0, 130.0]},
            "shares": [["ASD", "secondary", {"special": 0.4, "resourced": 0.1, "mainstream": 0.5}]],
        },
        "projections": [
            {
                "key": "baseline",
                "plans": [
                    ["ASD", "secondary", 2026, 100.0, 95.0, 105.0],
                    ["ASD", "secondary", 2027, 110.0, 104.0, 130.0],
                    ["Unknown", "secondary", 2027, 50.0, 40.0, 60.0],
                    ["Unknown", "secondary", 2026, 10.0, 8.0, 12.0],
                ],
            }
        ],
    }
    return ForecastRun.objects.create(
        la_code=la_code,
        status=ForecastRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        outputs=outputs,
    )


def learners_without_a_place(cast, n: int = 3) -> list:
    """``n`` ASD learners of secondary age with no current placement (new plans), living by
    the candidate, and the cast's special school full: only a new site can place them
    locally. Ages count from today, so the case holds on any date."""
    ProvisionStrand.objects.filter(setting=cast.setting).update(on_roll=100)
    born = dt.date(timezone.localdate().year - 14, 1, 15)
    learners = []
    for i in range(n):
        learner = LearnerFactory(
            responsible_la=cast.la, date_of_birth=born, latitude=51.45 + 0.001 * i,
            longitude=-0.115,
        )  # fmt: skip
        NeedFactory(learner=learner, code="ASD", rank=1)
        learners.append(learner)
    return learners
