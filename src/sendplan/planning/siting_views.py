"""The siting page: where the next places should go (ADR 0140). Parse, answer, render.

A question is asked in the query string (a GET form: asking changes nothing), so an answer
can be bookmarked, its downloads are the same question, and a what-if is a link. The demo's
area answers in about a second, so the page solves while it is served. For LA staff, as
every planning page; each answer is audited as a list of learners (the page reads the
cohort's homes, and shows none of them on their own).

The candidate sites the page chooses among are listed, added and changed on pages of their
own (no learner on them), saved through ``services.candidate_site_save`` with a lock.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.core.errors import StaleEdit
from sendplan.core.locking import lock_of
from sendplan.engine import OPTIMAL
from sendplan.learners.forms import add_service_errors
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.planning import selectors
from sendplan.planning.charts import HomeMark, SettingMark, area_map
from sendplan.planning.geography import lsoas, ward_of_homes, wards
from sendplan.planning.models import CandidateSite
from sendplan.planning.services import candidate_site_save
from sendplan.planning.siting import (
    CAPITAL_YEARS,
    CENTRAL,
    FIGURES,
    LOWER,
    UPPER,
    SitingAnswer,
    SitingQuestion,
    Together,
    latest_forecast,
    site_options,
    siting_inputs,
    siting_solve,
    siting_together,
)
from sendplan.planning.siting_forms import CandidateSiteForm, SitingForm, candidate_site_initial
from sendplan.planning.stability import DEFAULT_MOVE_COST
from sendplan.web.forms import error_summary
from sendplan.web.spreadsheets import Cell, Table, to_csv, to_xlsx

#: The prefix of the question a what-if is compared with (``was-budget`` and so on).
WAS = "was"
#: The query parameter asking for the lower, central and upper answers side by side.
TOGETHER = "together"
#: The order of the answers side by side (``siting_together``'s).
FIGURES_TOGETHER = (LOWER, CENTRAL, UPPER)


def _forms(request: HttpRequest, user: Any) -> tuple[SitingForm, SitingForm | None, Any, Any]:
    la = selectors.planning_la(fetched_by=user)
    forecast = latest_forecast(la)
    asked = "budget" in request.GET
    form = SitingForm(request.GET if asked else None, forecast=forecast)
    was = None
    if asked and f"{WAS}-budget" in request.GET:
        was = SitingForm(request.GET, prefix=WAS, forecast=forecast)
    return form, was, la, forecast


def _answers(
    user: Any, form: SitingForm, was: SitingForm | None, *, together: bool = False
) -> tuple[SitingAnswer, SitingAnswer | None, Together | None]:
    given = siting_inputs(fetched_by=user)
    question = form.question()
    three = siting_together(given, question) if together and question.year else None
    if three is not None:
        answer = three.answers[list(FIGURES_TOGETHER).index(question.figure)]
    else:
        answer = siting_solve(given, question)
    base = None
    if was is not None and was.is_valid() and was.question() != form.question():
        base = siting_solve(given, was.question())
    learners = answer.learners_today
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"siting: {learners} learners' homes and needs, with forecast demand",
    )
    return answer, base, three


@requires_access(la_staff)
@require_GET
def siting(request: HttpRequest) -> HttpResponse:
    """The question's form, and once asked, where the next places should go."""
    user = signed_in_user(request)
    form, was, la, forecast = _forms(request, user)
    context: dict[str, Any] = {
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "forecast": forecast,
        "capital_years": CAPITAL_YEARS,
        "default_move_cost": DEFAULT_MOVE_COST,
    }
    if form.is_bound and form.is_valid():
        together = request.GET.get(TOGETHER) == "1"
        answer, base, three = _answers(user, form, was, together=together)
        context.update(_result_context(answer, base, form))
        context["together"] = _together(three) if three is not None else None
    else:
        sites, left_out = site_options(la)
        context.update(candidates=len(sites), left_out=left_out)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "planning/siting.html", context, status=status)


def _query(question: SitingQuestion, was: SitingQuestion | None = None) -> str:
    params = SitingForm.query(question)
    if was is not None:
        params.update({f"{WAS}-{k}": v for k, v in SitingForm.query(was).items()})
    return urlencode(params)


