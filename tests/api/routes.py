"""Every API operation, with the arguments it takes in the audit walk's world
(``tests.web.test_audit_by_construction._world``) and whose learner it is about. The API's
own walk (``test_api_walks``) fails when an operation is missing here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    "forecast_read": ApiRoute("/forecasts/{pk}", "caseworker", lambda w: {"pk": 0}),
}
