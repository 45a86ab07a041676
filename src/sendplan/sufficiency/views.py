"""Sufficiency pages for LA staff: parse, call a selector or service, render."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendplan.accounts.access import standing_for
from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.accounts.models import Role
from sendplan.core import tasks as queue
from sendplan.core.errors import StaleEdit
from sendplan.core.locking import lock_of
from sendplan.core.numbers import whole_number
from sendplan.engine import (
    PLACEMENT_KEYS,
    PLACEMENT_LABELS,
    REFORM_LABELS,
    SPECIALIST,
    Decision,
    financial_year,
    financial_year_label,
    move_back,
    new_base,
    new_placement,
    nowcast,
)
from sendplan.sufficiency import selectors, services
from sendplan.sufficiency.dsg import (
    DsgFigures,
    central_line_rows,
    dsg_figures,
    dsg_tables,
    summary_rows,
    uplift_text,
    year_rows,
)
from sendplan.sufficiency.forms import (
    BASE,
    MOVE,
    PLACEMENT,
    AssumptionsForm,
    BudgetForm,
    CentralSpendForm,
    CombinationPartsForm,
    CombineForm,
    DecisionForm,
    NewProvisionForm,
    ScenarioForm,
)
from sendplan.sufficiency.models import (
    COST_FIELDS,
    PHASE_LABELS,
    Assumptions,
    CentralSpend,
    HighNeedsBudget,
)
from sendplan.sufficiency.money import (
    Money,
    central_lines,
    central_rows,
    decision_rows,
    independent_fee_on_record,
    kind_rows,
    money_figures,
    money_tables,
    partner_rows,
    spend_by_kind_chart,
    totals,
)
from sendplan.sufficiency.reform import reform_rows, reform_tables, scenario_rows
from sendplan.sufficiency.report import (
    NEED_LABELS,
    comparison,
    count,
    gap_by_phase,
    gap_cells,
    money,
    nowcast_rows,
    places_chart,
    places_in,
    plans_chart,
    report_for,
    specialist_band,
    spend_chart,
    tables,
)
from sendplan.sufficiency.runs import forecast_run_request
from sendplan.sufficiency.tasks import FORECAST
from sendplan.web.forms import error_summary
from sendplan.web.spreadsheets import Table, to_csv, to_xlsx


def _common(request: HttpRequest) -> dict[str, Any]:
    """Latest run, its report, and any run in progress: what every page starts from."""
    user = signed_in_user(request)
    run = selectors.latest_run(fetched_by=user)
    return {
        "run": run,
        "report": report_for(run) if run else None,
        "pending": selectors.current_run(fetched_by=user),
        "phases": list(PHASE_LABELS.items()),
    }


@requires_access(la_staff)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    report = context["report"]
    live = selectors.live_record(fetched_by=signed_in_user(request), on=timezone.localdate())
    context["nowcast_rows"] = nowcast_rows(nowcast(live), report)
    if report is not None:
        years = report.years
        asked = whole_number(request.GET.get("year"))
        year = asked if asked is not None and asked in years else years[0]
        base = report.baseline
        context.update(
            year=year,
            years=years,
            year_items=[{"value": y, "label": y, "checked": y == year} for y in years],
            plans_chart=plans_chart(report),
            places_chart=places_chart(report),
            plans_rows=[
                {
                    "year": y,
                    "median": count(b.median),
                    "lower": count(b.lower),
                    "upper": count(b.upper),
                }
                for y, b in base.total.items()
            ],
            places_rows=[
                {
                    "year": y,
                    "need": count(specialist_band(base, y).median),
                    "lower": count(specialist_band(base, y).lower),
                    "upper": count(specialist_band(base, y).upper),
                    "capacity": count(places.capacity),
                    "short": count(places.short),
                    "spare": count(places.spare),
                }
                for y in years
                for places in [places_in(base, y)]
            ],
            gap_phase=gap_by_phase(base, years),
            gap_cells=gap_cells(base, year, report.demand.needs),
        )
    return render(request, "sufficiency/overview.html", context)


@requires_access(la_staff)
@require_GET
def spend(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    report = context["report"]
    if report is not None:
        base = report.baseline
        per_place = report.costs["per_place"]
        context.update(
            spend_chart=spend_chart(report),
            spend_rows=[
                {
                    "year": y,
                    "median": money(b.median),
                    "lower": money(b.lower),
                    "upper": money(b.upper),
                }
                for y, b in base.spend_total.items()
            ],
            by_type=[
                {
                    "label": PLACEMENT_LABELS[k],
                    "cost": money(per_place[k]),
                    "source": report.costs["sources"][k],
                    "cells": [money(base.spend[(k, y)]) for y in report.years],
                }
                for k in PLACEMENT_KEYS
            ]
            + [
                {
                    "label": "Transport (learners in specialist placements)",
                    "cost": money(report.costs["transport"]),
                    "source": "assumption",
                    "cells": [money(base.spend[("transport", y)]) for y in report.years],
                }
            ],
            learners=[
                {
                    "label": PLACEMENT_LABELS[k],
                    "cells": [count(base.placements[(k, y)]) for y in report.years],
                }
                for k in PLACEMENT_KEYS
            ],
            specialist_keys=SPECIALIST,
        )
    return render(request, "sufficiency/spend.html", context)


@requires_access(la_staff)
@require_GET
def scenarios(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    report = context["report"]
    context["scenarios"] = selectors.scenario_list(fetched_by=signed_in_user(request))
    if report is not None:
        context["compare"] = comparison(report)
        ran = {p.key for p in report.projections}
        context["not_in_run"] = [s for s in context["scenarios"] if f"scenario-{s.pk}" not in ran]
    return render(request, "sufficiency/scenarios.html", context)


def _scenario_form(request: HttpRequest, pk: int | None) -> HttpResponse:
    user = signed_in_user(request)
    la_code = selectors.la_code_for(user)
    instance = selectors.scenario_for_user(user, pk) if pk is not None else None
    form = ScenarioForm(request.POST or None, instance=instance, la_code=la_code)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "lock"}
        try:
            services.scenario_save(
                changed_by=user, data=data, pk=pk, expected_lock=form.cleaned_data["lock"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "growth_pct" in error.error_dict:
                form.add_error("growth_pct", error.error_dict["growth_pct"])
            else:
                for message in error.messages:
                    form.add_error("name", message)
        except StaleEdit as stale:
            # Keep what was typed, with the new lock: saving again is a deliberate choice.
            assert pk is not None  # only a saved scenario can be changed by someone else
            instance = selectors.scenario_for_user(user, pk)
            retry = request.POST.copy()
            retry["lock"] = str(instance.lock)
            form = ScenarioForm(retry, instance=instance, la_code=la_code)
            form.is_valid()
            errors = [{"href": "#name", "text": stale.message(what="this scenario")}]
            return render(
                request,
                "sufficiency/scenario_form.html",
                {"form": form, "errors": errors + form.error_list(), "scenario": instance},
                status=409,
            )
        else:
            messages.success(request, "Scenario saved. Run the forecast again to see its effect.")
            return redirect("sufficiency:scenarios")
    return render(
        request,
        "sufficiency/scenario_form.html",
        {"form": form, "errors": form.error_list(), "scenario": instance},
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def scenario_new(request: HttpRequest) -> HttpResponse:
    return _scenario_form(request, None)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _scenario_form(request, pk)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def scenario_combine(request: HttpRequest) -> HttpResponse:
    """A new scenario that projects two or more of the LA's scenarios together (ADR 0149).
    It only adds a row, so there is no lock to check."""
    user = signed_in_user(request)
    form = CombineForm(
        request.POST or None, scenarios=selectors.scenarios_to_combine(fetched_by=user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_combine(
                changed_by=user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                part_pks=form.cleaned_data["parts"],
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                for message in errors:
                    # A clash of names (the unique constraint) belongs to the name.
                    form.add_error(key if key in form.fields else "name", message)
        else:
            messages.success(
                request, "Combined scenario saved. Run the forecast again to see its effect."
            )
            return redirect("sufficiency:scenarios")
    return render(
        request, "sufficiency/scenario_combine.html", {"form": form, "errors": form.error_list()}
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def scenario_parts(request: HttpRequest, pk: int) -> HttpResponse:
    """Change which scenarios a combination projects together (ADR 0149)."""
    user = signed_in_user(request)
    combination = selectors.combination_for_user(user, pk)
    scenarios = selectors.scenarios_to_combine(fetched_by=user)
    initial = {
        "parts": [str(p.pk) for p in combination.combines.all()],
        "lock": lock_of(combination),
    }
    form = CombinationPartsForm(request.POST or None, scenarios=scenarios, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_parts_change(
                changed_by=user,
                pk=combination.pk,
                part_pks=form.cleaned_data["parts"],
                expected_lock=form.cleaned_data["lock"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("parts", message)
        except StaleEdit as stale:
            # Keep what was ticked, with the new lock: saving again is a deliberate choice.
            status = 409
            combination = selectors.combination_for_user(user, pk)
            retry = request.POST.copy()
            retry["lock"] = str(lock_of(combination))
            form = CombinationPartsForm(retry, scenarios=scenarios)
            form.is_valid()
            form.add_error(None, stale.message(what="this combined scenario"))
        else:
            messages.success(
                request, "Combined scenario saved. Run the forecast again to see its effect."
            )
            return redirect("sufficiency:scenarios")
    return render(
        request,
        "sufficiency/scenario_parts.html",
        {"form": form, "errors": form.error_list(), "combination": combination},
        status=status,
    )


@requires_access(la_staff)
@require_POST
def scenario_remove(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_for_user(signed_in_user(request), pk)
    try:
        services.scenario_remove(changed_by=signed_in_user(request), pk=scenario.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Scenario “{scenario.name}” removed.")
    return redirect("sufficiency:scenarios")


def _defaults() -> dict[str, Any]:
    return {f: _field(f).default for f in COST_FIELDS}


def _field(name: str) -> Any:
    return Assumptions._meta.get_field(name)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def assumptions(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = selectors.assumptions_for(fetched_by=user)
    form = AssumptionsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "lock"}
        try:
            services.assumptions_update(
                changed_by=user, expected_lock=form.cleaned_data["lock"], data=data
            )
        except StaleEdit as stale:
            # Keep what was typed, with the new lock; the history below shows their change.
            fresh = selectors.assumptions_for(fetched_by=user)
            retry = request.POST.copy()
            retry["lock"] = str(lock_of(fresh))
            form = AssumptionsForm(retry, instance=fresh)
            form.is_valid()
            errors = [{"href": "#main-content", "text": stale.message(what="these assumptions")}]
            return _assumptions_page(request, form, errors + form.error_list(), status=409)
        messages.success(request, "Assumptions saved. Run the forecast again to use them.")
        return redirect("sufficiency:assumptions")
    return _assumptions_page(request, form, form.error_list())


def _assumptions_page(
    request: HttpRequest, form: AssumptionsForm, errors: list[dict[str, str]], status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    defaults = _defaults()
    fields = [
        {
            "field": form[name],
            "default": defaults[name],
            "is_default": form[name].value() in (defaults[name], str(defaults[name])),
        }
        for name in COST_FIELDS
    ]
    history = selectors.assumption_history(fetched_by=user)
    changes = []
    for record in history:
        previous = record.prev_record  # type: ignore[attr-defined]
        if previous is None:
            changed = ["first saved"]
        else:
            delta = record.diff_against(previous)  # type: ignore[attr-defined]
            changed = [
                f"{_field(c.field).verbose_name}: {c.old} to {c.new}"
                for c in delta.changes
                if c.field not in {"lock", "modified_by", "created_by"}
            ]
        changes.append({"record": record, "changed": changed})
    return render(
        request,
        "sufficiency/assumptions.html",
        {
            "form": form,
            "errors": errors,
            "fields": fields,
            "changes": changes,
            "provision": selectors.new_provision_list(fetched_by=user),
            "provision_history": selectors.new_provision_history(fetched_by=user),
            "need_labels": NEED_LABELS,
        },
        status=status,
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def provision_new(request: HttpRequest) -> HttpResponse:
    form = NewProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.new_provision_create(changed_by=signed_in_user(request), data=form.cleaned_data)
        messages.success(request, "Planned provision added. Run the forecast again to use it.")
        return redirect("sufficiency:assumptions")
    return render(
        request, "sufficiency/provision_form.html", {"form": form, "errors": form.error_list()}
    )


@requires_access(la_staff)
@require_POST
def provision_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    if pk not in {p.pk for p in selectors.new_provision_list(fetched_by=user)}:
        raise Http404
    services.new_provision_remove(changed_by=user, pk=pk)
    messages.success(request, "Planned provision removed.")
    return redirect("sufficiency:assumptions")


@requires_access(la_staff)
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    # Pressing it again while a run waits or works returns that run: a double click queues
    # nothing more.
    run = forecast_run_request(la_code=selectors.la_code_for(user), requested_by=user)
    queue.run_enqueue(run=run)
    return redirect("sufficiency:run", pk=run.pk)


@requires_access(la_staff)
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = selectors.run_for_user(user, pk)
    # Whoever looks at a run that lost its worker sees it tried again or failed.
    if not run.is_finished and queue.runs_recover(kind=FORECAST, area=run.la_code):
        run = selectors.run_for_user(user, pk)
    inputs = run.inputs or {}
    files = [*inputs.get("releases", []), *filter(None, [inputs.get("population")])]
    return render(
        request,
        "sufficiency/run.html",
        {
            "shown": run,
            "runs": selectors.run_list(fetched_by=user),
            # Which published files, by name; where they sit on the server and their hashes
            # are for the administrators who reproduce a run, not for the pages' readers.
            "file_names": [PurePath(str(f.get("path", ""))).name for f in files],
            "files": files,
            "provenance": Role.ADMIN in standing_for(user).roles,
        },
    )


_TABLES = {"plans", "gap", "spend", "scenarios"}


@requires_access(la_staff)
@require_GET
def download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    run = selectors.latest_run(fetched_by=signed_in_user(request))
    if run is None or (fmt == "csv" and table not in _TABLES) or fmt not in {"csv", "xlsx"}:
        raise Http404
    return _table_download(tables(report_for(run)), f"sufficiency-run-{run.pk}", table, fmt)


def _table_download(found: list[Table], stem: str, table: str, fmt: str) -> HttpResponse:
    """One table as CSV, or ``all`` of them as an Excel workbook; 404 for anything else."""
    if fmt == "xlsx":
        if table != "all":
            raise Http404
        response = HttpResponse(
            to_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    chosen = next((t for t in found if t.name == table), None)
    if fmt != "csv" or chosen is None:
        raise Http404
    response = HttpResponse(to_csv(chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table}.csv"'
    return response


@requires_access(la_staff)
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    report = context["report"]
    if report is None:
        raise Http404("No finished forecast yet")
    base = report.baseline
    context.update(
        plans_chart=plans_chart(report),
        spend_chart=spend_chart(report),
        places_chart=places_chart(report),
        compare=comparison(report),
        marks=[
            {
                "year": report.year_at(h),
                "plans": base.total[report.year_at(h)],
                "short": count(places_in(base, report.year_at(h)).short),
                "spend": base.spend_total[report.year_at(h)],
            }
            for h in report.horizons
        ],
        count=count,
    )
    context["mark_rows"] = [
        {
            "year": m["year"],
            "plans": f"{count(m['plans'].median)} ({count(m['plans'].lower)} to "
            f"{count(m['plans'].upper)})",
            "short": m["short"],
            "spend": f"{money(m['spend'].median)} ({money(m['spend'].lower)} to "
            f"{money(m['spend'].upper)})",
        }
        for m in context["marks"]
    ]
    found, figures, _ = _dsg(request, context)
    context["positions"] = _positions(figures)
    if found.plan is not None:
        context["dsg_ends"] = [y + 1 for y in found.plan.years]
        context["dsg_rows"] = summary_rows(found.plan)
    return render(request, "sufficiency/summary.html", context)


def _money(
    request: HttpRequest, context: dict[str, Any] | None = None, *, places: bool = True
) -> tuple[Money, dict[str, Any]]:
    """The money figures for the user's LA today (with places commissioned against occupied
    unless ``places`` is False), and what every page starts from."""
    user = signed_in_user(request)
    context = context if context is not None else _common(request)
    today = timezone.localdate()
    this_year = financial_year(today)
    years = [this_year, this_year + 1]
    # Kept for the DSG management plan, which also reads the deficits brought forward.
    context["budgets"] = selectors.budgets_for(fetched_by=user)
    context["central"] = selectors.central_spend_for(fetched_by=user)
    # The area's uplift for central lines not driven by plans (ADR 0146), a fraction a year.
    context["uplift"] = float(selectors.assumptions_for(fetched_by=user).central_uplift_pct) / 100
    context["central_uplift"] = uplift_text(context["uplift"])
    figures = money_figures(
        today=today,
        placements=selectors.committed_placements(fetched_by=user, years=years),
        budgets={y: b.amount for y, b in context["budgets"].items()},
        places=selectors.places_used(fetched_by=user, on=today) if places else [],
        report=context["report"],
        central=central_lines(context["central"]),
        uplift=context["uplift"],
    )
    return figures, context


def _positions(figures: Money) -> list[dict[str, Any]]:
    """Each year's budget position as the money page and the cabinet summary show it."""
    return [
        {
            "position": p,
            "budget": None if p.budget is None else money(p.budget),
            "committed": money(p.committed),
            "central": money(p.central),
            "central_projected": money(p.central_projected) if p.central_projected > 0.5 else None,
            "headroom": None if p.headroom is None else money(abs(p.headroom)),
            "over": p.headroom is not None and p.headroom < 0,
            "forecast": None if p.outturn is None else money(p.outturn),
        }
        for p in figures.positions
    ]