def _what_ifs(answer: SitingAnswer) -> list[dict[str, str]]:
    q = answer.question
    url = reverse("planning:siting")
    out = []
    if q.year:
        for figure in FIGURES:
            if figure == q.figure:
                continue
            other = dataclasses.replace(q, figure=figure)
            label = FIGURES[figure].split(" (")[0].lower()
            out.append({"text": f"With the {label} forecast figure",
                        "href": f"{url}?{_query(other, q)}"})  # fmt: skip
    for factor, text in ((0.5, "With half the budget"), (2, "With twice the budget")):
        other = dataclasses.replace(q, budget=int(q.budget * factor))
        out.append({"text": f"{text} (£{other.budget:,})", "href": f"{url}?{_query(other, q)}"})
    if q.year:
        out.append({"text": "Lower, central and upper forecast together",
                    "href": f"{url}?{_query(q)}&{TOGETHER}=1"})  # fmt: skip
    return out


def _together(three: Together) -> dict[str, Any]:
    """The three answers' rows side by side, and the sites chosen in all three."""

    def money(v: int) -> str:
        return f"£{v:,}"

    def payback(a: SitingAnswer) -> str:
        return "Never" if a.payback_years is None else f"{a.payback_years:.1f} years"

    answers = three.answers
    rows: list[tuple[str, list[str]]] = [
        (f"{name}: places", [f"{n:,}" for n in places])
        for name, places in ((r["name"], r["places"]) for r in three.site_rows)
    ]
    rows += [
        ("Learners planned", [f"{a.learners:,}" for a in answers]),
        ("Places added", [f"{a.places_added:,}" for a in answers]),
        ("Capital spent", [money(a.capital) for a in answers]),
        ("Annual saving", [money(a.annual_saving) for a in answers]),
        ("Payback", [payback(a) for a in answers]),
        ("Independent placements avoided", [f"{a.independent_avoided:,}" for a in answers]),
    ]
    return {
        "headings": [FIGURES[f].split(" (")[0] for f in FIGURES_TOGETHER],
        "rows": [{"label": label, "values": values} for label, values in rows],
        "robust": three.robust,
        "year": answers[0].question.year,
    }


def _comparison(answer: SitingAnswer, base: SitingAnswer) -> list[dict[str, Any]]:
    """The two answers' totals side by side, and each candidate's blocks."""

    def money(v: int) -> str:
        return f"£{v:,}"

    rows = [
        ("Demand", base.question.describe().split(", capital")[0],
         answer.question.describe().split(", capital")[0]),
        ("Capital budget", money(base.question.budget), money(answer.question.budget)),
        ("Cost of moving a learner", money(base.question.move_cost),
         money(answer.question.move_cost)),
        ("Capital spread over", f"{base.question.capital_years} years",
         f"{answer.question.capital_years} years"),
        ("Learners planned", f"{base.learners:,}", f"{answer.learners:,}"),
        ("Places added", f"{base.places_added:,}", f"{answer.places_added:,}"),
        ("Capital spent", money(base.capital), money(answer.capital)),
        ("Annual cost with no new places", money(base.cost_without), money(answer.cost_without)),
        ("Annual cost with the new places", money(base.cost_with), money(answer.cost_with)),
        ("Annual saving", money(base.annual_saving), money(answer.annual_saving)),
        ("In independent places or with no local place", f"{base.independent_with:,}",
         f"{answer.independent_with:,}"),
    ]  # fmt: skip
    blocks = {r.option.candidate_id: r for r in base.rows}
    for row in answer.rows:
        was = blocks.get(row.option.candidate_id)
        if row.blocks or (was and was.blocks):
            rows.append(
                (
                    f"{row.option.name}: places",
                    f"{was.places:,}" if was else "0",
                    f"{row.places:,}",
                )
            )
    return [{"label": a, "was": b, "now": c} for a, b, c in rows]


