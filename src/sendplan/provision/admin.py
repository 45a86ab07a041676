"""Admin for the register's reference data: settings, provision strands, designations."""

from __future__ import annotations

from django.contrib import admin

from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation


class StrandInline(admin.TabularInline):
    model = ProvisionStrand
    extra = 0
    fields = [
        "kind",
        "min_age",
        "max_age",
        "capacity",
        "on_roll",
        "place_funding",
        "top_up",
        "annual_fee",
    ]
    show_change_link = True


class DesignationInline(admin.TabularInline):
    model = StrandDesignation
    extra = 0


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "kind", "phase_of_education", "la_name", "in_area", "is_open"]
    list_filter = ["kind", "in_area", "is_open", "source"]
    search_fields = ["name", "urn", "postcode"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "modified_at", "created_by", "modified_by"]
    inlines = [StrandInline]


@admin.register(ProvisionStrand)
class ProvisionStrandAdmin(admin.ModelAdmin):
    list_display = ["setting", "kind", "capacity", "on_roll", "annual_cost_per_place"]
    list_filter = ["kind", "cost_is_default", "capacity_is_estimate"]
    list_select_related = ["setting"]
    search_fields = ["setting__name"]
    autocomplete_fields = ["setting"]
    readonly_fields = ["created_at", "modified_at", "created_by", "modified_by"]
    inlines = [DesignationInline]


@admin.register(StrandDesignation)
class StrandDesignationAdmin(admin.ModelAdmin):
    list_display = ["strand", "need"]
    list_filter = ["need"]
    list_select_related = ["strand__setting"]
    autocomplete_fields = ["strand"]
