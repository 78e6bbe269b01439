"""Downloads of printed forms (PDF): blank, pre-filled for one facility, or one per facility of a directorate.

Facilities and directorates are read through the scoping function, so nobody can print a form for a facility outside
their scope (404). See docs/paper-forms.md.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.paper.render import LANGUAGE_CHOICES, paper_pdf
from rasd.questionnaires.paper.selection import printable
from rasd.registry.models import Directorate, Facility

# A batch lays out the questions once per level of care (about 5 s each for the default questionnaire) and then
# spends a fraction of a second per facility (docs/paper-forms.md, Speed): 50 forms stay within a web request's
# time. Larger directorates are printed with `rasd paper_forms --directorate`.
MAX_FORMS_PER_DOWNLOAD = 50


def _version(request: AuthenticatedRequest, pk: int, lang: str) -> QuestionnaireVersion:
    if lang not in LANGUAGE_CHOICES:
        raise Http404
    return get_scoped_or_404(request.user, QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)


def _download(pdf: bytes, version: QuestionnaireVersion, lang: str, subject: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{version.questionnaire.form_id}-{version.version}-{subject}-{lang}.pdf".replace("/", "_")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def paper_blank(request: AuthenticatedRequest, pk: int, lang: str) -> HttpResponse:
    version = _version(request, pk, lang)
    return _download(paper_pdf(version, lang, [None], request.GET.get("round", "")), version, lang, "blank")


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def paper_facility(request: AuthenticatedRequest, pk: int, lang: str, code: str) -> HttpResponse:
    version = _version(request, pk, lang)
    facility = get_scoped_or_404(
        request.user, Facility.objects.select_related("directorate", "sector", "facility_type"), code=code
    )
    pdf = paper_pdf(version, lang, [facility], request.GET.get("round", ""))
    return _download(pdf, version, lang, facility.code)


@requires(Perm.VIEW_QUESTIONNAIRES)
@require_safe
def paper_directorate(request: AuthenticatedRequest, pk: int, lang: str, directorate: int) -> HttpResponseBase:
    version = _version(request, pk, lang)
    unit = get_object_or_404(scoped(request.user, Directorate.objects.all()), pk=directorate)
    facilities: QuerySet[Facility] = printable(scoped(request.user, Facility.objects.filter(directorate=unit)))
    count = facilities.count()
    if not count:
        raise Http404
    if count > MAX_FORMS_PER_DOWNLOAD:
        message = _(
            "%(count)s facilities are too many for one download (at most %(max)s): ask for their forms to be "
            "printed with the paper_forms command."
        )
        return HttpResponseBadRequest(
            message % {"count": count, "max": MAX_FORMS_PER_DOWNLOAD}, content_type="text/plain; charset=utf-8"
        )
    pdf = paper_pdf(version, lang, list(facilities), request.GET.get("round", ""))
    return _download(pdf, version, lang, unit.code)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/paper/<str:lang>/blank.pdf", paper_blank, name="paper_blank"),
    path("<int:pk>/paper/<str:lang>/directorate/<int:directorate>.pdf", paper_directorate, name="paper_directorate"),
    path("<int:pk>/paper/<str:lang>/facility/<path:code>", paper_facility, name="paper_facility"),
]
