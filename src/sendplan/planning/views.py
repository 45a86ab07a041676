"""Planning pages: parse, call a selector or service, render.

Commissioners' pages are for LA staff (``requires_access(la_staff)``); a run of another LA
is 404. The suitable-places page is on a learner's record: ``learner_for_user`` decides who
may see the learner (404 otherwise), and only LA staff may see the costs (403).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendplan.accounts.access import standing_for
from sendplan.accounts.guards import has_a_role, la_staff, requires_access, signed_in_user
from sendplan.core import tasks as queue
from sendplan.core.dates import govuk_date
from sendplan.core.errors import Http404, PermissionDenied, StaleEdit
from sendplan.core.locking import lock_of
from sendplan.learners.models import AuditEvent, Learner, Placement
from sendplan.learners.selectors import learner_for_user
from sendplan.learners.services import audit_record
from sendplan.planning import selectors, stability
from sendplan.planning.cohort import REASON_LABELS, CohortDefinition, planning_date
from sendplan.planning.explain import family_words, proposal_explanation
from sendplan.planning.exports import HEADER, run_rows
from sendplan.planning.forms import (
    KIND_CHOICES,
    AreaSettingsForm,
    CohortForm,
    DecisionForm,
    WhatIfForm,
)
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.report import run_report
from sendplan.planning.runs import area_settings_for, planning_run_request
from sendplan.planning.services import (
    DecisionRefused,
    area_settings_update,
    proposal_decide,
)
from sendplan.planning.suitable import suitable_places as suitable_places_for
from sendplan.planning.tasks import PLANNING
from sendplan.provision.models import ProvisionStrand
from sendplan.provision.places import with_places
from sendplan.web.forms import error_summary
from sendplan.web.paging import page_links, paginate
from sendplan.web.spreadsheets import Table, to_csv, to_xlsx

#: Seconds between automatic reloads of a run still in progress (the Refresh header; no JS).
REFRESH_SECONDS = 2


def _index_context(request: HttpRequest, form: CohortForm) -> dict[str, Any]:
    user = signed_in_user(request)
    la = selectors.planning_la(fetched_by=user)
    queue.runs_recover(kind=PLANNING, area=la.pk)
    area = area_settings_for(la)
    return {
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "area": area,
        "runs": selectors.recent_runs(fetched_by=user),
        "planning_on": planning_date(timezone.localdate()),
        "who_may_move": stability.rules_text(area.move_rules),
    }


@requires_access(la_staff)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/index.html", _index_context(request, CohortForm()))


@requires_access(la_staff)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST)
    if not form.is_valid():
        return render(request, "planning/index.html", _index_context(request, form))
    user = signed_in_user(request)
    definition = CohortDefinition(
        on=planning_date(timezone.localdate()),
        phase_transfers=form.cleaned_data["phase_transfers"],
        independent=form.cleaned_data["independent"],
        without_placement=form.cleaned_data["without_placement"],
        kinds=tuple(form.cleaned_data["kinds"]),
    )
    run = planning_run_request(
        la=selectors.planning_la(fetched_by=user),
        requested_by=user,
        cohort=definition,
        move_cost=form.cleaned_data["move_cost"],
    )
    queue.run_enqueue(run=run)
    return redirect("planning:run", pk=run.pk)


@requires_access(la_staff)
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = selectors.run_for_user(user, pk)
    context: dict[str, Any] = {
        "run": run,
        "reason_labels": REASON_LABELS,
        "cohort_text": CohortDefinition.from_json(run.cohort).describe(),
    }
    if not run.is_finished:
        # Whoever watches a run that lost its worker sees it tried again or failed.
        if queue.runs_recover(kind=PLANNING, area=run.la_id):
            run = context["run"] = selectors.run_for_user(user, pk)
        response = render(request, "planning/run_progress.html", context)
        response["Refresh"] = str(REFRESH_SECONDS)
        return response
    if run.status == PlanningRun.Status.DONE:
        page = paginate(request, selectors.proposals_page_queryset(run))
        audit_record(
            user=user,
            action=AuditEvent.Action.LIST,
            detail=f"planning run {run.pk} proposals page {page.number}, "
            f"{page.paginator.count} learners",
        )
        context.update(
            report=run_report(run),
            page_obj=page,
            page_links=page_links(page),
            stored_inputs=None if run.is_what_if else selectors.stored_inputs(run),
            places_check=selectors.places_check(run),
        )
    return render(request, "planning/run.html", context)


def _export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = signed_in_user(request)
    run = selectors.run_for_user(user, pk)
    if run.status != PlanningRun.Status.DONE:
        raise Http404("This run has no proposals")
    rows = run_rows(run)
    audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        detail=f"planning run {run.pk} proposals, {len(rows)} learners, {fmt}",
    )
    name = f"planning-run-{run.pk}-proposals"
    table = Table(name="Proposals", title=f"Planning run {run.pk}", header=HEADER, rows=rows)
    if fmt == "csv":
        response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            to_xlsx([table]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@requires_access(la_staff)
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "csv")


@requires_access(la_staff)
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "xlsx")


def _strands_for(run: PlanningRun) -> list[ProvisionStrand]:
    kinds = CohortDefinition.from_json(run.cohort).kinds
    strands = ProvisionStrand.objects.filter(kind__in=kinds, setting__is_open=True)
    return list(
        with_places(strands, timezone.localdate())
        .select_related("setting")
        .order_by("setting__name", "kind", "pk")
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or enlarge a strand and re-solve the run's cohort (a new run, in the background)."""
    user = signed_in_user(request)
    base = selectors.run_for_user(user, pk)
    if base.status != PlanningRun.Status.DONE:
        raise Http404("Only a finished run can be the base of a what-if")
    strands = _strands_for(base)
    form = WhatIfForm(request.POST or None, strands=strands)
    if request.method == "POST" and form.is_valid():
        run = planning_run_request(
            la=base.la,
            requested_by=user,
            cohort=CohortDefinition.from_json(base.cohort),
            what_if_strand=form.to_spec(),
            base_run=base,
        )
        queue.run_enqueue(run=run)
        return redirect("planning:run", pk=run.pk)
    return render(
        request,
        "planning/what_if.html",
        {
            "base": base,
            "base_inputs": selectors.stored_inputs(base),
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
        },
    )


