"""The front door's pages: a request for an assessment, asked online from the requester's
home page one question at a time, checked and sent; and the caseworker's page that confirms
the record a request made.

The answers live in the requester's session until they send the request (evidence files are
held, not yet anyone's record): nothing reaches a case before then. No names or ids in the
URLs: the request's pages are the same for everyone, the session says whose.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import has_a_role, requires_access, signed_in_user
from sendplan.accounts.models import Role, User
from sendplan.casework import clock
from sendplan.casework.case.forms import add_service_errors
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.intake import forms as intake_forms
from sendplan.casework.intake import services
from sendplan.core.errors import PermissionDenied
from sendplan.documents.checks import size_words
from sendplan.documents.held import held_file_add, held_file_remove, held_files, new_batch
from sendplan.learners.access import children_to_request_for, own_record, request_roles
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.services import audit_read, audit_record
from sendplan.web.forms import error_summary

SESSION = "front_door"
SENT = "front_door_sent"

#: Each question page: its title on the check page and the form that asks it.
STEPS: dict[str, tuple[str, type[forms.Form]]] = {
    "who": ("Who the request is for", intake_forms.WhoForm),
    "child": ("The child", intake_forms.ChildForm),
    "needs": ("Why you are asking", intake_forms.NeedsForm),
    "tried": ("Support tried so far", intake_forms.TriedForm),
    "evidence": ("Evidence", intake_forms.EvidenceForm),
    "family": ("The family know", intake_forms.FamilyForm),
}


def _role(user: User) -> str:
    roles = request_roles(user)
    if not roles:
        raise PermissionDenied
    return roles[0]


def _draft(request: HttpRequest) -> dict[str, Any]:
    draft = request.session.get(SESSION)
    if not isinstance(draft, dict) or draft.get("as_role") != _role(signed_in_user(request)):
        raise Http404("No request started")
    return draft


def _save(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[SESSION] = draft
    request.session.modified = True


def _children(user: User, as_role: str) -> list[Learner]:
    if as_role != Role.PARENT:
        return []
    children = list(children_to_request_for(user).order_by("given_name", "pk"))
    if children:
        audit_record(
            user=user,
            action=AuditEvent.Action.LIST,
            detail=f"request for an assessment: {len(children)} children",
        )
    return children


def steps_for(draft: dict[str, Any]) -> list[str]:
    """The question pages this request asks, in order."""
    steps = ["who"] if draft.get("has_children") else []
    if draft.get("learner") is None:
        steps.append("child")
    steps += ["needs", "tried", "evidence"]
    if draft["as_role"] == Role.SETTING_STAFF:
        steps.append("family")
    return steps


def _next(draft: dict[str, Any], step: str) -> str:
    steps = steps_for(draft)
    later = steps[steps.index(step) + 1 :] if step in steps else []
    return reverse("casework:request-step", args=[later[0]]) if later else _check_url()


def _check_url() -> str:
    return reverse("casework:request-check")


def _back(draft: dict[str, Any], step: str) -> str:
    steps = steps_for(draft)
    index = steps.index(step) if step in steps else 0
    if index == 0:
        return reverse("casework:request-start")
    return reverse("casework:request-step", args=[steps[index - 1]])


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def request_start(request: HttpRequest) -> HttpResponse:
    """What a request is and what it asks; the button starts a fresh one."""
    user = signed_in_user(request)
    as_role = _role(user)
    if request.method == "POST":
        yourself = own_record(user) if as_role == Role.YOUNG_PERSON else None
        draft = {
            "as_role": as_role,
            "has_children": bool(_children(user, as_role)),
            "learner": yourself.pk if yourself else None,
            "batch": new_batch(),
        }
        _save(request, draft)
        return redirect(reverse("casework:request-step", args=[steps_for(draft)[0]]))
    return render(
        request,
        "casework/intake/start.html",
        {
            "as_role": as_role,
            "decision_within": clock.RULES[clock.DECISION_TO_ASSESS].length.describe(),
        },
    )


def _form(step: str, draft: dict[str, Any], user: User, **kwargs: Any) -> forms.Form:
    if step == "who":
        children = _children(user, draft["as_role"])
        return intake_forms.WhoForm(children=[(c.pk, c.full_name) for c in children], **kwargs)
    if step == "child":
        return intake_forms.ChildForm(
            setting=draft["as_role"] == Role.SETTING_STAFF,
            yourself=draft["as_role"] == Role.YOUNG_PERSON,
            **kwargs,
        )
    return STEPS[step][1](**kwargs)


def _initial(step: str, draft: dict[str, Any]) -> dict[str, Any]:
    if step == "who":
        chosen = draft.get("learner")
        return {"child": str(chosen) if chosen else draft.get("child_choice", "")}
    if step == "child":
        child = dict(draft.get("child", {}))
        if child.get("date_of_birth"):
            child["date_of_birth"] = dt.date.fromisoformat(child["date_of_birth"])
        return child
    if step == "family":
        aware = draft.get("family_aware")
        return {
            "family_aware": "" if aware is None else ("yes" if aware else "no"),
            "family_not_told_why": draft.get("family_not_told_why", ""),
        }
    return {step: draft.get(step, "")}


def _store(step: str, draft: dict[str, Any], data: dict[str, Any]) -> None:
    if step == "who":
        choice = data["child"]
        draft["child_choice"] = choice
        draft["learner"] = None if choice == intake_forms.NEW_CHILD else int(choice)
    elif step == "child":
        draft["child"] = {**data, "date_of_birth": data["date_of_birth"].isoformat()}
    elif step == "family":
        draft["family_aware"] = data["family_aware"] == "yes"
        draft["family_not_told_why"] = data["family_not_told_why"]
    else:
        draft[step] = data[step]


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def request_step(request: HttpRequest, step: str) -> HttpResponse:
    user = signed_in_user(request)
    draft = _draft(request)
    if step not in steps_for(draft):
        raise Http404("No such question")
    changing = request.GET.get("change") == "1" or request.POST.get("change") == "1"
    if step == "evidence":
        return _evidence(request, draft, changing=changing)
    if request.method == "GET":
        form = _form(step, draft, user, initial=_initial(step, draft))
        return _question(request, draft, step, form, changing=changing)
    form = _form(step, draft, user, data=request.POST)
    if not form.is_valid():
        return _question(request, draft, step, form, changing=changing)
    _store(step, draft, form.cleaned_data)
    _save(request, draft)
    if changing and step != "who":
        return redirect(_check_url())
    return redirect(_next(draft, step))


def _question(
    request: HttpRequest,
    draft: dict[str, Any],
    step: str,
    form: forms.Form,
    *,
    changing: bool,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        f"casework/intake/{'child' if step == 'child' else 'question'}.html",
        {
            "form": form,
            "step": step,
            "draft": draft,
            "changing": changing,
            "back": _check_url() if changing else _back(draft, step),
            "errors": error_summary(form),
            "setting": draft["as_role"] == Role.SETTING_STAFF,
            "yourself": draft["as_role"] == Role.YOUNG_PERSON,
        },
        status=status,
    )


def _evidence(request: HttpRequest, draft: dict[str, Any], *, changing: bool) -> HttpResponse:
    user = signed_in_user(request)
    batch = draft["batch"]
    form = intake_forms.EvidenceForm()
    status = 200
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        if remove.isdigit():
            held_file_remove(user=user, batch=batch, held_id=int(remove))
            messages.success(request, "File removed")
            return redirect(request.path + ("?change=1" if changing else ""))
        form = intake_forms.EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["upload"]
            if upload is None:
                return redirect(_check_url() if changing else _next(draft, "evidence"))
            try:
                held = held_file_add(user=user, batch=batch, upload=upload)
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, f"{held.original_filename} added")
                return redirect(request.path + ("?change=1" if changing else ""))
        else:
            status = 400
    return render(
        request,
        "casework/intake/evidence.html",
        {
            "form": form,
            "files": held_files(user=user, batch=batch),
            "changing": changing,
            "back": _check_url() if changing else _back(draft, "evidence"),
            "errors": error_summary(form),
            "setting": draft["as_role"] == Role.SETTING_STAFF,
        },
        status=status,
    )


def _answers(draft: dict[str, Any], user: User) -> tuple[Learner | None, list[dict[str, Any]]]:
    """The check page's rows: (title, value, the step that changes it)."""
    learner = None
    rows: list[dict[str, Any]] = []
    if draft.get("learner") is not None:
        learner = children_to_request_for(user).filter(pk=draft["learner"]).first()
        if learner is None and draft["as_role"] == Role.YOUNG_PERSON:
            learner = own_record(user)
        if learner is None:
            raise Http404("No such child")
        audit_read(user=user, learner=learner, what="request for an assessment: check answers")
        rows.append({"key": "Who the request is for", "value": learner.full_name, "step": "who"})
    child = draft.get("child")
    if draft.get("learner") is None and child:
        born = dt.date.fromisoformat(child["date_of_birth"])
        rows += [
            {"key": "Name", "value": f"{child['given_name']} {child['family_name']}"},
            {"key": "Date of birth", "value": born, "date": True},
            {"key": "Home postcode", "value": child.get("postcode") or "Not given"},
        ]
        if "school" in child:
            rows.append({"key": "School, college or nursery", "value": child["school"] or "None"})
        if "upn" in child:
            rows.append({"key": "Unique pupil number", "value": child["upn"] or "Not given"})
        for row in rows:
            row["step"] = "child"
        if draft.get("has_children"):
            rows.insert(
                0, {"key": "Who the request is for", "value": "A child not listed", "step": "who"}
            )
    rows.append({"key": "Why you are asking", "value": draft.get("needs", ""), "step": "needs"})
    rows.append(
        {
            "key": "Support tried so far",
            "value": draft.get("tried") or "None given",
            "step": "tried",
        }
    )
    files = held_files(user=user, batch=draft["batch"])
    rows.append(
        {
            "key": "Evidence",
            "files": [f"{f.original_filename} ({size_words(f.size)})" for f in files],
            "value": "" if files else "None added",
            "step": "evidence",
        }
    )
    if draft["as_role"] == Role.SETTING_STAFF:
        aware = draft.get("family_aware")
        value = "Not answered" if aware is None else ("Yes" if aware else "No")
        if aware is False and draft.get("family_not_told_why"):
            value = f"No: {draft['family_not_told_why']}"
        rows.append({"key": "The family know", "value": value, "step": "family"})
    return learner, rows


