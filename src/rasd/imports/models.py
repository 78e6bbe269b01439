"""Imports started on the web: the uploaded export, the options, the progress and the report of each.

A job is placed in the health administration where its uploader works (one directorate or one sector; the
authority for an authority-wide account; nowhere, so national users only, for a national account), so managers see
the imports of their part of the country and nobody else's. The import itself runs as a background task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q


class SourceChoice(models.TextChoices):
    AUTO = "", _("Tell from the file")
    KOBO = "kobo", _("KoboToolbox (XLSX or CSV)")
    CENTRAL = "central", _("ODK Central (CSV zip)")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def upload_path(instance: ImportJob, filename: str) -> str:
    # Never the client's name on disk: the name is kept in `file_name` for display only.
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"submission-imports/{instance.sha256[:2]}/{instance.sha256}{suffix[:6]}"


class ImportJob(models.Model):
    round = models.ForeignKey(
        "collection.Round", on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("round")
    )
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    mapping_name = models.CharField(_("mapping file name"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=SourceChoice.choices, blank=True)
    form_version = models.CharField(_("form version"), max_length=100, blank=True)
    dry_run = models.BooleanField(_("check only (dry run)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    authority = models.ForeignKey(
        "registry.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    directorate = models.ForeignKey(
        "registry.Directorate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sector = models.ForeignKey("registry.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(_("stage"), max_length=20, blank=True)  # reading, checking, writing
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    message = models.TextField(_("why it failed"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return self.file_name

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="authority", directorate="directorate", sector="sector")

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0