def _proposal_page(
    request: HttpRequest,
    proposal: Proposal,
    learner: Learner,
    form: DecisionForm,
    errors: list[dict[str, str]],
    status: int = 200,
) -> HttpResponse:
    # The learner's placement now: part of the read the caller's learner_for_user audited.
    current = (
        Placement.objects.select_related("setting", "strand")
        .filter(learner_id=proposal.learner_id, ended_on__isnull=True)
        .first()
    )
    difference = None
    if proposal.current_cost is not None:
        difference = proposal.proposed_cost - proposal.current_cost
    strand = proposal.proposed_strand
    why = proposal_explanation(proposal)
    return render(
        request,
        "planning/proposal.html",
        {
            "run": proposal.run,
            "proposal": proposal,
            "current": current,
            "difference": difference,
            "difference_abs": abs(difference) if difference is not None else None,
            "vacancies": strand.vacancies if strand is not None else None,
            "reason_label": REASON_LABELS.get(proposal.reason_in_cohort, proposal.reason_in_cohort),
            "why": why,
            "family_words": family_words(why, child=learner) if why.moves else "",
            "form": form,
            "errors": errors,
        },
        status=status,
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, run_pk: int, pk: int) -> HttpResponse:
    """One proposal, the learner's placement now, and the named officer's decision on it."""
    user = signed_in_user(request)
    proposal = selectors.proposal_for_user(user, run_pk, pk)
    learner, _can_edit = learner_for_user(  # 404: not theirs
        user, proposal.learner_id, purpose=f"planning run {proposal.run_id} proposal {proposal.pk}"
    )
    if not selectors.may_decide(user=user, run=proposal.run):
        raise PermissionDenied
    if request.method == "GET":
        return _proposal_page(request, proposal, learner, DecisionForm(), [])
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _proposal_page(request, proposal, learner, form, error_summary(form))
    try:
        decided = proposal_decide(
            proposal_id=proposal.pk,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            starts_on=form.cleaned_data["starts_on"],
            decided_by=user,
        )
    except DecisionRefused as refused:
        proposal.refresh_from_db()
        errors = [{"href": "#decision", "text": refused.message}]
        return _proposal_page(request, proposal, learner, form, errors, status=409)
    if decided.decision == Proposal.Decision.ACCEPTED and decided.starts_on is not None:
        text = (
            f"Proposal for learner {decided.learner_id} accepted: an amendment of their plan "
            f"naming {decided.proposed_setting_name} from {govuk_date(decided.starts_on)} is "
            "ready for the caseworker to send to the family."
        )
    else:
        text = f"Proposal for learner {decided.learner_id} rejected. The reason is recorded."
    messages.success(request, text)
    return redirect("planning:run", pk=decided.run_id)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def area_settings(request: HttpRequest) -> HttpResponse:
    """The LA's transport rate, unplaced price and distance limit, with their history."""
    user = signed_in_user(request)
    la = selectors.planning_la(fetched_by=user)
    area = area_settings_for(la)
    form = AreaSettingsForm(request.POST or None, instance=area, initial={"lock": lock_of(area)})
    if request.method == "POST" and form.is_valid():
        try:
            area_settings_update(
                la=la,
                changed_by=user,
                expected_lock=form.cleaned_data["lock"],
                cost_per_km=form.cleaned_data["cost_per_km"],
                unplaced_cost=form.cleaned_data["unplaced_cost"],
                max_km=form.cleaned_data["max_km"],
                new_plan_months=form.cleaned_data["new_plan_months"],
                independent_review=form.cleaned_data["independent_review"],
            )
        except StaleEdit as stale:
            # Keep what was typed, with the new lock; the history below shows their change.
            area = area_settings_for(la)
            retry = request.POST.copy()
            retry["lock"] = str(lock_of(area))
            form = AreaSettingsForm(retry, instance=area)
            form.is_valid()
            errors = [{"href": "#cost_per_km", "text": stale.message(what="these figures")}]
            history = list(area.history.select_related("history_user")[:10])
            context = {"form": form, "area": area, "errors": errors, "history": history}
            return render(request, "planning/settings.html", context, status=409)
        messages.success(request, "Planning figures saved. New runs will use them.")
        return redirect("planning:settings")
    history = list(area.history.select_related("history_user")[:10]) if area.pk else []
    return render(
        request,
        "planning/settings.html",
        {
            "form": form,
            "area": area,
            "errors": error_summary(cast(Any, form)) if form.is_bound else [],
            "history": history,
        },
    )


