"""Moving facility lists in and out: a file import with a preview before anything is written, and downloads of
the list (current or on a past day) in the user's scope."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.lib.forms import StyledForm
from rasd.registry.exporting import (
    FORMATS,
    ExportOptions,
    csv_chunks,
    current,
    geojson_chunks,
    past_matching,
    write_xlsx,
)
from rasd.registry.facility_filters import FacilityFilterForm
from rasd.registry.importing import UnreadableFile, import_file, uploads
from rasd.registry.importing.readers import SUFFIXES, read_table
from rasd.registry.selectors import filter_facilities

MAX_UPLOAD_MB = 50
SHOWN_CHANGES = 200
SHOWN_PROBLEMS = 500


class ImportForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8), Excel (.xlsx) or GeoJSON, with one facility per row."),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For a workbook: the sheet to read. Leave empty for the first one."),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Changes take effect on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for today."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=300)

    def clean_file(self) -> Any:
        source = self.cleaned_data["file"]
        if Path(source.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Give a .csv, .xlsx or .geojson file."))
        if source.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_MB})
        return source


@requires(Perm.MANAGE_REGISTRY)
def facility_import(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = uploads.store(
            request.user,
            data["file"],
            sheet=data["sheet"].strip(),
            reason=data["reason"].strip(),
            valid_from=data["valid_from"],
        )
        try:
            read_table(upload.path, upload.sheet or None)
        except UnreadableFile as error:
            uploads.discard(upload)
            form.add_error("sheet" if upload.sheet and "sheet" in str(error) else "file", str(error))
        else:
            return redirect("registry:facility_import_preview", upload=upload.id)
    return render(request, "registry/import_upload.html", {"form": form})


def _reason(upload: uploads.Upload) -> str:
    return upload.reason or _("Imported from %(file)s") % {"file": upload.file_name}


@requires(Perm.MANAGE_REGISTRY)
def facility_import_preview(request: AuthenticatedRequest, upload: uuid.UUID) -> HttpResponse:
    found = uploads.load(request.user, upload)
    if found is None:
        raise Http404
    context: dict[str, Any] = {"upload": found}
    if found.outcome is not None:
        return render(request, "registry/import_preview.html", context)
    applying = request.method == "POST"
    try:
        result = import_file(
            found.path,
            actor=request.user,
            sheet=found.sheet or None,
            dry_run=not applying,
            valid_from=found.effective,
            reason=_reason(found),
        )
    except UnreadableFile as error:
        context["unreadable"] = str(error)
        return render(request, "registry/import_preview.html", context)
    if result.written:
        found.outcome = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        found.save()
        messages.success(request, _("The import is done."))
        return redirect("registry:facility_import_preview", upload=found.id)
    context.update(
        result=result,
        problems=result.issues[:SHOWN_PROBLEMS],
        changes=result.changes[:SHOWN_CHANGES],
        shown_changes=SHOWN_CHANGES,
        shown_problems=SHOWN_PROBLEMS,
    )
    return render(request, "registry/import_preview.html", context)


class ExportForm(StyledForm):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[(name, name.upper()) for name in FORMATS])
    lang = forms.ChoiceField(
        label=gettext_lazy("Language of the headers"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=gettext_lazy("English headers are the column names that imports use everywhere."),
    )
    as_of = forms.DateField(
        label=gettext_lazy("As it was on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for the current list."),
    )
    hxl = forms.BooleanField(label=gettext_lazy("Add a row of HXL hashtags"), required=False)

    def options(self) -> ExportOptions:
        language = self.cleaned_data["lang"] or (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return ExportOptions(format=self.cleaned_data["format"], language=language, hxl=self.cleaned_data["hxl"])


@requires(Perm.VIEW_REGISTRY)
@require_safe
def facility_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """The export form; with a format chosen, the file itself: the facilities in the user's scope that match the
    facility list's filters (the same query parameters), streamed."""
    downloading = "format" in request.GET
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    form = ExportForm(request.GET if downloading else None, initial={"format": "xlsx", "lang": language})
    filters = FacilityFilterForm(request.GET or None, user=request.user)
    if not downloading or not form.is_valid() or (filters.is_bound and not filters.is_valid()):
        context = {"form": form, "filters": filters}
        return render(request, "registry/export.html", context, status=400 if downloading else 200)
    options, day = form.options(), form.cleaned_data["as_of"]
    if day is None:
        selection = current(filter_facilities(request.user, filters.filters()))
    else:
        selection = past_matching(request.user, filters.filters(), day)
    stamp = (day or timezone.localdate()).isoformat()
    name = f"facilities-{stamp}-{options.language}.{options.format}"
    if options.format == "xlsx":
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(selection, options, handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=name)
    chunks = csv_chunks if options.format == "csv" else geojson_chunks
    content_type = "text/csv; charset=utf-8" if options.format == "csv" else "application/geo+json"
    response = StreamingHttpResponse((text.encode() for text in chunks(selection, options)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("import/", facility_import, name="facility_import"),
    path("import/<uuid:upload>/", facility_import_preview, name="facility_import_preview"),
    path("export/", facility_export, name="facility_export"),
]
