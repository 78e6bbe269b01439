"""Submission pages: a round's records in the user's scope (with a download), one record with its answers, version
history and diffs, and the downloads of a version's raw XML and of the attachments. See docs/submissions.md."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.collection.models import Round
from rasd.registry.boundary_layers import basemap
from rasd.submissions import selectors
from rasd.submissions.answers import LANGUAGES, Catalogue, answer_language, present
from rasd.submissions.exporting import FORMATS, chunks
from rasd.submissions.forms import SubmissionFilterForm

PAGE_SIZE = 50


def _round(request: AuthenticatedRequest) -> Round | None:
    return selectors.round_named(request.user, request.GET.get("round", ""))


def _query(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def submission_list(request: AuthenticatedRequest) -> HttpResponse:
    round_ = _round(request)
    filters = SubmissionFilterForm(
        request.GET or None, user=request.user, round=round_, initial={"round": round_.code if round_ else None}
    )
    context: dict[str, object] = {"round": round_, "filters": filters, "query": _query(request, "page")}
    if round_ is not None:
        records = selectors.round_submissions(request.user, round_)
        matching = selectors.filter_submissions(records, filters.filters())
        context["counts"] = selectors.counts(records, request.user)
        context["page"] = Paginator(selectors.list_rows(matching), PAGE_SIZE).get_page(request.GET.get("page"))
        context["export_query"] = _query(request, "page", "round")
    return render(request, "submissions/submission_list.html", context)


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def submission_export(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    """The list's records (the user's scope, the same filters) as CSV (default) or JSON, streamed."""
    round_ = _round(request)
    if round_ is None:
        raise Http404
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponse(status=400)
    filters = SubmissionFilterForm(request.GET, user=request.user, round=round_)
    records = selectors.filter_submissions(selectors.round_submissions(request.user, round_), filters.filters())
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(
        (text.encode() for text in chunks(fmt, round_, records)), content_type=content_type
    )
    name = f"submissions-{round_.code}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def submission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_in_scope(request.user, pk)
    language = answer_language(request.GET.get("lang"))
    show_all = request.GET.get("all") == "1"
    current = submission.current_version
    history = selectors.history(submission, language)
    groups = []
    if current is not None:
        # Labels of the version the record was filled in, then of the other versions (older answers still named).
        older = [entry.version.questionnaire_version for entry in history]
        catalogue = Catalogue.of(current.questionnaire_version, *older)
        groups = present(current.answers, catalogue, language, show_all=show_all)
    context = {
        "submission": submission,
        "current": current,
        "groups": groups,
        "history": history,
        "attachments": history[0].attachments if history else [],
        "language": language,
        "answer_languages": [(code, name) for code, name in settings.LANGUAGES if code in LANGUAGES],
        "show_all": show_all,
        "basemap": basemap(),
        "can_see_facility": request.user.can(Perm.VIEW_REGISTRY),
    }
    return render(request, "submissions/submission_detail.html", context)


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def version_xml(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """The XML of one version exactly as it was received (decompressed, byte for byte)."""
    submission = selectors.submission_in_scope(request.user, pk)
    version = selectors.version_of(submission, number)
    response = HttpResponse(version.raw.xml, content_type="text/xml")
    name = f"{version.instance_id.replace(':', '-')}.xml"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@requires(Perm.VIEW_SUBMISSIONS)
@require_safe
def attachment_download(request: AuthenticatedRequest, pk: int, attachment: int) -> FileResponse:
    """A file sent with the record. Always as a download (never shown inline: a phone may send any content), under
    the name the phone gave it (RFC 5987 filename* for non-ASCII names)."""
    submission = selectors.submission_in_scope(request.user, pk)
    found = selectors.attachment_of(submission, attachment)
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