@requires_access(la_staff)
@require_GET
def money_page(request: HttpRequest) -> HttpResponse:
    figures, context = _money(request)
    context.update(
        m=figures,
        year_labels=[financial_year_label(y) for y in figures.years],
        kind_rows=kind_rows(figures),
        partner_rows=partner_rows(figures),
        totals=totals(figures),
        chart=spend_by_kind_chart(figures),
        positions=_positions(figures),
        central_rows=central_rows(context["central"]),
    )
    return render(request, "sufficiency/money.html", context)


@requires_access(la_staff)
@require_GET
def money_download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    figures, context = _money(request)
    stem = f"committed-spend-{figures.today.isoformat()}"
    return _table_download(money_tables(figures, context["central"]), stem, table, fmt)


def _central_form(request: HttpRequest, pk: int | None) -> HttpResponse:
    user = signed_in_user(request)
    this_year = financial_year(timezone.localdate())
    instance = (
        selectors.central_line_for(fetched_by=user, pk=pk)
        if pk is not None
        else CentralSpend(la_code=selectors.la_code_for(user))
    )
    form = CentralSpendForm(request.POST or None, instance=instance, this_year=this_year)
    status = 200
    errors = form.error_list()
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "lock"}
        try:
            services.central_spend_save(
                changed_by=user, data=data, pk=pk, expected_lock=form.cleaned_data["lock"]
            )
        except StaleEdit as stale:
            # Keep what was typed, with the new lock: saving again is a deliberate choice.
            assert pk is not None  # only a saved line can be changed by someone else
            instance = selectors.central_line_for(fetched_by=user, pk=pk)
            retry = request.POST.copy()
            retry["lock"] = str(lock_of(instance))
            form = CentralSpendForm(retry, instance=instance, this_year=this_year)
            form.is_valid()
            errors = [{"href": "#amount", "text": stale.message(what="this line")}]
            status = 409
        else:
            messages.success(request, "Central high-needs spend saved.")
            return redirect("sufficiency:money")
    return render(
        request,
        "sufficiency/central_form.html",
        {"form": form, "errors": errors, "line": instance if pk is not None else None},
        status=status,
    )


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def central_new(request: HttpRequest) -> HttpResponse:
    return _central_form(request, None)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def central_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _central_form(request, pk)


