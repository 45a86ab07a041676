"""The shared record of each child or young person aged 0 to 25."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked
from sendplan.engine import NEEDS, SEN2_ETHNICITIES, SEN2_UPN_UNKNOWN

NEED_CHOICES = list(NEEDS.items())


class Learner(Tracked):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Not known"

    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    uln = models.CharField("Unique learner number", max_length=10, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()

    class SocialCare(models.TextChoices):
        NONE = "", "None known"
        CHILD_IN_NEED = "cin", "Child in need"
        CHILD_PROTECTION = "cp", "Child protection plan"
        LOOKED_AFTER = "cla", "Looked-after child"
        CARE_LEAVER = "care_leaver", "Care leaver"

    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # For the SEN2 return and the area SEND inspection (ADR 0128); who sees them is in
    # learners.fields.
    ethnicity = models.CharField(max_length=4, choices=list(SEN2_ETHNICITIES.items()), blank=True)
    upn_unknown = models.CharField(
        "Why there is no UPN or ULN",
        max_length=4,
        choices=list(SEN2_UPN_UNKNOWN.items()),
        blank=True,
    )
    social_care = models.CharField(
        "Children's social care status", max_length=12, choices=SocialCare.choices, blank=True
    )
    postcode = models.CharField(max_length=10, blank=True)
    lsoa_code = models.CharField("LSOA", max_length=9, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    responsible_la = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="learners"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_reason = models.CharField(max_length=200, blank=True)
    #: Made from a request for an assessment (the front door) for a child the council did not
    #: know, until a caseworker confirms it as a new learner or merges it into one it knows.
    provisional = models.BooleanField(default=False)
    # Optimistic locking: a save must name the lock it read.
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["upn"], condition=~Q(upn=""), name="learner_unique_upn"
            ),
            models.UniqueConstraint(
                fields=["nhs_number"], condition=~Q(nhs_number=""), name="learner_unique_nhs"
            ),
        ]
        indexes = [
            # The list pages sort an LA's learners by name; this index serves that order.
            models.Index(
                fields=["responsible_la", "family_name", "given_name", "id"],
                name="learner_la_name_order",
            ),
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        # Deliberately no name: str() ends up in logs and admin messages.
        return f"Learner {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self) -> str:
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n


class Need(Tracked):
    """A need on the learner's record, ranked: rank 1 is the primary need."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="needs")
    code = models.CharField(max_length=4, choices=NEED_CHOICES)
    rank = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["learner", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "rank"], name="need_unique_rank"),
            models.UniqueConstraint(fields=["learner", "code"], name="need_unique_code"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="need_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} (rank {self.rank})"

    @property
    def is_primary(self) -> bool:
        return self.rank == 1


class Involvement(Tracked):
    """Who is involved with the learner, for which organisation, why and since when.

    An open involvement is what gives a practitioner, a SENCO or a parent access.
    """

    class Kind(models.TextChoices):
        CASEWORKER = "caseworker", "EHC coordinator"
        SETTING = "setting", "Setting (SENCO)"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        EP = "ep", "Educational psychology"
        PARENT = "parent", "Parent or carer"
        YOUNG_PERSON = "young_person", "Young person"

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="involvements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="involvements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
        help_text="The named person, where there is one",
    )
    reason = models.CharField(max_length=300)

    class Basis(models.TextChoices):
        STATUTORY = "statutory", "Part of the statutory assessment or plan"
        CONSENT = "consent", "On the family's consent, outside the statutory process"

    # Outside the statutory process, access also needs the family's consent (ADR 0123).
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.STATUTORY)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "ended_on"]),
            models.Index(fields=["organisation", "ended_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation}"


class SharingNotice(Tracked):
    """That the family were told the record is shared with a body for the statutory
    assessment and plan, and any objection they made (ADR 0123).

    This sharing does not rest on consent: the Children and Families Act 2014 and the SEND
    Regulations 2014 require the LA to seek advice from these bodies and to share the plan
    with those who provide it (UK GDPR Art 6(1)(e) public task). An objection is for the LA
    to consider and answer (UK GDPR Art 21); it does not by itself stop the sharing.
    """

    class Purpose(models.TextChoices):
        SHARE_HEALTH = "share_health", "Shared with health for the assessment and plan"
        SHARE_SOCIAL_CARE = (
            "share_social_care",
            "Shared with social care for the assessment and plan",
        )
        SHARE_SETTINGS = "share_settings", "Shared with settings consulted on the plan"

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="sharing_notices")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    told = models.CharField(max_length=100, help_text="Parent, carer or the young person")
    told_on = models.DateField()
    objected_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["purpose", "-told_on"]

    def __str__(self) -> str:
        return self.get_purpose_display()


class ConsentToShare(Tracked):
    """The family's consent to share the record with an organisation outside the statutory
    process (SEND Regulations 2014 reg 17), from the day it is given until the day it is
    withdrawn. An involvement on this basis gives access only while it stands."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="consents"
    )
    given_by = models.CharField(max_length=100, help_text="Parent, carer or the young person")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to share with organisation {self.organisation_id}"


class Placement(Tracked):
    """Where the learner is educated, from a date until it ends. One open placement at a time."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="placements")
    setting = models.ForeignKey(
        "provision.Setting", on_delete=models.PROTECT, related_name="placements"
    )
    strand = models.ForeignKey(
        "provision.ProvisionStrand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=100, blank=True, help_text="The named officer")
    # What the placement costs, pounds a year (the ledger of committed spend, ADR 0132).
    # Blank top-up and fee: the strand's band and fee apply.
    agreed_top_up = models.PositiveIntegerField(
        null=True, blank=True, help_text="Top-up agreed for this learner, pounds a year"
    )
    agreed_fee = models.PositiveIntegerField(
        null=True, blank=True, help_text="Independent or non-maintained fee, pounds a year"
    )
    transport_cost = models.PositiveIntegerField(
        default=0, help_text="Home-to-school transport, pounds a year"
    )
    health_contribution = models.PositiveIntegerField(
        default=0, help_text="Health's share where jointly funded, pounds a year"
    )
    social_care_contribution = models.PositiveIntegerField(
        default=0, help_text="Social care's share where jointly funded, pounds a year"
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"], condition=Q(ended_on__isnull=True), name="placement_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["setting", "ended_on"])]

    def __str__(self) -> str:
        return f"Placement at {self.setting}"


class Exclusion(Tracked):
    """A suspension or a permanent exclusion of the learner from a school, as the school
    records it in the census: the day it starts, the school, the kind, the reason category
    and, for a suspension, how many school days (in halves: a suspension may be for a
    morning or an afternoon session). Who sees and records these is in ``learners.access``
    and ``learners.fields`` (ADR 0145)."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    class Reason(models.TextChoices):
        # The reason categories of the DfE school census (exclusions module).
        PHYSICAL_ASSAULT_PUPIL = "PP", "Physical assault against a pupil"
        PHYSICAL_ASSAULT_ADULT = "PA", "Physical assault against an adult"
        VERBAL_ABUSE_PUPIL = "VP", "Verbal abuse or threatening behaviour against a pupil"
        VERBAL_ABUSE_ADULT = "VA", "Verbal abuse or threatening behaviour against an adult"
        WEAPON = "US", "Use or threat of use of an offensive weapon or prohibited item"
        BULLYING = "BU", "Bullying"
        RACIST_ABUSE = "RA", "Racist abuse"
        SEXUAL_ORIENTATION_GENDER = "LG", "Abuse against sexual orientation or gender identity"
        DISABILITY_ABUSE = "DS", "Abuse relating to disability"
        SEXUAL_MISCONDUCT = "SM", "Sexual misconduct"
        DRUGS_ALCOHOL = "DA", "Drug and alcohol related"
        DAMAGE = "DM", "Damage"
        THEFT = "TH", "Theft"
        DISRUPTIVE = "PD", "Persistent or general disruptive behaviour"
        ONLINE = "MT", "Inappropriate use of social media or online technology"
        PUBLIC_HEALTH = "WP", "Wilful and repeated breach of public health protective measures"

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="exclusions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    started_on = models.DateField("First day")
    school_days = models.DecimalField(
        "School days", max_digits=4, decimal_places=1, null=True, blank=True
    )
    setting = models.ForeignKey(
        "provision.Setting", on_delete=models.PROTECT, related_name="exclusions"
    )
    reason = models.CharField(max_length=2, choices=Reason.choices)
    # Optimistic locking: a correction must name the lock it read (ADR 0145).
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            # A suspension lasts some school days; a permanent exclusion has no length.
            models.CheckConstraint(
                condition=(Q(kind="suspension") & Q(school_days__gt=0))
                | (Q(kind="permanent") & Q(school_days__isnull=True)),
                name="exclusion_days_fit_kind",
            ),
        ]
        indexes = [models.Index(fields=["learner", "started_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%Y-%m-%d}"


class HomeEducation(Tracked):
    """A period the learner is educated at home by the parents' choice (elective home
    education), from a day until it ends, and when the council was told. One open period
    at a time. A child with a plan stays the council's: the plan is reviewed each year
    (CoP 10.30-10.38), and a child at a special school needs the council's consent to be
    taken off its roll (Education (Pupil Registration) Regulations)."""

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="home_education_periods"
    )
    started_on = models.DateField("From")
    ended_on = models.DateField("To", null=True, blank=True)
    #: The day the council was told (by the school that took the child off its roll, or the
    #: family); blank: not told, the council found out another way.
    notified_on = models.DateField("Council told on", null=True, blank=True)
    # Optimistic locking: a correction must name the lock it read (ADR 0145).
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(ended_on__isnull=True),
                name="home_education_one_open",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="home_education_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Home education from {self.started_on:%Y-%m-%d}"


class AuditEvent(models.Model):
    """An append-only record of who read or exported what, and when, from which session and
    address, with the user's name as it was.

    The database refuses to change or delete these rows (triggers installed by a migration);
    only :func:`~sendplan.learners.services.audit_events_purge` may delete, inside one
    transaction that holds an :class:`AuditPurge` row.
    """

    class Action(models.TextChoices):
        VIEW_RECORD = "view_record", "Viewed a learner's record"
        SEARCH = "search", "Searched learners"
        LIST = "list", "Listed learners"
        EXPORT = "export", "Exported learner data"
        API = "api", "Called the API"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # What was asked for, never who: e.g. "page 2", "40 results". No names or identifiers.
    detail = models.CharField(max_length=200, blank=True)
    # The user's name on the day: a later rename does not rewrite the trail.
    user_name = models.CharField(max_length=300, blank=True)
    # Which signed-in session (a fingerprint, not the key) and from which address.
    session = models.CharField(max_length=16, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            # "Who accessed this learner between two dates" (a breach investigation): one
            # range scan of this index, already in time order.
            models.Index(fields=["learner", "at"], name="auditevent_learner_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by user {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


class AuditPurge(models.Model):
    """Present only inside a transaction that deletes audit events on purpose (the demo
    removing its own, a retention rule): the database's trigger refuses a deletion without
    one."""

    reason = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Audit purge {self.pk}: {self.reason}"
