"""Submissions: what arrived (raw, immutable) and the records built from it (a version chain per record).

Every source — OpenRosa, browser entry, paper double entry, imports, the simulator — goes through
`rasd.submissions.ingest`. A `RawSubmission` and its attachments are stored first and never change; the
record (`Submission`) and each of its `SubmissionVersion`s are derived from them. See docs/collection.md.
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q


class Source(models.TextChoices):
    OPENROSA = "openrosa", _("ODK Collect (OpenRosa)")
    WEB = "web", _("Browser entry")
    PAPER = "paper", _("Paper form")
    IMPORT = "import", _("Import")
    SIMULATOR = "simulator", _("Simulator")


class RawSubmission(models.Model):
    """The instance XML exactly as received (zlib-compressed), stored before anything else happens.
    Append-only: database triggers refuse UPDATE and DELETE (migration 0002)."""

    instance_id = models.CharField(_("instance ID"), max_length=255, unique=True)
    # Only one edit of a given version can ever be stored: the database refuses a second successor.
    deprecated_id = models.CharField(_("deprecated ID"), max_length=255, null=True, blank=True, unique=True)
    sha256 = models.CharField(_("SHA-256 of the XML"), max_length=64)
    xml_zlib = models.BinaryField(_("XML (compressed)"))
    size = models.PositiveIntegerField(_("size in bytes"))
    form_id = models.CharField(_("form ID"), max_length=100)
    form_version = models.CharField(_("form version"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(_("received"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        "collection.DeviceToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    # Why an edit was made (browser, paper and review edits ask for one; ODK Collect edits carry none).
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("raw submission")
        verbose_name_plural = _("raw submissions")

    def __str__(self) -> str:
        return self.instance_id

    @property
    def xml(self) -> bytes:
        return zlib.decompress(bytes(self.xml_zlib))


def attachment_path(instance: Attachment, filename: str) -> str:
    # Content-addressed, so the stored name never depends on what a phone called the file.
    return f"submissions/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file sent with a submission (photo, signature, scanned paper page). Append-only like the raw XML;
    later split posts of the same instance add rows, never replace them."""

    raw = models.ForeignKey(RawSubmission, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["raw", "name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.UniqueConstraint(fields=["raw", "name"], name="attachment_name_unique")]

    def __str__(self) -> str:
        return self.name


class SubmissionState(models.TextChoices):
    """Where a record stands. The first four are set by the pipeline (see `rasd.review.states`); the others are
    reviewers' decisions, which only `rasd.review.services` makes and a new version undoes. See docs/review.md."""

    RECEIVED = "received", _("Received")
    QUARANTINED = "quarantined", _("In quarantine")
    HAS_ISSUES = "has_issues", _("Has issues")
    EDITED = "edited", _("Edited")
    RETURNED = "returned", _("Returned to the collector")
    APPROVED_DIRECTORATE = "approved_directorate", _("Approved by the directorate")
    APPROVED_NATIONAL = "approved_national", _("Approved nationally")
    REJECTED = "rejected", _("Rejected")


# A visit that counts towards a round's completeness: a placed record nobody rejected.
COUNTED_STATES = frozenset(set(SubmissionState) - {SubmissionState.QUARANTINED, SubmissionState.REJECTED})
# Approved at the first (directorate) or the second (national) level.
APPROVED_STATES = frozenset({SubmissionState.APPROVED_DIRECTORATE, SubmissionState.APPROVED_NATIONAL})


class QuarantineReason(models.TextChoices):
    UNKNOWN_FACILITY = "unknown_facility", _("The facility code is not in the master list")
    NO_FACILITY = "no_facility", _("The submission names no facility")
    FACILITY_CLOSED = "facility_closed", _("The facility is closed")
    NOT_EXPECTED = "not_expected", _("The facility is not expected in this round")
    OUTSIDE_ASSIGNMENT = "outside_assignment", _("The facility is outside the collector's assignment")
    FACILITY_CHANGED = "facility_changed", _("An edit changed the facility of the record")


class Submission(models.Model):
    """One record: a facility's answers in a round, through all its versions. Identified by the instanceID
    of its first version. Placed in the health administration through its facility (or, in quarantine
    without a facility, through the submitter's directorate/sector) so `scoped()` can limit it."""

    round = models.ForeignKey("collection.Round", on_delete=models.PROTECT, related_name="submissions")
    questionnaire = models.ForeignKey("questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="+")
    first_instance_id = models.CharField(_("instance ID of the first version"), max_length=255, unique=True)
    current_version = models.OneToOneField(
        "SubmissionVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    facility = models.ForeignKey(
        "registry.Facility", on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    directorate = models.ForeignKey(
        "registry.Directorate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sector = models.ForeignKey("registry.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=SubmissionState.choices, default=SubmissionState.RECEIVED
    )
    quarantine_reason = models.CharField(
        _("reason for quarantine"), max_length=30, choices=QuarantineReason.choices, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("first received"))
    updated_at = models.DateTimeField(_("last received"))

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            models.Index(fields=["round", "state"]),
            models.Index(fields=["round", "facility"]),
            models.Index(fields=["round", "-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.first_instance_id

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="directorate__authority", directorate="directorate", sector="sector")


class SubmissionVersion(models.Model):
    """One version of a record, built from one RawSubmission. Append-only (migration 0002): an edit is a
    new version whose `deprecated_id` names the version it replaces."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    raw = models.OneToOneField(RawSubmission, on_delete=models.PROTECT, related_name="version")
    instance_id = models.CharField(_("instance ID"), max_length=255, unique=True)
    deprecated_id = models.CharField(_("deprecated ID"), max_length=255, blank=True)
    questionnaire_version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion", on_delete=models.PROTECT, related_name="+"
    )
    # Answers keyed by field path (as in QuestionnaireField.path), typed by the field catalogue:
    # int, float, str, list[str] for select_multiple, dates as ISO strings; empty answers are left out.
    answers = models.JSONField(_("answers"), default=dict)
    facility_code = models.CharField(_("facility code as submitted"), max_length=40, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    altitude = models.FloatField(null=True, blank=True)
    accuracy = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(_("started on the device"), null=True, blank=True)
    ended_at = models.DateTimeField(_("finished on the device"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        "collection.DeviceToken", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["submission", "number"]
        verbose_name = _("submission version")
        verbose_name_plural = _("submission versions")
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submission_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="submission__directorate__authority",
            directorate="submission__directorate",
            sector="submission__sector",
        )
