"""Learner search, list and the caseworker's "Change details" page (the record page, which
brings in every app's part of the record, is ``home.views.learner_record_page``).

Each view parses, calls a selector or service, and renders. Which learners a user sees
is decided by ``learners.selectors``; every page that shows learners writes an audit
event with counts only, never names or identifiers. URLs carry numeric ids and page
numbers only: a search is posted and kept in the session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sendplan.accounts.guards import has_a_role, requires_access, signed_in_user
from sendplan.core.errors import PermissionDenied, StaleEdit
from sendplan.learners.access import learner_fields_may_change
from sendplan.learners.forms import (
    LearnerDetailsForm,
    LearnerSearchForm,
    add_service_errors,
    query_from_session,
    query_to_session,
)
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.selectors import (
    learner_for_user,
    learner_list,
    list_field_groups,
    may_search_by_upn,
)
from sendplan.learners.services import audit_record, learner_update
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate

SESSION_QUERY = "learners.query"


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def learner_search(request: HttpRequest) -> HttpResponse:
    """GET: the list (of the search kept in the session, if any). POST: a new search."""
    user = signed_in_user(request)
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(SESSION_QUERY, None)
            return redirect("learners:list")
        form = LearnerSearchForm(request.POST)
        if form.is_valid():
            request.session[SESSION_QUERY] = query_to_session(form.to_query())
            return redirect("learners:list")
        return render(
            request,
            "learners/list.html",
            {
                "form": form,
                "errors": error_summary(form),
                "upn_search": may_search_by_upn(fetched_by=user),
            },
        )

    query = query_from_session(request.session.get(SESSION_QUERY))
    page = paginate(request, learner_list(fetched_by=user, query=query))
    count = page.paginator.count
    audit_record(
        user=user,
        action=AuditEvent.Action.SEARCH if query else AuditEvent.Action.LIST,
        detail=f"page {page.number} of {page.paginator.num_pages}, {count} learners",
    )
    initial: dict[str, Any] = {}
    if query:
        initial = {"text": query.text, "date_of_birth": query.date_of_birth}
    return render(
        request,
        "learners/list.html",
        {
            "form": LearnerSearchForm(initial=initial),
            "query": query,
            "page_obj": page,
            "page_links": page_links(page),
            "shown": frozenset(str(g) for g in list_field_groups(fetched_by=user)),
            "upn_search": may_search_by_upn(fetched_by=user),
        },
    )


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def learner_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    learner, _ = learner_for_user(user, pk, purpose="change details")
    fields = learner_fields_may_change(learner=learner, user=user)
    if not fields:
        raise PermissionDenied
    if request.method == "GET":
        form = LearnerDetailsForm(initial=LearnerDetailsForm.initial_for(learner), fields=fields)
        return _change_page(request, learner, form)

    form = LearnerDetailsForm(request.POST, fields=fields)
    if not form.is_valid():
        return _change_page(request, learner, form)
    try:
        learner_update(
            learner_id=learner.pk,
            expected_lock=form.cleaned_data["lock"],
            changed_by=user,
            changes=form.changes(),
        )
    except StaleEdit as stale:
        return _stale_page(request, pk, form, stale)
    except ValidationError as error:
        add_service_errors(form, error)
        return _change_page(request, learner, form)
    messages.success(request, "The learner's details have been saved")
    return redirect("learners:record", pk=learner.pk)


def _change_page(
    request: HttpRequest,
    learner: Learner,
    form: LearnerDetailsForm,
    *,
    stale: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = error_summary(form)
    if stale is not None:
        errors.insert(
            0,
            {
                "href": "#saved-now",
                "text": stale.message(
                    then="Check what is saved now, then save again if your changes are still needed"
                ),
            },
        )
    return render(
        request,
        "learners/change.html",
        {"learner": learner, "form": form, "errors": errors, "stale": stale},
        status=status,
    )


def _stale_page(
    request: HttpRequest, pk: int, form: LearnerDetailsForm, stale: StaleEdit
) -> HttpResponse:
    # Keep what the user typed, show what is saved now, and take the new version so that
    # saving again is a deliberate choice to replace the other person's change.
    learner, _ = learner_for_user(
        signed_in_user(request), pk, purpose="change details, saved since"
    )
    data = request.POST.copy()
    data["lock"] = str(learner.lock)
    retry = LearnerDetailsForm(data, fields=frozenset(form.changeable))
    retry.is_valid()
    return _change_page(request, learner, retry, stale=stale, status=409)
