"""Questionnaire pages: the list, upload, one version (its fields, publish and retire, downloads) and the diff."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.questionnaires import services
from rasd.questionnaires.diff import diff_versions
from rasd.questionnaires.forms import DiffForm, FieldFilterForm, StateChangeForm, UploadForm
from rasd.questionnaires.models import Questionnaire, QuestionnaireField, QuestionnaireVersion
from rasd.questionnaires.selectors import questionnaires_with_versions
from rasd.questionnaires.semantic_roles import missing_required_roles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version(request: AuthenticatedRequest, pk: int) -> QuestionnaireVersion:
    return get_scoped_or_404(request.user, QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def questionnaire_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "questionnaires": scoped(request.user, questionnaires_with_versions()),
        "can_manage": request.user.can(Perm.MANAGE_QUESTIONNAIRES),
    }
    return render(request, "questionnaires/questionnaire_list.html", context)


@requires(Perm.MANAGE_QUESTIONNAIRES)
def version_upload(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["file"]
        try:
            version = services.import_xlsform(
                request.user, source.read(), filename=source.name, publish=form.cleaned_data["publish"]
            )
        except services.XLSFormError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Version %(version)s of %(form_id)s stored.")
                % {
                    "version": version.version,
                    "form_id": version.questionnaire.form_id,
                },
            )
            return redirect("questionnaires:version_detail", pk=version.pk)
    return render(request, "questionnaires/version_upload.html", {"form": form, "problems": problems})


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def version_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    fields = list(version.fields.order_by("position"))
    roles = [field.role for field in fields if field.role]
    filters = FieldFilterForm(request.GET or None, roles=roles)
    shown = _filter_fields(fields, filters)
    context = {
        "version": version,
        "fields": shown,
        "field_count": len(fields),
        "filters": filters,
        "missing_roles": missing_required_roles(roles),
        "can_manage": request.user.can(Perm.MANAGE_QUESTIONNAIRES),
        "state_form": StateChangeForm(),
        "other_versions": version.questionnaire.versions.exclude(pk=version.pk),
    }
    if request.headers.get("HX-Request"):
        return render(request, "questionnaires/_field_rows.html", context)
    return render(request, "questionnaires/version_detail.html", context)


def _filter_fields(fields: list[QuestionnaireField], filters: FieldFilterForm) -> list[QuestionnaireField]:
    if not filters.is_valid():
        return fields
    query = filters.cleaned_data["q"].strip().casefold()
    role = filters.cleaned_data["role"]
    if role == "*":
        fields = [field for field in fields if field.role]
    elif role == "-":
        fields = [field for field in fields if not field.role]
    elif role:
        fields = [field for field in fields if field.role.split(":")[0] == role]
    if query:
        fields = [
            field
            for field in fields
            if query in field.path.casefold()
            or query in field.role.casefold()
            or any(query in label.casefold() for label in field.labels.values())
        ]
    return fields


def _change_state(request: AuthenticatedRequest, pk: int, publish: bool) -> HttpResponse:
    version = _version(request, pk)
    form = StateChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation and say why."))
        return redirect("questionnaires:version_detail", pk=version.pk)
    change = services.publish_version if publish else services.retire_version
    try:
        change(request.user, version, reason=form.cleaned_data["reason"])
    except services.VersionStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Version published.") if publish else _("Version retired."))
    return redirect("questionnaires:version_detail", pk=version.pk)


@requires(Perm.MANAGE_QUESTIONNAIRES)
@require_POST
def version_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _change_state(request, pk, publish=True)


@requires(Perm.MANAGE_QUESTIONNAIRES)
@require_POST
def version_retire(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _change_state(request, pk, publish=False)


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def version_xlsform(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    return _attachment(bytes(version.xlsform), XLSX, version.xlsform_name or "form.xlsx")


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def version_xform(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    filename = f"{version.questionnaire.form_id}-{version.version}.xml"
    return _attachment(version.xform.encode("utf-8"), "text/xml; charset=utf-8", filename)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def questionnaire_diff(request: AuthenticatedRequest, form_id: str) -> HttpResponse:
    questionnaire = get_scoped_or_404(request.user, Questionnaire.objects.all(), form_id=form_id)
    form = DiffForm(request.GET or None, questionnaire=questionnaire)
    diff = diff_versions(form.cleaned_data["old"], form.cleaned_data["new"]) if form.is_valid() else None
    context = {"questionnaire": questionnaire, "form": form, "diff": diff}
    return render(request, "questionnaires/questionnaire_diff.html", context)
