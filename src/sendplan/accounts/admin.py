"""Admin for users, organisations and memberships (reference data, not case data).

The admin site itself is django-otp's OTPAdminSite (see sendplan/urls.py): staff must
pass a second factor there even when already signed in to the service.

No administrator can give their own account new rights here: their own memberships, staff
and superuser flags, groups and permissions are read-only to them, so a second administrator
must grant them (and the history records who did).

"Reset authenticator app" on the users list removes a user's app and recovery codes and
shows a one-time set-up link to pass on to them (ADR 0109). The link is shown to the
administrator once, in the action's response, and is never logged or stored in plain form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from sendplan.accounts import second_factor, services
from sendplan.accounts.models import EnrolmentLink, Membership, Organisation, User

#: The fields of a user that carry rights.
RIGHTS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _is_self(request: HttpRequest, user: object) -> bool:
    return isinstance(user, User) and user.pk == request.user.pk


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return not _is_self(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return not _is_self(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return not _is_self(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class SendplanUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    actions = ["reset_authenticator_app"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + RIGHTS_FIELDS if _is_self(request, obj) else fields

    @admin.action(
        description="Reset authenticator app and make a set-up link", permissions=["change"]
    )
    def reset_authenticator_app(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> TemplateResponse:
        links = []
        for user in queryset.order_by("username"):
            if not second_factor.role_needs_second_factor(user):
                # Parents and young people sign in with a password only (ADR 0109).
                links.append({"username": user.username, "url": None, "expires": None})
                continue
            issued = services.second_factor_reset(
                user=user,
                reset_by=request.user,  # type: ignore[arg-type]
            )
            links.append({"username": user.username, "url": issued.url, "expires": issued.expires})
        # Shown in this response only, never put in a message: messages may be kept in a
        # cookie until the next page.
        return TemplateResponse(
            request,
            "admin/accounts/user/set_up_links.html",
            {
                **self.admin_site.each_context(request),
                "title": "Set-up links",
                "opts": self.model._meta,
                "links": links,
            },
        )


@admin.register(EnrolmentLink)
class EnrolmentLinkAdmin(admin.ModelAdmin):
    """Who was sent a set-up link, when, and whether it was used. Read only: links are
    made by "Reset authenticator app" or `sendplan enrol-link`, and only digests are kept."""

    list_display = ["user", "issued_at", "expires_at", "used_at", "issued_by"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["user__username"]
    fields = ["user", "issued_at", "expires_at", "used_at", "issued_by"]
    readonly_fields = ["user", "issued_at", "expires_at", "used_at", "issued_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The links are the trail of second-factor set-ups and resets.
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "started_on", "ended_on"]
    list_filter = ["role", "organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        mine = isinstance(obj, Membership) and obj.user_id == request.user.pk
        return not mine and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        mine = isinstance(obj, Membership) and obj.user_id == request.user.pk
        return not mine and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if obj.user_id == request.user.pk:
            raise PermissionDenied("An administrator cannot grant their own account a role.")
        super().save_model(request, obj, form, change)
