"""The import pages: upload on a round, the job runs in the background (at once in tests), its page shows the
progress and the report; only users with import_data in the job's part of the country see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasd.audit.models import AuditEntry
from rasd.collection.models import RoundState
from rasd.imports.models import ImportJob, JobState
from rasd.submissions.models import RawSubmission, Source
from tests.conftest import client_for
from tests.imports.conftest import ImportWorld, kobo_row, kobo_xlsx

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


def _upload(imports: ImportWorld, content: bytes, *, dry_run: bool, **extra: object) -> Any:
    data: dict[str, object] = {"file": SimpleUploadedFile("kobo.xlsx", content), "source": "", "form_version": ""}
    if dry_run:
        data["dry_run"] = "on"
    data.update(extra)
    return client_for(imports.importer).post(f"/imports/rounds/{imports.round.pk}/", data)


def test_an_upload_runs_the_import_and_the_job_page_shows_the_counts(imports: ImportWorld) -> None:
    response = _upload(imports, kobo_xlsx([kobo_row(1), kobo_row(2)]), dry_run=False)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.state == JobState.DONE and job.report is not None
    assert (job.report["imported"], job.report["rows"]) == (2, 2)
    assert job.directorate == imports.importer.scope_directorates.get()
    assert RawSubmission.objects.filter(source=Source.IMPORT).count() == 2
    page = client_for(imports.importer).get(f"/imports/{job.pk}/").content.decode()
    assert 'data-count="imported">2<' in page
    assert "hx-trigger" not in page  # finished: the page stops asking for news
    assert "/submissions/?round=imports-2026" in page
    assert AuditEntry.objects.filter(action="imports.job_created").count() == 1


def test_a_check_with_errors_shows_them_and_writes_nothing(imports: ImportWorld) -> None:
    _upload(imports, kobo_xlsx([kobo_row(1), kobo_row(2, cells={"services/beds": "lots"})]), dry_run=True)

    job = ImportJob.objects.get()
    page = client_for(imports.importer).get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="error-table"' in page and "lots" in page
    assert 'data-testid="import-for-real"' not in page
    assert not RawSubmission.objects.exists()


def test_a_clean_check_can_then_be_imported_for_real(imports: ImportWorld) -> None:
    _upload(imports, kobo_xlsx([kobo_row(1)]), dry_run=True)
    checked = ImportJob.objects.get()
    assert checked.report is not None and checked.report["to_import"] == 1
    assert not RawSubmission.objects.exists()

    response = client_for(imports.importer).post(f"/imports/{checked.pk}/import/")

    real = ImportJob.objects.exclude(pk=checked.pk).get()
    assert response["Location"] == f"/imports/{real.pk}/"
    assert real.report is not None and real.report["imported"] == 1
    assert RawSubmission.objects.get().instance_id == "uuid:kobo-1"


def test_a_queued_job_says_a_worker_must_run_and_keeps_polling(imports: ImportWorld, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _upload(imports, kobo_xlsx([kobo_row(1)]), dry_run=True)

    job = ImportJob.objects.get()
    assert job.state == JobState.QUEUED
    status = client_for(imports.importer).get(f"/imports/{job.pk}/status/").content.decode()
    assert "rasd db_worker" in status
    assert 'hx-trigger="every 1s"' in status


def test_a_bad_mapping_file_is_refused_on_the_form(imports: ImportWorld) -> None:
    mapping = SimpleUploadedFile("mapping.json", b"{not json")
    response = _upload(imports, kobo_xlsx([kobo_row(1)]), dry_run=True, mapping=mapping)

    assert response.status_code == 200
    assert "not valid JSON" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_jobs_are_seen_only_by_importers_of_their_part_of_the_country(imports: ImportWorld) -> None:
    _upload(imports, kobo_xlsx([kobo_row(1)]), dry_run=True)
    job = ImportJob.objects.get()
    personas = imports.personas

    assert client_for(personas.najaf_manager).get(f"/imports/{job.pk}/").status_code == 404
    assert client_for(personas.national_krg).get(f"/imports/{job.pk}/").status_code == 404
    assert client_for(personas.national_fed).get(f"/imports/{job.pk}/").status_code == 200
    assert client_for(personas.basra_s1_collector).get(f"/imports/{job.pk}/").status_code == 403
    najaf_list = client_for(personas.najaf_manager).get(f"/imports/rounds/{imports.round.pk}/").content.decode()
    assert "kobo.xlsx" not in najaf_list
    basra_list = client_for(imports.importer).get(f"/imports/rounds/{imports.round.pk}/").content.decode()
    assert "kobo.xlsx" in basra_list
    assert client_for(None).get(f"/imports/{job.pk}/").status_code == 302


def test_a_job_that_cannot_run_says_why(imports: ImportWorld) -> None:
    imports.round.state = RoundState.CLEANING
    imports.round.save()
    _upload(imports, kobo_xlsx([kobo_row(1)]), dry_run=False)

    job = ImportJob.objects.get()
    assert job.state == JobState.FAILED
    page = client_for(imports.importer).get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="job-failed"' in page and "not collecting" in page
