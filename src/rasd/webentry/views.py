"""Browser entry pages: choose a facility, fill the form, edit a record, preview a questionnaire version.

The fill, edit and preview pages run ODK Web Forms (frontend/webforms, built into static/webforms/). They have
their own minimal template (the engine restyles the whole page) and their own Content-Security-Policy: the
engine needs WebAssembly and injects its styles. Everything else the engine fetches comes from the endpoints
below, each checked and scoped like the page that uses it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.attachments import FACILITIES, SECTORS, facilities_csv, form_attachment, sectors_csv
from rasd.collection.models import RoundState
from rasd.core.middleware import content_security_policy
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Facility
from rasd.submissions.ingest import IncomingAttachment, IngestError, IngestResult
from rasd.submissions.models import Attachment, Submission
from rasd.webentry import selectors, services
from rasd.webentry.xform import entry_xform

PAGE_SIZE = 50
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def entry_policy() -> str:
    """The site's policy, plus what ODK Web Forms needs: WebAssembly (its XPath engine), the styles it injects and
    the fonts inlined in them (data: URLs; the page itself uses the self-hosted Arabic font)."""
    extra = {"script-src": "'wasm-unsafe-eval'", "style-src": "'unsafe-inline'", "font-src": "data:"}
    directives = []
    for directive in content_security_policy(settings.MAP_TILE_URL).split("; "):
        name = directive.split(" ", 1)[0]
        directives.append(f"{directive} {extra[name]}" if name in extra else directive)
    return "; ".join(directives)


def _form_language(request: AuthenticatedRequest) -> str:
    requested = request.GET.get("lang", "")
    return requested if requested in LANGUAGE_CODES else str(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE))


def _xml(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def _csv(content: bytes | None) -> HttpResponse:
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def _messages() -> dict[str, str]:
    """The page's messages, in its language, for the script (which has no strings of its own)."""
    return {
        "sending": _("Sending…"),
        "network": _(
            "The submission could not be sent: the connection failed. Your answers are still here: press Send again."
        ),
        "failed": _("The submission could not be saved. Your answers are still here."),
        "loadFailed": _("The form could not be loaded. Reload the page to try again."),
        "openRecord": _("Open the record"),
        "newForm": _("Fill a new blank form"),
        "reasonRequired": _("Say why you are changing this submission."),
        "previewValid": _("The answers are valid. This is a preview: nothing was stored."),
    }


def _entry_page(request: AuthenticatedRequest, context: dict[str, Any], config: dict[str, Any]) -> HttpResponse:
    config.update(language=_form_language(request), csrfToken=get_token(request), messages=_messages())
    response = render(request, "webentry/form_page.html", {**context, "config": config})
    response["Content-Security-Policy"] = entry_policy()
    response["Cache-Control"] = "private, no-store"
    return response


def _language_query(request: AuthenticatedRequest) -> str:
    return f"?lang={_form_language(request)}"


# --- start page ---------------------------------------------------------------------------------------------------


@requires(Perm.SUBMIT_DATA)
@require_safe
def start(request: AuthenticatedRequest) -> HttpResponse:
    rounds = selectors.open_rounds(request.user)
    chosen = selectors.chosen_version(rounds, request.GET.get("version", ""), request.GET.get("round", ""))
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"rounds": rounds, "chosen": chosen, "q": query}
    if chosen is not None:
        facilities = selectors.facility_choices(request.user, chosen.version, query)
        context["page"] = Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webentry/start.html", context)


# --- filling a new form -------------------------------------------------------------------------------------------


@requires(Perm.SUBMIT_DATA)
@require_safe
def fill(request: AuthenticatedRequest, pk: int, facility: str) -> HttpResponse:
    version = selectors.fillable_version(request.user, pk)
    chosen = selectors.entry_facility(request.user, version, facility)
    config = {
        "mode": "fill",
        "formUrl": reverse("webentry:fill_form", args=[version.pk, chosen.code]) + _language_query(request),
        "attachmentUrl": reverse("webentry:attachment", args=[version.pk, "-"]).removesuffix("-"),
        "submitUrl": reverse("webentry:submit", args=[version.pk]),
    }
    round_ = version.rounds.filter(state=RoundState.COLLECTING).first()
    context = {"version": version, "facility": chosen, "round": round_, "mode": "fill"}
    return _entry_page(request, context, config)


@requires(Perm.SUBMIT_DATA)
@require_safe
def fill_form(request: AuthenticatedRequest, pk: int, facility: str) -> HttpResponse:
    version = selectors.fillable_version(request.user, pk)
    chosen = selectors.entry_facility(request.user, version, facility)
    answers = selectors.prefilled_answers(version, chosen)
    return _xml(entry_xform(version.xform, _form_language(request), answers))