@requires_access(has_a_role)
@require_GET
def suitable_places(request: HttpRequest, learner_id: int) -> HttpResponse:
    """Ranked suitable places for one learner, with reasons, for section I of the plan."""
    user = signed_in_user(request)
    learner, _can_edit = learner_for_user(user, learner_id, purpose="suitable places")
    standing = standing_for(user)
    if not standing.is_la_staff or learner.responsible_la_id not in standing.la_ids:
        raise PermissionDenied
    september = request.GET.get("when") == "september"
    wanted = [k for k in request.GET.getlist("kinds") if k in dict(KIND_CHOICES)]
    kinds = tuple(wanted) or CohortDefinition(on=timezone.localdate()).kinds
    area = area_settings_for(learner.responsible_la)
    report = suitable_places_for(learner=learner, area=area, september=september, kinds=kinds)
    return render(
        request,
        "planning/suitable_places.html",
        {
            "learner": learner,
            "report": report,
            "when_items": [
                {"id": "when", "value": "now", "label": "Now", "checked": not september},
                {
                    "id": "when-september",
                    "value": "september",
                    "label": "From next September",
                    "checked": september,
                },
            ],
            "kind_items": [
                {
                    "id": "kinds" if n == 1 else f"kinds-{n}",
                    "value": value,
                    "label": label,
                    "checked": value in kinds,
                }
                for n, (value, label) in enumerate(KIND_CHOICES, start=1)
            ],
            "area": area,
            "record_url": reverse("learners:record", args=[learner.pk]),
        },
    )
