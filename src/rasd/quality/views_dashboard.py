"""The data-quality dashboard of a round and the download of its open issues. Thin: the numbers come from
`rasd.quality.dashboard`, the workbook from `rasd.quality.issue_export`. Like the round's progress, the pages need
view_submissions: they reveal what arrived where."""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.collect_settings import public_base
from rasd.collection.models import Round
from rasd.collection.views import round_for
from rasd.quality import dashboard, issue_export
from rasd.registry.models import Directorate
from rasd.submissions.answers import answer_language
from rasd.submissions.selectors import latest_round


def _directorate(request: AuthenticatedRequest) -> Directorate | None:
    """The directorate named by ?directorate=<pk>: 404 when it is not one the user covers."""
    value = request.GET.get("directorate", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_scoped_or_404(request.user, Directorate.objects.all(), pk=int(value))


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def dashboard_index(request: AuthenticatedRequest) -> HttpResponse:
    """The round chooser's target: the chosen round's dashboard (?round=<pk>), else the current round's."""
    chosen = request.GET.get("round", "").strip()
    if chosen:
        if not chosen.isdigit():
            raise Http404
        round_: Round | None = get_scoped_or_404(request.user, Round.objects.all(), pk=int(chosen))
    else:
        round_ = latest_round()
    if round_ is None:
        return render(request, "quality/dashboard_empty.html")
    url = reverse("quality:round_dashboard", args=[round_.pk])
    directorate = _directorate(request)
    return redirect(f"{url}?directorate={directorate.pk}" if directorate is not None else url)


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def round_dashboard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    directorate = _directorate(request)
    directorates = list(scoped(request.user, Directorate.objects.all()).order_by("code"))
    context = {
        "round": round_,
        "dashboard": dashboard.round_dashboard(request.user, round_, directorate=directorate),
        "rounds": scoped(request.user, Round.objects.all()),
        "directorates": directorates if len(directorates) > 1 else [],
    }
    return render(request, "quality/dashboard.html", context)


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def round_issues_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The open issues in scope (?directorate=<pk> for one directorate) as XLSX, in ?lang=ar|ckb|en (default: the
    page's language)."""
    round_ = round_for(request, pk)
    directorate = _directorate(request)
    language = answer_language(request.GET.get("lang"))
    issues = issue_export.open_issues(request.user, round_, directorate)
    rows = issue_export.issue_rows(request.user, issues, language, base_url=public_base(request))
    buffer = io.BytesIO()
    issue_export.write_xlsx(rows, language, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=issue_export.XLSX_CONTENT_TYPE)
    place = f"-{directorate.code}" if directorate is not None else ""
    name = f"issues-{round_.code}{place}-{timezone.localdate().isoformat()}-{language}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
