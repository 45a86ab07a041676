"""The pages that bring the sections together: each person's home page (one section per
role held) and each learner's record (every app's part of it that the viewer may see)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.access import FAMILY_ROLES, standing_for
from sendplan.accounts.guards import (
    has_a_role,
    public,
    requires_access,
    signed_in,
    signed_in_user,
)
from sendplan.accounts.models import Role
from sendplan.casework.case.selectors import cases_of_learner
from sendplan.documents.selectors import documents_for
from sendplan.home.selectors import home_summary
from sendplan.learners.access import DELIVERING_ROLES, learner_fields_may_change
from sendplan.learners.audit_queries import may_investigate_learner
from sendplan.learners.selectors import (
    exclusions_may_change,
    learner_record_for_user,
    may_record_exclusions,
    may_record_home_education,
)


@public
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "home/accessibility.html", _contacts())


@public
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "home/privacy.html", _contacts())


def _contacts() -> dict[str, str]:
    return {
        "data_protection_email": settings.DATA_PROTECTION_EMAIL,
        "accessibility_email": settings.ACCESSIBILITY_EMAIL,
    }


@requires_access(signed_in)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    standing = standing_for(request.user)  # type: ignore[arg-type]
    # One section per role held, in the order roles are listed, so a person with two
    # roles (a SENCO who is also a parent) sees both.
    roles = [role for role in Role.values if role in standing.roles]
    summary = home_summary(
        fetched_by=request.user,  # type: ignore[arg-type]
        family=bool(standing.roles & FAMILY_ROLES),
        coordinator=Role.LA_CASEWORKER in standing.roles,
        setting_staff=Role.SETTING_STAFF in standing.roles,
        delivers=bool(standing.roles & DELIVERING_ROLES),
        today=timezone.localdate(),
    )
    return render(
        request,
        "home/home.html",
        {"roles": roles, "role_labels": dict(Role.choices), "summary": summary},
    )


@requires_access(has_a_role)
@require_GET
def learner_record_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    record, can_edit, learner = learner_record_for_user(user, pk)
    cases = cases_of_learner(learner=learner, fetched_by=user, today=timezone.localdate())
    return render(
        request,
        "home/learner_record.html",
        # The record's "learner" is its identity basics only, not the model.
        {
            "can_edit": can_edit,
            # The caseworker changes every detail; the SEND manager the return's (ADR 0137).
            "may_change_details": can_edit
            or bool(learner_fields_may_change(learner=learner, user=user)),
            "cases": cases,
            "documents": documents_for(user, learner=learner),
            "may_investigate": may_investigate_learner(learner=learner, user=user),
            "may_record_exclusions": may_record_exclusions(
                learner=learner, user=user, can_edit=can_edit
            ),
            "may_record_home_education": may_record_home_education(can_edit=can_edit),
            "exclusions_changeable": exclusions_may_change(
                learner=learner,
                user=user,
                exclusions=record.get("exclusions", []),
                can_edit=can_edit,
            ),
            **record,
        },
    )