@requires(Perm.SUBMIT_DATA)
@require_safe
def attachment(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    version = selectors.fillable_version(request.user, pk)
    return _csv(form_attachment(request.user, version, name))


def _sent(request: AuthenticatedRequest) -> services.Sent:
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        raise services.EntryRefused(_("The form sent no answers."))
    attachments = [
        IncomingAttachment(file.name or name, file.content_type or "application/octet-stream", file.read())
        for name in request.FILES
        if name != "xml_submission_file"
        for file in request.FILES.getlist(name)
    ]
    return services.Sent(upload.read(), attachments, request.headers.get("User-Agent", ""))


def _result(result: IngestResult) -> JsonResponse:
    submission = result.submission
    if submission is None:
        message = _("The submission was received. It will appear in the list once it has been processed.")
        return JsonResponse({"ok": True, "outcome": result.outcome, "message": message, "record_url": ""})
    if result.outcome == "edited" and result.version is not None:
        message = _("Saved as version %(number)s of the submission.") % {"number": result.version.number}
    elif result.outcome in ("duplicate", "completed"):
        message = _("This submission had already been received.")
    else:
        message = _("The submission was received.")
    if submission.quarantine_reason:
        message += " " + _("It is in quarantine: %(reason)s.") % {"reason": submission.get_quarantine_reason_display()}
    record_url = reverse("submissions:submission_detail", args=[submission.pk])
    return JsonResponse(
        {
            "ok": True,
            "outcome": result.outcome,
            "message": message,
            "record_url": record_url,
            "version": result.version.number if result.version else None,
        }
    )


def _refused(message: str, status: int, field: str = "") -> JsonResponse:
    return JsonResponse({"ok": False, "message": message, "field": field}, status=status)


@requires(Perm.SUBMIT_DATA)
@require_POST
def submit(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    selectors.fillable_version(request.user, pk)
    try:
        return _result(services.submit_new(request.user, _sent(request)))
    except services.EntryRefused as refusal:
        return _refused(refusal.message, refusal.status, refusal.field)
    except IngestError as error:
        return _refused(str(error.message), error.status)


# --- editing a record ---------------------------------------------------------------------------------------------


@requires(Perm.VIEW_SUBMISSIONS)
@requires(Perm.SUBMIT_DATA)
@require_safe
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_for_edit(request.user, pk)
    refusal = services.edit_refusal(submission)
    if refusal:
        return render(request, "webentry/refused.html", {"submission": submission, "message": refusal}, status=409)
    current = submission.current_version
    assert current is not None  # edit_refusal() refuses records without a version
    files = _record_files(submission)
    config = {
        "mode": "edit",
        "formUrl": reverse("webentry:edit_form", args=[submission.pk]) + _language_query(request),
        "attachmentUrl": reverse("webentry:edit_attachment", args=[submission.pk, "-"]).removesuffix("-"),
        "instanceUrl": reverse("webentry:edit_instance", args=[submission.pk]),
        "instanceAttachments": [
            {"name": name, "url": reverse("submissions:attachment_download", args=[submission.pk, file.pk])}
            for name, file in files.items()
        ],
        "submitUrl": reverse("webentry:edit_submit", args=[submission.pk]),
    }
    context = {
        "submission": submission,
        "version": current.questionnaire_version,
        "facility": submission.facility,
        "round": submission.round,
        "mode": "edit",
        "current": current,
    }
    return _entry_page(request, context, config)


def _record_files(submission: Submission) -> dict[str, Attachment]:
    """The files sent with the record's versions, by name (a later file of the same name wins)."""
    files = Attachment.objects.filter(raw__version__submission=submission).order_by("received_at", "pk")
    return {file.name: file for file in files}


def _editable(request: AuthenticatedRequest, pk: int) -> Submission:
    submission = selectors.submission_for_edit(request.user, pk)
    if services.edit_refusal(submission):
        raise Http404
    return submission


@requires(Perm.VIEW_SUBMISSIONS)
@requires(Perm.SUBMIT_DATA)
@require_safe
def edit_form(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = _editable(request, pk)
    assert submission.current_version is not None
    return _xml(entry_xform(submission.current_version.questionnaire_version.xform, _form_language(request)))


@requires(Perm.VIEW_SUBMISSIONS)
@requires(Perm.SUBMIT_DATA)
@require_safe
def edit_instance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The current version's XML exactly as it was received: the engine's edit mode starts from it."""
    submission = _editable(request, pk)
    assert submission.current_version is not None
    return _xml(submission.current_version.raw.xml)


@requires(Perm.VIEW_SUBMISSIONS)
@requires(Perm.SUBMIT_DATA)
@require_safe
def edit_attachment(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    submission = _editable(request, pk)
    facilities = selectors.edit_facilities(request.user, submission)
    if name == FACILITIES:
        return _csv(facilities_csv(facilities))
    if name == SECTORS:
        return _csv(sectors_csv(request.user, facilities))
    raise Http404


@requires(Perm.VIEW_SUBMISSIONS)
@requires(Perm.SUBMIT_DATA)
@require_POST
def edit_submit(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    submission = selectors.submission_for_edit(request.user, pk)
    try:
        sent = _sent(request)
        return _result(services.submit_edit(request.user, submission, sent, request.POST.get("reason", "")))
    except services.EntryRefused as refusal:
        return _refused(refusal.message, refusal.status, refusal.field)
    except IngestError as error:
        return _refused(str(error.message), error.status)


# --- previewing a questionnaire version ---------------------------------------------------------------------------


def _any_version(request: AuthenticatedRequest, pk: int) -> QuestionnaireVersion:
    return get_scoped_or_404(request.user, QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = _any_version(request, pk)
    config = {
        "mode": "preview",
        "formUrl": reverse("webentry:preview_form", args=[version.pk]) + _language_query(request),
        "attachmentUrl": reverse("webentry:preview_attachment", args=[version.pk, "-"]).removesuffix("-"),
    }
    return _entry_page(request, {"version": version, "mode": "preview"}, config)


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def preview_form(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = _any_version(request, pk)
    return _xml(entry_xform(version.xform, _form_language(request)))


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def preview_attachment(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    """The facilities in the user's scope (whatever the rounds), so any version can be tried out."""
    _any_version(request, pk)
    facilities = scoped(request.user, Facility.objects.all())
    if name == FACILITIES:
        return _csv(facilities_csv(facilities))
    if name == SECTORS:
        return _csv(sectors_csv(request.user, facilities))
    raise Http404
