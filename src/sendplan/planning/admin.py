"""Admin for the area's candidate sites (ADR 0140). Commissioners list, add and change them on
the planning pages; the admin also sets the strand an "expand a strand" candidate grows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from sendplan.core.locking import lock_bump
from sendplan.planning.models import CandidateSite


@admin.register(CandidateSite)
class CandidateSiteAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "needs",
        "block_places",
        "max_blocks",
        "capital_per_block",
        "annual_cost_per_place",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "la"]
    search_fields = ["name", "host_setting__name"]
    autocomplete_fields = ["la", "host_setting", "host_strand"]
    readonly_fields = ["created_at", "modified_at", "created_by", "modified_by", "lock"]

    def save_model(self, request: Any, obj: CandidateSite, form: Any, change: bool) -> None:
        """Who saved it, and a change moves the lock on, so a page read before is refused."""
        if change:
            lock_bump(obj)
        else:
            obj.created_by = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)
