"""Reading a plan: its current version, any version, the version history, the differences
between two versions, a printable page and the PDF of an issued version.

Every page goes through ``plan_for_user`` (not yours: 404) and writes an audit event with no
names or identifiers in it. Editing a draft lives in ``views.plan_edit``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework.models import Plan, PlanVersion
from sendplan.casework.pdf import plan_pdf
from sendplan.casework.selectors_plan import (
    budget_text,
    compare_versions,
    current_version_number,
    draft_of,
    placement_text,
    plan_for_user,
    plan_sections,
    version_for_user,
    versions_for,
)
from sendplan.core.errors import Http404
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.access import has_a_role, requires_access


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _audit(user: User, plan: Plan, detail: str, *, export: bool = False) -> None:
    action = AuditEvent.Action.EXPORT if export else AuditEvent.Action.VIEW_RECORD
    audit_record(user=user, action=action, learner=plan.learner, detail=detail)


def _version_page(
    request: HttpRequest, plan: Plan, can_edit: bool, number: int, *, current: bool
) -> HttpResponse:
    user = _user(request)
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    _audit(user, plan, f"plan version {version.number}")
    draft = draft_of(plan) if can_edit else None
    return render(
        request,
        "casework/plan/version.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": version,
            "sections": plan_sections(version),
            "placement": placement_text(version),
            "budget": budget_text(version),
            "can_edit": can_edit,
            "draft": draft,
            "is_current": current,
            "is_la_staff": standing_for(user).is_la_staff,
        },
    )


@requires_access(has_a_role)
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as it stands: the latest issued version (or the draft before first issue)."""
    plan, can_edit = plan_for_user(_user(request), plan_id)
    number = current_version_number(fetched_by=_user(request), plan=plan)
    return _version_page(request, plan, can_edit, number, current=True)


@requires_access(has_a_role)
@require_GET
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    plan, can_edit = plan_for_user(_user(request), plan_id)
    return _version_page(request, plan, can_edit, number, current=False)


@requires_access(has_a_role)
@require_GET
def version_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every version, newest first: who issued it and when, and a link to what changed."""
    user = _user(request)
    plan, can_edit = plan_for_user(user, plan_id)
    versions = list(versions_for(fetched_by=user, plan=plan))
    _audit(user, plan, f"plan history, {len(versions)} versions")
    previous = {v.number: versions[i + 1].number for i, v in enumerate(versions[:-1])}
    return render(
        request,
        "casework/plan/history.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "versions": [(v, previous.get(v.number)) for v in versions],
            "can_edit": can_edit,
        },
    )


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@requires_access(has_a_role)
@require_GET
def version_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What changed between two versions (``?from=1&to=2``; numbers only in the query)."""
    user = _user(request)
    plan, can_edit = plan_for_user(user, plan_id)
    numbers = [v.number for v in versions_for(fetched_by=user, plan=plan)]
    new_number = _number(request, "to") or (numbers[0] if numbers else None)
    older = [n for n in numbers if new_number is not None and n < new_number]
    old_number = _number(request, "from") or (older[0] if older else None)
    if new_number is None or old_number is None or old_number == new_number:
        raise Http404("Two different versions are needed to compare")
    old = version_for_user(fetched_by=user, plan=plan, number=old_number)
    new = version_for_user(fetched_by=user, plan=plan, number=new_number)
    _audit(user, plan, f"plan versions {old.number} and {new.number} compared")
    changes = compare_versions(plan_sections(old), plan_sections(new))
    return render(
        request,
        "casework/plan/compare.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "old": old,
            "new": new,
            "changes": changes,
            "changed_count": sum(len(s.changes) for s in changes),
            "can_edit": can_edit,
        },
    )


@requires_access(has_a_role)
@require_GET
def version_print(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The version laid out for paper: no navigation, print styles from a class on <body>."""
    user = _user(request)
    plan, _ = plan_for_user(user, plan_id)
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    _audit(user, plan, f"plan version {version.number} printed", export=True)
    return render(
        request,
        "casework/plan/print.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "version": version,
            "sections": plan_sections(version),
            "placement": placement_text(version),
            "budget": budget_text(version),
        },
    )


@requires_access(has_a_role)
@require_GET
def version_pdf(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The PDF of an issued version. Drafts have none: they are not the plan yet."""
    user = _user(request)
    plan, _ = plan_for_user(user, plan_id)
    version = version_for_user(fetched_by=user, plan=plan, number=number)
    if version.status != PlanVersion.Status.ISSUED:
        raise Http404("Only an issued plan has a PDF")
    _audit(user, plan, f"plan version {version.number} PDF", export=True)
    content = plan_pdf(plan_sections(version))
    response = HttpResponse(content, content_type="application/pdf")
    # A neutral file name: no learner name or identifier leaves in a header.
    filename = f"ehc-plan-{plan.pk}-version-{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
