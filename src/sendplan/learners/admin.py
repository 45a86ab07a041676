"""Admin for the learner app: only the audit trail, and only to read.

Learner records themselves are not in the admin: every read of a record must go through
the service's pages, which check access and write an audit event.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sendplan.learners.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user_name", "action", "learner_id", "detail"]
    list_filter = ["action"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    search_fields = ["user__username"]
    fields = ("at", "user", "user_name", "action", "learner_id", "detail", "session", "address")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
