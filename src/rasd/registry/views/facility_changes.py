"""Closing, reopening, merging and splitting a facility: each its own page, each with a date and a reason.

The URL patterns are listed by views/facilities.py, before the facility's own page (see there)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404
from rasd.registry import facility_services
from rasd.registry.facility_forms import (
    CloseForm,
    MergeForm,
    NewFacilityFormSet,
    ReopenForm,
    SplitForm,
    add_service_errors,
)
from rasd.registry.models import Facility


def _facility(request: AuthenticatedRequest, code: str) -> Facility:
    return get_scoped_or_404(request.user, Facility.objects.select_related("directorate", "sector"), code=code)


def _done(request: AuthenticatedRequest, facility: Facility, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("registry:facility_detail", code=facility.code)


@requires(Perm.MANAGE_REGISTRY)
def facility_close(request: AuthenticatedRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility_services.close_facility(request.user, facility, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            return _done(request, facility, _("Facility %(code)s closed.") % {"code": facility.code})
    context = {"form": form, "facility": facility, "title": _("Close the facility"), "button": _("Close")}
    return render(request, "registry/facility_change.html", context)


@requires(Perm.MANAGE_REGISTRY)
def facility_reopen(request: AuthenticatedRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility_services.reopen_facility(request.user, facility, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            return _done(request, facility, _("Facility %(code)s is open again.") % {"code": facility.code})
    context = {"form": form, "facility": facility, "title": _("Reopen the facility"), "button": _("Reopen")}
    return render(request, "registry/facility_change.html", context)


@requires(Perm.MANAGE_REGISTRY)
def facility_merge(request: AuthenticatedRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    form = MergeForm(request.POST or None, user=request.user, keep=facility)
    if request.method == "POST" and form.is_valid():
        absorbed: Facility = form.cleaned_data["absorb_code"]
        try:
            facility_services.merge_facilities(
                request.user,
                keep=facility,
                absorb=absorbed,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            message = _("%(absorbed)s was merged into %(code)s.") % {"absorbed": absorbed.code, "code": facility.code}
            return _done(request, facility, message)
    context = {
        "form": form,
        "facility": facility,
        "title": _("Merge another facility into this one"),
        "button": _("Merge"),
    }
    return render(request, "registry/facility_change.html", context)


@requires(Perm.MANAGE_REGISTRY)
def facility_split(request: AuthenticatedRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    data = request.POST if request.method == "POST" else None
    form = SplitForm(data)
    rows = NewFacilityFormSet(data, prefix="new", form_kwargs={"user": request.user, "original": facility})
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        filled = [row for row in rows.forms if row.has_changed()]  # blank rows are left out
        try:
            created = facility_services.split_facility(
                request.user,
                facility,
                into=[(row.cleaned_data["code"].strip(), row.details()) for row in filled],
                on=form.cleaned_data["on"],
                close_original=form.cleaned_data["close_original"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(error, form, {row.cleaned_data["code"].strip(): row for row in filled})
        else:
            # Translators: separator between items of a list of names (Arabic uses "، ").
            codes = _(", ").join(new.code for new in created)
            return _done(
                request,
                facility,
                _("New facilities split from %(code)s: %(codes)s.") % {"code": facility.code, "codes": codes},
            )
    return render(request, "registry/facility_split.html", {"form": form, "rows": rows, "facility": facility})


urlpatterns: list[URLPattern] = [
    path("facilities/<path:code>/close/", facility_close, name="facility_close"),
    path("facilities/<path:code>/reopen/", facility_reopen, name="facility_reopen"),
    path("facilities/<path:code>/merge/", facility_merge, name="facility_merge"),
    path("facilities/<path:code>/split/", facility_split, name="facility_split"),
]
