"""The commissioners' report: provision named in plans that matches no service in the Local
Offer (ADR 0143), as a page and as a CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.provision.unmatched import SECTIONS, unmatched_provision
from sendplan.web.spreadsheets import Cell, Table, to_csv

SECTION_LABELS = {
    "F": "Special educational provision (F)",
    "G": "Health care provision (G)",
    "H1": "Social care provision (H1)",
    "H2": "Other social care provision (H2)",
}


@requires_access(la_staff)
@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    """Providers the plans name that the Local Offer does not list, most rows first."""
    report = unmatched_provision(fetched_by=signed_in_user(request))
    return render(
        request,
        "provision/unmatched.html",
        {
            "report": report,
            "section_labels": [SECTION_LABELS[s] for s in SECTIONS],
            "entries": [
                (entry, [entry.section_count(s) for s in SECTIONS]) for entry in report.unmatched
            ],
            "feed_url": request.build_absolute_uri(reverse("oruk:index")),
        },
    )


@requires_access(la_staff)
@require_GET
def unmatched_csv(request: HttpRequest) -> HttpResponse:
    report = unmatched_provision(fetched_by=signed_in_user(request))
    rows: list[list[Cell]] = [
        [
            entry.provider,
            "Organisation" if entry.named_organisation else "Words in the plan",
            entry.rows,
            entry.plans,
            *(entry.section_count(s) for s in SECTIONS),
        ]
        for entry in report.unmatched
    ]
    table = Table(
        name="Not in the Local Offer",
        title="Provision named in plans that matches no service in the Local Offer",
        header=(
            "Provider",
            "Named as",
            "Rows of provision",
            "Plans",
            *(f"Section {s} rows" for s in SECTIONS),
        ),
        rows=rows,
    )
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    today = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="provision-not-in-the-local-offer-{today}.csv"'
    )
    return response