def _map(answer: SitingAnswer) -> dict[str, Any]:
    homes = answer.homes
    marks = [
        HomeMark(
            lat=h["lat"],
            lon=h["lon"],
            learners=h["learners"],
            unplaced=h["unplaced"],
            label=f"{h['lsoa_code'] or 'No LSOA'}: {h['learners']} learners"
            + (f", {h['unplaced']} with no local place" if h["unplaced"] else ""),
        )
        for h in homes
    ]
    places = [
        SettingMark(
            lat=r.option.lat,
            lon=r.option.lon,
            learners=r.places,
            label=f"{r.option.name}: {r.places} new places",
        )
        for r in answer.chosen
    ]
    title = (
        f"Homes of the {answer.learners:,} learners planned, by LSOA, and the "
        f"{len(places)} candidate sites chosen"
    )
    svg = area_map(chart_id="siting-map", title=title, wards=wards(), lsoas=lsoas(),
                   homes=marks, settings=places)  # fmt: skip
    in_ward = ward_of_homes(
        np.array([h["lat"] for h in homes], dtype=float),
        np.array([h["lon"] for h in homes], dtype=float),
        [h["lsoa_code"] for h in homes],
    )
    by_ward: dict[str, dict[str, Any]] = {}
    for h, ward in zip(homes, in_ward, strict=True):
        name = ward.name if ward else ""
        row = by_ward.setdefault(name, {"ward": name, "learners": 0, "unplaced": 0})
        row["learners"] += h["learners"]
        row["unplaced"] += h["unplaced"]
    ward_rows = sorted(by_ward.values(), key=lambda r: (r["ward"] == "", r["ward"]))
    return {"title": title, "svg": svg, "ward_rows": ward_rows}


def _result_context(
    answer: SitingAnswer, base: SitingAnswer | None, form: SitingForm
) -> dict[str, Any]:
    query = _query(answer.question)
    return {
        "answer": answer,
        "base": base,
        "comparison": _comparison(answer, base) if base else [],
        "optimal": answer.status == OPTIMAL,
        "gap_percent": answer.gap * 100,
        "map": _map(answer),
        "not_chosen": [r for r in answer.rows if not r.blocks],
        "what_ifs": _what_ifs(answer),
        "csv_url": f"{reverse('planning:siting-csv')}?{query}",
        "xlsx_url": f"{reverse('planning:siting-xlsx')}?{query}",
    }


# --- Downloads ------------------------------------------------------------------------------

SITES_HEADER = (
    "Candidate site",
    "Kind of place",
    "Host school",
    "Needs",
    "Youngest age",
    "Oldest age",
    "Places a block",
    "Most blocks",
    "Blocks to open",
    "Places added",
    "Places used",
    "Capital (£)",
    "Running cost a place (£ a year)",
    "Annual saving (£)",
    "Payback (years)",
    "Independent placements avoided",
    "Cost of moving a learner (£)",
    "Capital spread over (years)",
)


def site_rows(answer: SitingAnswer) -> list[list[Cell]]:
    """One row per candidate, those chosen first (the page's table, and more), each with the
    move cost and capital years asked (the CSV has no summary sheet)."""
    rows: list[list[Cell]] = []
    for r in sorted(answer.rows, key=lambda r: (not r.blocks, r.option.name)):
        o = r.option
        payback = r.payback_years
        rows.append(
            [
                o.name, o.kind_label, o.host, o.needs, o.min_age, o.max_age, o.block_places,
                o.max_blocks, r.blocks, r.places, r.places_used, r.capital,
                o.annual_cost_per_place, r.annual_saving,
                None if payback is None else round(payback, 1), r.independent_avoided,
                answer.question.move_cost, answer.question.capital_years,
            ]
        )  # fmt: skip
    return rows


