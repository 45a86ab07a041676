"""Every API operation, with the arguments it takes in the audit walk's world
(``tests.web.test_audit_by_construction._world``) and whose learner it is about. The API's
own walk (``test_api_walks``) fails when an operation is missing here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sendplan.delivery.models import Commitment
from tests.web.test_audit_by_construction import _commitment, _exclusion, _home_education


def _delivered_by_school(w: Any) -> int:
    """The issued plan's row, delivered by the cast's school (as if section I named it, which
    the world's plan leaves blank), so its SENCO records it."""
    pk = _commitment(w)
    Commitment.objects.filter(pk=pk).update(organisation=w.cast.setting.organisation)
    return pk


@dataclass(frozen=True)
class ApiRoute:
    """``path`` is formatted with ``args(world)``; ``shows`` as in the page walk's ``Route``
    ("learner", "other", "list" or "none"); ``who`` is the cast member that may call it."""

    path: str
    who: str
    args: Callable[[Any], dict[str, Any]] = lambda w: {}
    shows: str = "none"
    method: str = "get"
    body: dict[str, Any] = field(default_factory=dict)


API_ROUTES: dict[str, ApiRoute] = {
    "learner_read": ApiRoute(
        "/learners/{pk}", "caseworker", lambda w: {"pk": w.cast.learner.pk}, "learner"
    ),
    "learner_placements": ApiRoute(
        "/learners/{pk}/placements", "caseworker", lambda w: {"pk": w.cast.learner.pk}, "learner"
    ),
    "learner_exclusions": ApiRoute(
        "/learners/{pk}/exclusions",
        "caseworker",
        lambda w: {"pk": w.cast.learner.pk, "row": _exclusion(w)},
        "learner",
    ),
    "learner_home_education": ApiRoute(
        "/learners/{pk}/home-education",
        "caseworker",
        lambda w: {"pk": w.cast.learner.pk, "row": _home_education(w)},
        "learner",
    ),
    "learner_search": ApiRoute("/learners/search", "caseworker", shows="list", method="post"),
    "setting_search": ApiRoute("/settings", "caseworker"),
    "setting_read": ApiRoute("/settings/{pk}", "caseworker", lambda w: {"pk": w.cast.setting.pk}),
    "case_list": ApiRoute("/cases", "caseworker", shows="list"),
    "case_read": ApiRoute("/cases/{pk}", "caseworker", lambda w: {"pk": w.case.pk}, "learner"),
    "plan_list": ApiRoute("/plans", "caseworker", shows="list"),
    "plan_read": ApiRoute("/plans/{pk}", "caseworker", lambda w: {"pk": w.issued_plan.pk}, "other"),
    "plan_version_read": ApiRoute(
        "/plans/{pk}/versions/1", "caseworker", lambda w: {"pk": w.issued_plan.pk}, "other"
    ),
    "plan_reviews": ApiRoute(
        "/plans/{pk}/reviews", "caseworker", lambda w: {"pk": w.issued_plan.pk}, "other"
    ),
    "run_list": ApiRoute("/planning/runs", "caseworker"),
    "run_read": ApiRoute("/planning/runs/{pk}", "caseworker", lambda w: {"pk": w.run.pk}),
    "proposal_list": ApiRoute(
        "/planning/runs/{pk}/proposals", "caseworker", lambda w: {"pk": w.run.pk}, "list"
    ),
    "proposal_read": ApiRoute(
        "/planning/runs/{run}/proposals/{pk}",
        "caseworker",
        lambda w: {"run": w.run.pk, "pk": w.proposal.pk},
        "learner",
    ),
    "forecast_list": ApiRoute("/forecasts", "caseworker"),
    "commitment_list": ApiRoute("/delivery/commitments", "senco", shows="list"),
    "commitment_read": ApiRoute(
        "/delivery/commitments/{pk}", "caseworker", lambda w: {"pk": _commitment(w)}, "other"
    ),
    "commitment_weeks": ApiRoute(
        "/delivery/commitments/{pk}/weeks", "caseworker", lambda w: {"pk": _commitment(w)}, "other"
    ),
    "week_record": ApiRoute(
        "/delivery/commitments/{pk}/weeks/2025-05-26",
        "senco",
        lambda w: {"pk": _delivered_by_school(w)},
        "other",
        method="put",
        body={"delivered_minutes": 45},
    ),
    # After week_record (the table's order is the walk's): the week it recorded.
    "week_read": ApiRoute(
        "/delivery/commitments/{pk}/weeks/2025-05-26",
        "caseworker",
        lambda w: {"pk": _commitment(w)},
        "other",
    ),
    "forecast_read": ApiRoute("/forecasts/{pk}", "caseworker", lambda w: {"pk": 0}),
}