@requires_access(la_staff)
@require_POST
def central_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a line from the form it was read at; refused if someone changed it since."""
    user = signed_in_user(request)
    line = selectors.central_line_for(fetched_by=user, pk=pk)
    lock = whole_number(request.POST.get("lock"))
    try:
        services.central_spend_remove(changed_by=user, pk=line.pk, expected_lock=lock or 0)
    except StaleEdit as stale:
        messages.error(request, stale.message(what="this line"))
        return redirect("sufficiency:central-edit", pk=line.pk)
    messages.success(request, f"{line.get_line_display()} removed.")
    return redirect("sufficiency:money")


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def budget(request: HttpRequest, year: int) -> HttpResponse:
    user = signed_in_user(request)
    this_year = financial_year(timezone.localdate())
    if not this_year - 1 <= year <= this_year + 5:
        raise Http404
    current = selectors.budgets_for(fetched_by=user).get(year) or HighNeedsBudget(
        la_code=selectors.la_code_for(user), financial_year=year
    )
    form = BudgetForm(request.POST or None, instance=current)
    status = 200
    errors = form.error_list()
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_save(
                changed_by=user,
                financial_year=year,
                amount=form.cleaned_data["amount"],
                deficit_brought_forward=form.cleaned_data["deficit_brought_forward"],
                expected_lock=form.cleaned_data["lock"],
            )
        except StaleEdit as stale:
            fresh = selectors.budgets_for(fetched_by=user)[year]
            retry = request.POST.copy()
            retry["lock"] = str(lock_of(fresh))
            form = BudgetForm(retry, instance=fresh)
            form.is_valid()
            errors = [{"href": "#amount", "text": stale.message(what="this budget")}]
            status = 409
        else:
            messages.success(request, f"High-needs budget for {financial_year_label(year)} saved.")
            return redirect("sufficiency:money")
    else:
        errors = form.error_list()
    return render(
        request,
        "sufficiency/budget_form.html",
        {"form": form, "errors": errors, "year_label": financial_year_label(year)},
        status=status,
    )


def _dsg(
    request: HttpRequest, context: dict[str, Any] | None = None
) -> tuple[DsgFigures, Money, dict[str, Any]]:
    figures, context = _money(request, context, places=False)
    budgets = context["budgets"]
    found = dsg_figures(
        central=central_lines(context["central"]),
        figures=figures,
        report=context["report"],
        budgets={y: b.amount for y, b in budgets.items()},
        deficits={y: b.deficit_brought_forward for y, b in budgets.items()},
        uplift=context["uplift"],
    )
    return found, figures, context


@requires_access(la_staff)
@require_GET
def dsg_plan_page(request: HttpRequest) -> HttpResponse:
    found, figures, context = _dsg(request)
    plan = found.plan
    context.update(d=found, m=figures, first_label=financial_year_label(figures.years[0]))
    if plan is not None:
        context.update(
            year_labels=[financial_year_label(y) for y in plan.years],
            ends=[y + 1 for y in plan.years],
            summary_rows=summary_rows(plan),
            without_rows=year_rows(plan.without),
            mitigated=[
                {
                    "name": name,
                    "key": found.names[name],
                    "rows": year_rows(rows, plan.savings(name)),
                }
                for name, rows in plan.mitigated.items()
            ],
            any_assumed=any(r.income_assumed for r in plan.without),
            central_line_rows=central_line_rows(plan, found.uplift),
        )
    return render(request, "sufficiency/dsg_plan.html", context)


@requires_access(la_staff)
@require_GET
def dsg_download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    found, figures, _ = _dsg(request)
    if found.plan is None:
        raise Http404("No DSG management plan yet")
    stem = f"dsg-management-plan-{figures.today.isoformat()}"
    return _table_download(dsg_tables(found), stem, table, fmt)


def _decision(form: DecisionForm, strands: dict[int, Any], fee_on_record: float) -> Decision:
    """The engine's decision from a valid form."""
    data = form.cleaned_data
    kind, starts = data["kind"], data["starts"]
    if kind == PLACEMENT:
        strand = strands[data["strand"]]
        return new_placement(
            cost=selectors.strand_cost(strand),
            starts=starts,
            label=f"A new placement at {strand.setting.name} ({strand.get_kind_display()})",
        )
    if kind == MOVE:
        local, independent = strands[data["strand"]], strands[data["independent"]]
        return move_back(
            fee=selectors.strand_cost(independent),
            local_cost=selectors.strand_cost(local),
            starts=starts,
            label=f"A move from {independent.setting.name} to {local.setting.name}",
        )
    assert kind == BASE
    return new_base(
        places=data["places"],
        cost_per_place=data["cost_per_place"],
        from_independent=data["from_independent"],
        independent_fee=fee_on_record,
        starts=starts,
        label=f"A new base of {data['places']} places",
    )


