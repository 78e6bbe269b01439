"""Import pages: a round's imports with the upload form, and one import's progress and report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.models import Round
from rasd.imports import jobs
from rasd.imports.columns import MappingError
from rasd.imports.forms import ImportForm
from rasd.imports.models import ImportJob, SourceChoice
from rasd.imports.planning import CannotImport
from rasd.imports.tasks import run_import_job

SHOWN_PROBLEMS = 500


@requires(Perm.IMPORT_DATA)
def round_imports(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = get_scoped_or_404(request.user, Round.objects.prefetch_related("versions"), pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = jobs.create_job(
                request.user,
                round_,
                data["file"],
                mapping_file=data["mapping"],
                source=data["source"],
                form_version=data["form_version"],
                dry_run=data["dry_run"],
            )
        except (CannotImport, MappingError) as error:
            form.add_error("mapping" if isinstance(error, MappingError) else None, str(error))
        else:
            run_import_job.enqueue(job.pk)
            return redirect("imports:job_detail", pk=job.pk)
    listed = scoped(request.user, ImportJob.objects.filter(round=round_)).select_related("created_by")[:100]
    return render(request, "imports/round_imports.html", {"round": round_, "form": form, "jobs": listed})


def _job(request: AuthenticatedRequest, pk: int) -> ImportJob:
    return get_scoped_or_404(request.user, ImportJob.objects.select_related("round", "created_by"), pk=pk)


def _status_context(request: AuthenticatedRequest, job: ImportJob) -> dict[str, object]:
    report = job.report or {}
    return {
        "job": job,
        "report": report,
        "source_label": dict(SourceChoice.choices).get(report.get("source", ""), ""),
        "errors": (report.get("errors") or [])[:SHOWN_PROBLEMS],
        "warnings": (report.get("warnings") or [])[:SHOWN_PROBLEMS],
        "shown_problems": SHOWN_PROBLEMS,
        "can_view_submissions": request.user.can(Perm.VIEW_SUBMISSIONS),
    }


@requires(Perm.IMPORT_DATA)
@require_safe
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "imports/job_detail.html", _status_context(request, job))


@requires(Perm.IMPORT_DATA)
@require_safe
def job_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The status block alone, which the job page fetches every second while the import waits or runs."""
    job = _job(request, pk)
    return render(request, "imports/_job_status.html", _status_context(request, job))


@requires(Perm.IMPORT_DATA)
@require_POST
def job_apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """After a check without errors: import the same file for real."""
    checked = _job(request, pk)
    try:
        job = jobs.import_for_real(request.user, checked)
    except CannotImport as error:
        messages.error(request, str(error))
        return redirect("imports:job_detail", pk=checked.pk)
    run_import_job.enqueue(job.pk)
    return redirect("imports:job_detail", pk=job.pk)
