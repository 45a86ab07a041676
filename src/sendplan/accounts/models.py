"""Users, the organisations they work for, and their roles there.

A user's rights come from memberships: a role held in an organisation. What a role may
see is decided in ``sendplan.accounts.access`` and applied by each app's selectors.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    """A person who signs in. Names are for display only; access comes from memberships."""

    class Meta:
        ordering = ["last_name", "first_name"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        SETTING = "setting", "School, college or other setting"
        TRUST = "trust", "Academy trust"
        HEALTH = "health", "Health body"
        SOCIAL_CARE = "social_care", "Social care team"
        EP_SERVICE = "ep_service", "Educational psychology service"
        FAMILY = "family", "Family"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # New-style LA code (E09000022) for local authorities; empty otherwise.
    code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~Q(code=""), name="organisation_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    LA_CASEWORKER = "la_caseworker", "LA EHC coordinator"
    LA_MANAGER = "la_manager", "LA SEND manager or commissioner"
    SETTING_STAFF = "setting_staff", "SENCO or setting SEND lead"
    HEALTH = "health", "Health practitioner"
    SOCIAL_WORKER = "social_worker", "Social worker"
    EP = "ep", "Educational psychologist"
    # Sees an organisation's requests for advice that nobody answers yet, and assigns each
    # to a colleague there (a duty desk); sees no learner's record through this role.
    ADVICE_TRIAGE = "advice_triage", "Advice triage (duty)"
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    ADMIN = "admin", "Administrator"


class Membership(models.Model):
    """A role a user holds in an organisation, from a date until it ends."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_active_per_role",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation}"


class EnrolmentLink(models.Model):
    """A one-time link that lets a user set up an authenticator app (ADR 0109).

    Only the SHA-256 digest of the link's token is kept: the token itself is shown once, to
    whoever issued it, and a copy of this table cannot be turned back into working links.
    A link works until it is used or it expires; issuing a new one deletes the user's
    unused links, so each user has at most one that could still work.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Empty when issued from the command line (`sendplan enrol-link`).
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="enrolment_link_expires_after_issue",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True),
                name="enrolment_link_one_unused_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Set-up link issued {self.issued_at:%Y-%m-%d %H:%M}"