@requires_access(la_staff)
@require_GET
def decision(request: HttpRequest) -> HttpResponse:
    """What a decision does to this year's and next year's position; nothing is saved."""
    user = signed_in_user(request)
    figures, context = _money(request, places=False)
    strands = selectors.strands_for_decisions(fetched_by=user)
    recorded = independent_fee_on_record(figures)
    fee = recorded if recorded is not None else float(_field("independent_fee").default)
    # Any query (the form sends its empty boxes too) is a decision to check.
    form = DecisionForm(request.GET or None, strands=strands)
    context.update(
        form=form,
        errors=error_summary(form) if form.is_bound else [],
        fee=money(fee),
        fee_source=(
            "the mean of the independent placements on the record this year."
            if recorded is not None
            else "the default fee in the assumptions (no independent placements on the record)."
        ),
        m=figures,
    )
    if form.is_bound and form.is_valid():
        chosen = _decision(form, {s.pk: s for s in strands}, fee)
        context.update(
            decision=chosen,
            annual=money(abs(chosen.annual)),
            rows=decision_rows(figures, chosen),
        )
    return render(request, "sufficiency/decision.html", context)


@requires_access(la_staff)
@require_GET
def reform_plan(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    report = context["report"]
    if report is not None:
        context.update(
            first=report.years[0],
            last=report.years[-1],
            group_labels=list(REFORM_LABELS.values()),
            rows=reform_rows(report.baseline, report.years),
            scenario_rows=scenario_rows(report),
        )
    return render(request, "sufficiency/reform_plan.html", context)


@requires_access(la_staff)
@require_GET
def reform_download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    run = selectors.latest_run(fetched_by=signed_in_user(request))
    if run is None:
        raise Http404("No finished forecast yet")
    stem = f"send-reform-plan-run-{run.pk}"
    return _table_download(reform_tables(report_for(run)), stem, table, fmt)
