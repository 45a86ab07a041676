"""Admin views of casework: read-mostly, for support staff; changes go through services."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case, CaseException
from sendplan.casework.disputes.models import Tribunal
from sendplan.casework.plans.models import Consultation, Plan, PlanVersion
from sendplan.casework.reviews.models import Review


class ReadOnlyMixin:
    """Case data changes only through the services (clock, locks, validation)."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    pass


class ReadOnlyPlainAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "stage", "received_on", "caseworker", "final_issued_on")
    list_filter = ("stage", "source")


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("id", "plan", "number", "status", "purpose", "issued_on")
    list_filter = ("status", "purpose")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("id", "plan", "due_on", "meeting_on", "decision", "decided_on")


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "kind", "organisation", "requested_on", "due_on", "received_on")


@admin.register(Plan)
class PlanAdmin(ReadOnlyPlainAdmin):
    list_display = ("id", "status", "issued_on", "ceased_on", "cease_reason")


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "setting", "sent_on", "response_due_on", "response")


@admin.register(CaseException)
class CaseExceptionAdmin(ReadOnlyPlainAdmin):
    list_display = ("id", "case", "key", "starts_on", "ends_on")


@admin.register(Tribunal)
class TribunalAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "about", "registered_on", "outcome")
