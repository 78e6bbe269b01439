"""Paper double entry: a printed form keyed in twice by two clerks, compared field by field, its conflicts
resolved against the scanned page, and only then sent to the ingestion pipeline. See docs/collection.md.

A `PaperForm` is one printed form of one facility in one round (identified by its QR code). Its entries, scans and
resolution are history: they are never changed or deleted (the models refuse it, and so do database triggers,
migration 0002). Only the paper form's own state moves on, through `rasd.paperentry.services`, with audit entries.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q


class AppendOnlyError(Exception):
    """Somebody tried to change or delete a stored entry, scan or resolution."""


class AppendOnly(models.Model):
    """Rows written once: `save()` inserts, never updates; `delete()` is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} {self.pk} is history: it cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} {self.pk} is history: it cannot be deleted")


class PaperFormState(models.TextChoices):
    FIRST_ENTRY = "first_entry", _("Waiting for the first entry")
    SECOND_ENTRY = "second_entry", _("Waiting for the second entry")
    CONFLICTS = "conflicts", _("Conflicts to resolve")
    SENT = "sent", _("Sent to the pipeline")


class PaperForm(models.Model):
    """One printed form of a facility in a round, keyed in twice. Placed in the health administration through its
    facility's directorate and sector (copied on the row, like `Submission`), so `scoped()` can limit it."""

    round = models.ForeignKey(
        "collection.Round", on_delete=models.PROTECT, related_name="paper_forms", verbose_name=_("round")
    )
    version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire version"),
    )
    facility = models.ForeignKey(
        "registry.Facility", on_delete=models.PROTECT, related_name="paper_forms", verbose_name=_("facility")
    )
    directorate = models.ForeignKey("registry.Directorate", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("registry.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    qr_payload = models.CharField(_("QR code as read"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=PaperFormState.choices, default=PaperFormState.FIRST_ENTRY
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    # What the pipeline stored (always, once sent) and the record built from it (None only while the pipeline
    # waits to complete it, see rasd.submissions.ingest.process_pending).
    raw = models.OneToOneField(
        "submissions.RawSubmission", on_delete=models.PROTECT, null=True, blank=True, related_name="paper_form"
    )
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="paper_forms"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("paper form")
        verbose_name_plural = _("paper forms")
        constraints = [
            # A second clerk scanning the same QR code lands on the same paper form until it is sent.
            models.UniqueConstraint(
                fields=["round", "facility", "version"],
                condition=~Q(state="sent"),
                name="paper_form_open_unique",
            ),
        ]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.round.code} · {self.facility.code} · {self.version.version}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="directorate__authority", directorate="directorate", sector="sector")


class PaperEntry(AppendOnly):
    """One clerk's keying of the paper form: answers keyed by field path, typed exactly as
    `SubmissionVersion.answers` stores them (blank answers left out)."""

    paper_form = models.ForeignKey(PaperForm, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveSmallIntegerField(_("entry"))
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("keyed by")
    )
    answers = models.JSONField(_("answers"), default=dict)
    created_at = models.DateTimeField(_("keyed"), auto_now_add=True)

    class Meta:
        ordering = ["paper_form", "number"]
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper entries")
        constraints = [
            models.UniqueConstraint(fields=["paper_form", "number"], name="paper_entry_number_unique"),
            models.UniqueConstraint(fields=["paper_form", "clerk"], name="paper_entry_clerk_unique"),
            models.CheckConstraint(condition=Q(number__in=[1, 2]), name="paper_entry_number_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_form_id} #{self.number}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="paper_form__directorate__authority",
            directorate="paper_form__directorate",
            sector="paper_form__sector",
        )


class PaperScan(AppendOnly):
    """A scanned page (image or PDF) of the paper form. Stored by content, like submission attachments, so the
    same bytes become the record's attachment without a second copy on disk."""

    paper_form = models.ForeignKey(PaperForm, on_delete=models.PROTECT, related_name="scans")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("file"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["paper_form", "uploaded_at", "pk"]
        verbose_name = _("scanned page")
        verbose_name_plural = _("scanned pages")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return PaperEntry.in_scope_q(scope)


class ChoiceSource(models.TextChoices):
    FIRST = "first", _("Entry 1")
    SECOND = "second", _("Entry 2")
    TYPED = "typed", _("Typed by the resolver")


class PaperResolution(AppendOnly):
    """The conflicts of a paper form settled by a third user against the scanned page. `choices` holds, per
    conflicting field, `{"path", "first", "second", "chosen", "source"}` (source: a `ChoiceSource`); `answers` the
    final answers sent to the pipeline."""

    paper_form = models.OneToOneField(PaperForm, on_delete=models.PROTECT, related_name="resolution")
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("resolved by")
    )
    choices = models.JSONField(_("choices"), default=list)
    answers = models.JSONField(_("final answers"), default=dict)
    created_at = models.DateTimeField(_("resolved"), auto_now_add=True)

    class Meta:
        verbose_name = _("paper form resolution")
        verbose_name_plural = _("paper form resolutions")

    def __str__(self) -> str:
        return f"{self.paper_form_id}: {self.resolver_id}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return PaperEntry.in_scope_q(scope)
