"""Admin for the learner app: only the audit trail, only to read, and only the events about
the administrator's own council's learners (or by its staff). Reading the list is itself
audited.

Learner records and case data are not in the admin: every read of them goes through the
service's pages, which check access and write an audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Membership
from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user_name", "action", "learner_id", "detail"]
    list_filter = ["action"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    search_fields = ["user__username"]
    fields = ("at", "user", "user_name", "action", "learner_id", "detail", "session", "address")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        la_ids = standing_for(request.user).la_ids  # type: ignore[arg-type]
        la_staff = Membership.objects.filter(organisation_id__in=la_ids).values("user_id")
        return (
            super()
            .get_queryset(request)
            .filter(Q(learner__responsible_la_id__in=la_ids) | Q(user_id__in=la_staff))
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        audit_record(
            user=request.user,  # type: ignore[arg-type]
            action=AuditEvent.Action.LIST,
            detail="audit events in the admin",
        )
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        audit_record(
            user=request.user,  # type: ignore[arg-type]
            action=AuditEvent.Action.LIST,
            detail="an audit event in the admin",
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
