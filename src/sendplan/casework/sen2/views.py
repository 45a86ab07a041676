"""The SEND manager's SEN2 return pages (ADR 0137): choose the collection, then see the
return made from the record, its checks, what to fix and where, and download it.

URLs hold the collection's year and page numbers only. Every page or file that names
learners audits the read of each of them.
"""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.access import local_area_for
from sendplan.accounts.guards import la_staff, requires_access, signed_in_user
from sendplan.casework.sen2.selectors import (
    ANNEX_A_COLUMNS,
    annex_a_list,
    collection_due,
    collection_for,
    collections,
    sen2_return_for,
)
from sendplan.core.published import published_caseload
from sendplan.engine import SEN2_HEAVY_USE_SHARE, safe_row
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_read_many, audit_record
from sendplan.web.paging import page_links

PER_PAGE = 50
PROBLEM_COLUMNS = ("person", "name", "item", "rule", "whose rule", "kind", "problem", "fix at")


@requires_access(la_staff)
@require_GET
def sen2_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "casework/sen2/index.html",
        {"collections": collections(), "due": collection_due(timezone.localdate())},
    )


@requires_access(la_staff)
@require_GET
def sen2_return_page(request: HttpRequest, year: int) -> HttpResponse:
    user = signed_in_user(request)
    collection_for(year)  # 404 before any work for a year with no census date
    report = sen2_return_for(fetched_by=user, year=year)
    checks = report.checks()
    # ?rule= narrows "To fix" to one rule's problems; a rule id is no one's personal data.
    rule = request.GET.get("rule", "")
    if rule not in {c.rule.id for c in checks if c.errors or c.queries}:
        rule = ""
    problems = [p for p in report.problems if p.problem.rule == rule] if rule else report.problems
    page = Paginator(problems, PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        user=user,
        action=AuditEvent.Action.LIST,
        detail=f"SEN2 return {year}: {len(report.learner_ids)} persons, page {page.number}",
    )
    shown = [p.learner_id for p in page.object_list if p.learner_id is not None]
    audit_read_many(user=user, learner_ids=shown, what=f"SEN2 return {year}, to fix", export=False)
    return render(
        request,
        "casework/sen2/return.html",
        {
            "report": report,
            "collection": report.collection,
            "others": [c for c in collections() if c.year != year],
            "checks": checks,
            "rule": rule,
            "heavy_share": SEN2_HEAVY_USE_SHARE,
            # Last year's published figure for the area, beside this return's.
            "published": published_caseload(area=local_area_for(user), census_year=year - 1),
            "error_count": len(report.errors),
            "query_count": len(report.queries),
            "page_obj": page,
            "page_links": page_links(page),
        },
    )


@requires_access(la_staff)
@require_GET
def sen2_return_xml(request: HttpRequest, year: int) -> HttpResponse:
    user = signed_in_user(request)
    collection_for(year)
    report = sen2_return_for(fetched_by=user, year=year)
    audit_read_many(
        user=user, learner_ids=report.learner_ids, what=f"SEN2 return {year}, XML", export=True
    )
    response = HttpResponse(report.xml, content_type="application/xml; charset=utf-8")
    name = f"sen2-{report.lea}-{year}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires_access(la_staff)
@require_GET
def sen2_problems_csv(request: HttpRequest, year: int) -> HttpResponse:
    user = signed_in_user(request)
    collection_for(year)
    report = sen2_return_for(fetched_by=user, year=year)
    ids = [p.learner_id for p in report.problems if p.learner_id is not None]
    audit_read_many(user=user, learner_ids=ids, what=f"SEN2 return {year}, problems", export=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PROBLEM_COLUMNS)
    base = request.build_absolute_uri("/")[:-1]
    for row in report.problems:
        p = row.problem
        kind = "error" if p.severity == "error" else "query"
        fix = f"{base}{row.fix.url}" if row.fix else ""
        cells = [row.name, p.path, p.rule, p.origin, kind, p.message, fix]
        writer.writerow(["" if p.person is None else p.person, *safe_row(cells)])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sen2-{year}-problems.csv"'
    return response


@requires_access(la_staff)
@require_GET
def annex_a_csv(request: HttpRequest) -> HttpResponse:
    """The area SEND inspection's list of children and young people with a plan, today."""
    user = signed_in_user(request)
    found = annex_a_list(fetched_by=user, on=timezone.localdate())
    audit_read_many(user=user, learner_ids=found.learner_ids, what="Annex A list", export=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ANNEX_A_COLUMNS)
    for row in found.rows:
        writer.writerow(safe_row(row))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"annex-a-plans-{found.on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