def summary_rows(answer: SitingAnswer) -> list[list[Cell]]:
    q = answer.question
    return [
        ["Demand", q.describe().split(", capital")[0]],
        ["Capital budget (£)", q.budget],
        ["Cost of moving a learner (£)", q.move_cost],
        ["Capital spread over (years)", q.capital_years],
        ["Learners moved from their current place", answer.moves],
        ["Learners planned today", answer.learners_today],
        ["Extra learners from the forecast", len(answer.extra_learners)],
        ["Places added", answer.places_added],
        ["Capital spent (£)", answer.capital],
        ["Annual cost with no new places (£)", answer.cost_without],
        ["Annual cost with the new places (£)", answer.cost_with],
        ["Annual saving (£)", answer.annual_saving],
        [
            "Payback (years)",
            None if answer.payback_years is None else round(answer.payback_years, 1),
        ],
        ["In independent places or with no local place, before", answer.independent_without],
        ["In independent places or with no local place, after", answer.independent_with],
        ["Answer", answer.status],
        ["Optimality gap", round(answer.gap, 6)],
    ]


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    user = signed_in_user(request)
    form, _was, _la, _forecast = _forms(request, user)
    if not (form.is_bound and form.is_valid()):
        # The page says what is wrong with the question.
        return redirect(f"{reverse('planning:siting')}?{request.GET.urlencode()}")
    given = siting_inputs(fetched_by=user)
    answer = siting_solve(given, form.question())
    audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        detail=f"siting: {len(answer.rows)} candidate sites, from {answer.learners_today} "
        f"learners' homes and needs, {fmt}",
    )
    name = "where-to-add-places"
    sites = Table(name="Candidate sites", title="Where to add places", header=SITES_HEADER,
                  rows=site_rows(answer))  # fmt: skip
    if fmt == "csv":
        response = HttpResponse(to_csv(sites), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    tables = [
        sites,
        Table(name="Summary", title="Summary", header=("Figure", "Value"),
              rows=summary_rows(answer)),
        Table(name="Extra demand", title="Extra learners from the forecast",
              header=("Primary need", "Phase", "Learners"),
              rows=[[c["need"], c["phase"], c["learners"]] for c in answer.extra_by_cell]),
    ]  # fmt: skip
    response = HttpResponse(
        to_xlsx(tables),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@requires_access(la_staff)
@require_GET
def siting_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@requires_access(la_staff)
@require_GET
def siting_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


# --- Candidate sites ------------------------------------------------------------------------


@requires_access(la_staff)
@require_GET
def candidates(request: HttpRequest) -> HttpResponse:
    """The area's candidate sites, with where each is and whether it is offered."""
    user = signed_in_user(request)
    rows = [
        {"site": c, "where": _where(c), "needs": _needs_text(c.needs)}
        for c in selectors.candidate_sites(fetched_by=user)
    ]
    return render(request, "planning/candidates.html", {"rows": rows})


def _needs_text(needs: str) -> str:
    return "Every need" if needs == "ALL" else ", ".join(needs.split(";"))


def _where(c: CandidateSite) -> str:
    """Where the page will place the candidate, in words (``candidate_location``'s order)."""
    host = c.host_strand.setting if c.host_strand is not None else c.host_setting
    if host is not None:
        return f"At {host.name}"
    if c.latitude is not None and c.longitude is not None:
        return f"{c.latitude:.5f}, {c.longitude:.5f}"
    if c.lsoa_code:
        return f"LSOA {c.lsoa_code}"
    return "No location: left out"


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def candidate_add(request: HttpRequest) -> HttpResponse:
    return _candidate_edit(request, None)


@requires_access(la_staff)
@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_edit(request, pk)


def _candidate_edit(request: HttpRequest, pk: int | None) -> HttpResponse:
    """GET shows the form; POST saves through the service, re-showing what was typed with
    the errors, or with the newer lock when someone else saved first (409)."""
    user = signed_in_user(request)
    la = selectors.planning_la(fetched_by=user)
    row = selectors.candidate_site_for_user(user, pk) if pk is not None else None
    form = CandidateSiteForm(request.POST or None, initial=candidate_site_initial(row))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = candidate_site_save(
                    la=la,
                    changed_by=user,
                    expected_lock=form.cleaned_data["expected_lock"],
                    pk=pk,
                    **form.values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except StaleEdit as stale:
                if pk is not None:
                    row = selectors.candidate_site_for_user(user, pk)
                data = request.POST.copy()
                data["expected_lock"] = str(lock_of(row) if row is not None else 0)
                form = CandidateSiteForm(data)
                form.is_valid()
                form.add_error(None, stale.message(what="this candidate site"))
                status = 409
            else:
                verb = "added to" if pk is None else "changed in"
                messages.success(request, f"{saved.name} has been {verb} the candidate sites")
                return redirect("planning:candidates")
    context: dict[str, Any] = {
        "form": form,
        "site": row,
        "errors": error_summary(form) if request.method == "POST" else [],
        "heading": "Add a candidate site" if row is None else f"Change {row.name}",
        "history": selectors.candidate_site_history(row) if row is not None else [],
    }
    return render(request, "planning/candidate_form.html", context, status=status)
