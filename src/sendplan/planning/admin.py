"""Admin for the area's candidate sites (ADR 0140), until the planning pages can edit them."""

from __future__ import annotations

from django.contrib import admin

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
    readonly_fields = ["created_at", "modified_at", "created_by", "modified_by"]