def _missing(draft: dict[str, Any]) -> str | None:
    """The first question not answered yet, if any."""
    for step in steps_for(draft):
        if step == "who" and "child_choice" not in draft and draft.get("learner") is None:
            return step
        if step == "child" and not draft.get("child"):
            return step
        if step == "needs" and not draft.get("needs"):
            return step
        if step == "family" and draft.get("family_aware") is None:
            return step
    return None


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def request_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, each with a link to change it; sending starts the legal clock."""
    user = signed_in_user(request)
    draft = _draft(request)
    missing = _missing(draft)
    if missing is not None:
        return redirect(reverse("casework:request-step", args=[missing]))
    learner, rows = _answers(draft, user)
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        child = None
        if draft.get("learner") is None:
            data = dict(draft["child"])
            child = services.Child(
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=dt.date.fromisoformat(data["date_of_birth"]),
                postcode=data.get("postcode", ""),
                school=data.get("school", ""),
                upn=data.get("upn", ""),
            )
        try:
            sent = services.request_submit(
                requester=user,
                as_role=draft["as_role"],
                child=child,
                learner_id=learner.pk if learner is not None else None,
                needs=draft.get("needs", ""),
                tried=draft.get("tried", ""),
                family_aware=draft.get("family_aware"),
                family_not_told_why=draft.get("family_not_told_why", ""),
                evidence_batch=draft["batch"],
            )
        except ValidationError as error:
            errors = [
                {"href": "#answers", "text": message}
                for messages_ in error.message_dict.values()
                for message in messages_
            ]
            status = 400
        except TransitionRefused as refused:
            errors = [{"href": "#answers", "text": refused.message}]
            status = 409
        else:
            del request.session[SESSION]
            request.session[SENT] = {
                "reference": sent.reference,
                "received_on": sent.case.received_on.isoformat(),
            }
            return redirect("casework:request-sent")
    return render(
        request,
        "casework/intake/check.html",
        {"rows": rows, "errors": errors, "setting": draft["as_role"] == Role.SETTING_STAFF},
        status=status,
    )


@requires_access(has_a_role)
@require_GET
def request_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation: the reference, and what happens next, with the decision's due date."""
    sent = request.session.get(SENT)
    if not isinstance(sent, dict):
        raise Http404("No request sent")
    received = dt.date.fromisoformat(sent["received_on"])
    return render(
        request,
        "casework/intake/sent.html",
        {
            "reference": sent["reference"],
            "received_on": received,
            "decision_due": clock.due(clock.DECISION_TO_ASSESS, received),
            "decision_within": clock.RULES[clock.DECISION_TO_ASSESS].length.describe(),
        },
    )
