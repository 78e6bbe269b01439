"""Web imports: a job keeps the uploaded export and runs `import_export` as a background task, writing its
progress as it goes so the job page can show it."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rasd.accounts.roles import Perm
from rasd.accounts.scoping import ScopeKind, scope_of
from rasd.audit.services import record, snapshot
from rasd.imports.columns import Mapping, parse_mapping
from rasd.imports.models import ImportJob, JobState
from rasd.imports.planning import CannotImport
from rasd.imports.services import import_export
from rasd.lib.request_context import acting_as
from rasd.registry.models import Directorate, Sector

if TYPE_CHECKING:
    from rasd.accounts.models import User
    from rasd.collection.models import Round

log = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5  # how often a running job writes its counters


def place(user: User) -> dict[str, int | None]:
    """Where a job sits: the uploader's one sector or directorate (the lowest-numbered when there are several),
    their authority, or nowhere (national users only) for a national account."""
    scope = scope_of(user)
    if scope.kind == ScopeKind.SECTORS and scope.sector_ids:
        sector = Sector.objects.select_related("directorate").get(pk=min(scope.sector_ids))
        return {
            "sector_id": sector.pk,
            "directorate_id": sector.directorate_id,
            "authority_id": sector.directorate.authority_id,
        }
    if scope.kind == ScopeKind.DIRECTORATES and scope.directorate_ids:
        directorate = Directorate.objects.get(pk=min(scope.directorate_ids))
        return {"sector_id": None, "directorate_id": directorate.pk, "authority_id": directorate.authority_id}
    if scope.kind == ScopeKind.AUTHORITY and scope.authority_ids:
        return {"sector_id": None, "directorate_id": None, "authority_id": min(scope.authority_ids)}
    return {"sector_id": None, "directorate_id": None, "authority_id": None}


def create_job(
    user: User,
    round_: Round,
    upload: UploadedFile,
    *,
    mapping_file: UploadedFile | None = None,
    source: str = "",
    form_version: str = "",
    dry_run: bool = False,
) -> ImportJob:
    """Keep the upload and queue its import. Raises CannotImport for a mapping file that cannot be used."""
    if not user.can(Perm.IMPORT_DATA):
        raise CannotImport(_("Your account may not import submissions."))
    mapping: Mapping = parse_mapping(mapping_file.read() if mapping_file is not None else None)
    hashing = hashlib.sha256()
    for chunk in upload.chunks():
        hashing.update(chunk)
    digest = hashing.hexdigest()
    upload.seek(0)
    name = Path(upload.name or "export").name[:255]
    with transaction.atomic():
        job = ImportJob(
            round=round_,
            file_name=name,
            sha256=digest,
            mapping=mapping.as_json() if mapping_file is not None else {},
            mapping_name=Path(mapping_file.name or "").name[:255] if mapping_file is not None else "",
            source=source,
            form_version=form_version,
            dry_run=dry_run,
            created_by=user,
            **place(user),
        )
        job.file.save(name, upload, save=False)
        job.save()
        record(
            "imports.job_created",
            job,
            after=snapshot(job, ["round", "file_name", "sha256", "source", "form_version", "dry_run"]),
        )
    return job


def import_for_real(user: User, checked: ImportJob) -> ImportJob:
    """Queue the real import of a file a dry run checked without errors (the same file, mapping and options)."""
    report = checked.report or {}
    if not checked.dry_run or checked.state != JobState.DONE or report.get("errors"):
        raise CannotImport(_("Only a check that finished without errors can be imported."))
    with transaction.atomic():
        job = ImportJob.objects.create(
            round=checked.round,
            file=checked.file.name,
            file_name=checked.file_name,
            sha256=checked.sha256,
            mapping=checked.mapping,
            mapping_name=checked.mapping_name,
            source=checked.source,
            form_version=checked.form_version,
            dry_run=False,
            created_by=user,
            **place(user),
        )
        record(
            "imports.job_created",
            job,
            after={
                **snapshot(job, ["round", "file_name", "sha256", "source", "form_version"]),
                "checked_by": checked.pk,
            },
        )
    return job


def run_job(job_id: int) -> None:
    """Run a queued job (the background task). A job that is not queued any more is left alone."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("round", "created_by").filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return
        job.state, job.started_at = JobState.RUNNING, timezone.now()
        job.save(update_fields=["state", "started_at"])
    last_write = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last_write
        now = time.monotonic()
        if stage == job.stage and done not in (0, total) and now - last_write < PROGRESS_EVERY_SECONDS:
            return
        last_write = now
        job.stage, job.rows_done, job.rows_total = stage, done, total
        # Counters only, outside the import's transaction when checking; while writing, the page says so instead.
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, rows_done=done, rows_total=total)

    try:
        # The report's messages in the uploader's language (the worker has no request to take one from).
        language = job.created_by.preferred_language or settings.LANGUAGE_CODE
        with acting_as(job.created_by, request_id=f"import-job-{job.pk}"), translation.override(language):
            report = import_export(
                Path(default_storage.path(job.file.name)),
                job.round,
                job.created_by,
                source=job.source,
                mapping=parse_mapping(job.mapping),
                form_version=job.form_version,
                dry_run=job.dry_run,
                file_name=job.file_name,
                progress=progress,
            )
    except CannotImport as error:
        _finish(job, JobState.FAILED, message=str(error))
        return
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, JobState.FAILED, message=_("The import stopped on an unexpected error; nothing was written."))
        raise
    _finish(job, JobState.DONE, report=report.as_json())


def _finish(job: ImportJob, state: str, *, message: str = "", report: dict[str, object] | None = None) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, message=message, report=report, finished_at=timezone.now(), stage=""
    )
