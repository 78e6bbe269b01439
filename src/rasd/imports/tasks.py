"""The background task that runs a web import (a worker runs it: `rasd db_worker`)."""

from __future__ import annotations

from django_tasks import task

from rasd.imports.jobs import run_job


@task()
def run_import_job(job_id: int) -> None:
    run_job(job_id)
