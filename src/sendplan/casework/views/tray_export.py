"""The work tray as CSV: the caseworker's current list (same filters, same sort), every row,
not only the page shown.

Written by ``sendplan.web.spreadsheets`` (UTF-8 with a byte-order mark, formula-like text
escaped). The file holds names and dates of birth, so it is for the same people as the tray,
is never cached, and writes one audit event with counts only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sendplan.accounts.models import User
from sendplan.casework.selectors_tray import Tray
from sendplan.casework.views.tray import tray_for, tray_options
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record
from sendplan.web.access import la_staff, requires_access
from sendplan.web.spreadsheets import Cell, Table, to_csv

HEADER = (
    "Case number",
    "Learner record number",
    "Learner",
    "Date of birth",
    "Stage",
    "Deadline",
    "Due date",
    "Days until due",
    "Status",
    "Why at risk",
    "Legal basis",
    "Check locally",
    "Date received",
    "Caseworker",
)


def tray_rows(tray: Tray) -> list[list[Cell]]:
    """One row per tray row, in the tray's order. Dates as YYYY-MM-DD so a spreadsheet
    sorts them; days until due is a number (negative when overdue)."""
    rows: list[list[Cell]] = []
    for row in tray.rows:
        case, learner, deadline = row.case, row.case.learner, row.deadline
        caseworker = case.caseworker
        rows.append(
            [
                case.pk,
                learner.pk,
                learner.full_name,
                learner.date_of_birth.isoformat(),
                case.get_stage_display(),
                deadline.name,
                deadline.due.isoformat(),
                row.days,
                row.group_label,
                deadline.why,
                deadline.basis,
                "Yes" if deadline.unconfirmed else "",
                case.received_on.isoformat(),
                caseworker.display_name if caseworker is not None else "",
            ]
        )
    return rows


@requires_access(la_staff)
@require_GET
def work_tray_csv(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    tray = tray_for(user, tray_options(request), today)
    rows = tray_rows(tray)
    audit_record(
        user=user,
        action=AuditEvent.Action.EXPORT,
        detail=f"work tray CSV, {len(rows)} deadlines on {tray.cases} cases",
    )
    table = Table(name="Work tray", title="Work tray", header=HEADER, rows=rows)
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    # The date only: the file name must say nothing about who is in it.
    response["Content-Disposition"] = f'attachment; filename="work-tray-{today.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    return response
