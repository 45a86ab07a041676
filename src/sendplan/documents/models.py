"""A file kept about a learner: evidence, advice reports, letters, signed plans, review
reports. The bytes live in the ``documents`` storage (``settings.STORAGES``) under a random
name; this row says what they are, who added them, and whether they may be served."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Document(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "Evidence"
        ADVICE_REPORT = "advice_report", "Advice report"
        LETTER = "letter", "Letter"
        SIGNED_PLAN = "signed_plan", "Signed plan"
        REVIEW_REPORT = "review_report", "Review report"
        OTHER = "other", "Other"

    class Scan(models.TextChoices):
        #: Waiting for the virus scanner: not served until it says the file is clean.
        PENDING = "pending", "Being checked for viruses"
        CLEAN = "clean", "Checked: no virus found"
        #: The scanner found a virus: the file is kept aside and never served.
        INFECTED = "infected", "Virus found: the file cannot be downloaded"
        #: No scanner is configured for this service.
        NOT_SCANNED = "not_scanned", "Not checked for viruses"

    #: The id in download links: random, so a link says nothing about the learner or file.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    original_filename = models.CharField(max_length=255)
    #: Worked out from the file's content, never from its name or the browser's word.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    #: The name in the documents storage: random, never the original filename.
    storage_name = models.CharField(max_length=255, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = models.CharField(max_length=20, choices=Scan.choices)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # What the document is part of, besides the learner's record (all optional).
    case = models.ForeignKey(
        "casework.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    advice_request = models.ForeignKey(
        "casework.AdviceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    plan_version = models.ForeignKey(
        "casework.PlanVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    review = models.ForeignKey(
        "casework.Review",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["learner", "uploaded_at"], name="document_learner_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scan_status__in=["pending", "clean", "infected", "not_scanned"]),
                name="document_scan_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Document {self.public_id}"

    @property
    def may_be_served(self) -> bool:
        """Only a file the scanner passed, or one stored where no scanner runs."""
        return self.scan_status in {self.Scan.CLEAN, self.Scan.NOT_SCANNED}


class HeldFile(models.Model):
    """A file uploaded with a request for an assessment that has not been sent yet: checked
    and stored like a document, but nobody's record until the request is sent, when it
    becomes a :class:`Document` of the learner (``held_files_adopt``). ``batch`` is the
    random token of the draft it belongs to, kept in the uploader's session; a batch never
    sent expires (``held_files_expire``)."""

    batch = models.CharField(max_length=32, db_index=True)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"Held file {self.pk}"
