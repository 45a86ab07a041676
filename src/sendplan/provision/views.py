"""The register of places and a setting's page: parse, call a selector, render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sendplan.accounts.guards import professional, requires_access, signed_in_user
from sendplan.engine import NEED_CODES
from sendplan.provision.forms import RegisterFilterForm
from sendplan.provision.models import Setting
from sendplan.provision.selectors import ORDERS, setting_for_user, setting_list
from sendplan.web.paging import page_links

PAGE_SIZE = 50
FILTER_GROUPS = ("need", "phase", "area", "kind")


@requires_access(professional)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET)
    form.is_valid()  # a field with an error narrows nothing; the errors are shown
    order = request.GET.get("sort", ORDERS[0])
    order = order if order in ORDERS else ORDERS[0]
    settings = setting_list(
        fetched_by=signed_in_user(request), filters=form.to_filter(), order=order
    )
    page = Paginator(settings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "provision/register.html",
        {
            "form": form,
            "errors": _errors(form),
            "order": order,
            "sort_links": {o: _sorted_by(request.GET, o) for o in ORDERS},
            "chosen": _chosen_filters(form, request.GET),
            "page": page,
            "rows": [_row(found) for found in page.object_list],
            "page_links": page_links(page),
        },
    )


@requires_access(professional)
@require_GET
def setting(request: HttpRequest, pk: int) -> HttpResponse:
    found = setting_for_user(signed_in_user(request), pk)
    strands = list(found.strands.all())
    return render(
        request,
        "provision/setting.html",
        {
            "setting": found,
            "strands": strands,
            "totals": {
                "capacity": sum(s.capacity for s in strands),
                "on_roll": sum(s.roll for s in strands),
                "promised": sum(s.promised for s in strands),
                "vacancies": sum(s.vacancies for s in strands),
            },
            "any_capacity_estimate": any(s.capacity_is_estimate for s in strands),
            "any_cost_default": any(s.cost_is_default for s in strands),
        },
    )


def _row(found: Setting) -> dict[str, Any]:
    """One line of the register: totals over the prefetched strands, needs in SEN2 order."""
    strands = list(found.strands.all())
    codes = {d.need for strand in strands for d in strand.designations.all()}
    return {
        "setting": found,
        "has_strands": bool(strands),
        # A mainstream strand takes every need; thirteen codes in a row say less than "All".
        "needs": ["All needs"]
        if codes >= set(NEED_CODES)
        else [code for code in NEED_CODES if code in codes],
        "capacity": sum(s.capacity for s in strands),
        "vacancies": sum(s.vacancies for s in strands),
    }


def _errors(form: RegisterFilterForm) -> list[dict[str, str]]:
    """The error summary: each message links to its field (the first box of a group)."""
    return [
        {"href": f"#filter-{name}", "text": " ".join(str(e) for e in errors)}
        for name, errors in form.errors.items()
    ]


def _sorted_by(query: QueryDict, order: str) -> str:
    """The same filters in another order, back on page 1."""
    params = query.copy()
    params.pop("page", None)
    params.pop("sort", None)
    if order != ORDERS[0]:
        params["sort"] = order
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _without(query: QueryDict, name: str, value: str | None = None) -> str:
    """The query string with one filter value (or the whole field) removed, back on page 1."""
    remaining = query.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in query.getlist(name) if v != value])
    encoded = remaining.urlencode()
    return f"?{encoded}" if encoded else "?"


def _chosen_filters(form: RegisterFilterForm, query: QueryDict) -> list[dict[str, str]]:
    """The filters in force, each with a link that removes it (MOJ "selected filters")."""
    data = getattr(form, "cleaned_data", {})
    chosen = []
    if data.get("text"):
        chosen.append(
            {"group": "Name or URN", "label": data["text"], "remove_url": _without(query, "text")}
        )
    for name in FILTER_GROUPS:
        labels = dict(form.fields[name].choices)  # type: ignore[attr-defined]
        for value in data.get(name) or ():
            chosen.append(
                {
                    "group": str(form.fields[name].label),
                    "label": str(labels[value]),
                    "remove_url": _without(query, name, value),
                }
            )
    if data.get("vacancies"):
        chosen.append(
            {
                "group": "Vacancies",
                "label": "Only with vacancies",
                "remove_url": _without(query, "vacancies"),
            }
        )
    return chosen
