"""The facility list, one facility's page, and creating and changing facilities (all within the user's scope).

This module also owns the URL patterns of every page about one facility, so that their order is right: a code may
contain "/", so the page of a facility must come after the pages below it (…/edit/, …/close/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404
from rasd.registry import facility_services, facility_story
from rasd.registry.boundary_layers import basemap
from rasd.registry.facility_filters import FacilityFilterForm
from rasd.registry.facility_forms import FacilityForm, add_service_errors
from rasd.registry.models import Facility
from rasd.registry.selectors import district_of, facility_rows, filter_facilities, with_areas
from rasd.registry.views import facility_changes

PAGE_SIZE = 50


def is_partial(request: HttpRequest) -> bool:
    """An htmx request for part of the page (not a history restore, which needs the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires(Perm.VIEW_REGISTRY)
@require_safe
def facility_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = FacilityFilterForm(request.GET or None, user=request.user)
    facilities = facility_rows(filter_facilities(request.user, filters.filters()))
    context = {
        "filters": filters,
        "page": Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "can_manage": request.user.can(Perm.MANAGE_REGISTRY),
    }
    template = "registry/_facility_rows.html" if is_partial(request) else "registry/facility_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def facility_in_scope(request: AuthenticatedRequest, code: str) -> Facility:
    related = Facility.objects.select_related("facility_type", "directorate__authority", "sector", "managing_authority")
    return get_scoped_or_404(request.user, with_areas(related, 3), code=code)


@requires(Perm.VIEW_REGISTRY)
@require_safe
def facility_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    facility = facility_in_scope(request, code)
    context = {
        "facility": facility,
        "lineage": facility_story.lineage(facility.admin_area),
        "district": district_of(facility.admin_area),
        "related": facility_story.related(request.user, facility),
        "history": facility_story.history(request.user, facility),
        "basemap": basemap(),
        "can_manage": request.user.can(Perm.MANAGE_REGISTRY),
    }
    return render(request, "registry/facility_detail.html", context)


@requires(Perm.MANAGE_REGISTRY)
def facility_create(request: AuthenticatedRequest) -> HttpResponse:
    form = FacilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = facility_services.create_facility(
                request.user,
                form.cleaned_data["code"].strip(),
                form.details(),
                valid_from=form.cleaned_data["valid_from"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Facility %(code)s created.") % {"code": facility.code})
            return redirect("registry:facility_detail", code=facility.code)
    return render(request, "registry/facility_form.html", {"form": form, "facility": None})


@requires(Perm.MANAGE_REGISTRY)
def facility_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    facility = facility_in_scope(request, code)
    form = FacilityForm(request.POST or None, user=request.user, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            changed = facility_services.update_facility(
                request.user,
                facility,
                form.details(),
                reason=form.cleaned_data["reason"],
                valid_from=form.cleaned_data["valid_from"],
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            if changed:
                messages.success(request, _("Facility %(code)s saved.") % {"code": facility.code})
            else:
                messages.info(request, _("Nothing was changed, so no new version was stored."))
            return redirect("registry:facility_detail", code=facility.code)
    return render(request, "registry/facility_form.html", {"form": form, "facility": facility})


urlpatterns: list[URLPattern] = [
    path("facilities/", facility_list, name="facility_list"),
    path("facilities/new/", facility_create, name="facility_create"),
    path("facilities/<path:code>/edit/", facility_edit, name="facility_edit"),
    *facility_changes.urlpatterns,
    path("facilities/<path:code>/", facility_detail, name="facility_detail"),
]
