"""Primary-health-care sectors: listed by directorate within the user's scope, created and renamed by the people
who manage the facility list (through rasd.registry.health_admin_services, which audits every change)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.lib.forms import StyledForm
from rasd.registry.facility_forms import add_service_errors, reason_field
from rasd.registry.health_admin_services import create_sector, update_sector
from rasd.registry.models import Directorate, Sector
from rasd.registry.selectors import sector_rows


class SectorNamesForm(StyledForm):
    name_ar = forms.CharField(label=gettext_lazy("Name (Arabic)"), max_length=200)
    name_ckb = forms.CharField(label=gettext_lazy("Name (Kurdish)"), max_length=200, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)


class NewSectorForm(SectorNamesForm):
    code = forms.SlugField(
        label=gettext_lazy("Code"), max_length=30, help_text=gettext_lazy("Latin letters, digits and hyphens.")
    )
    directorate = forms.ModelChoiceField(label=gettext_lazy("Directorate"), queryset=Directorate.objects.none())

    field_order = ["code", "directorate", "name_ar", "name_ckb", "name_en"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = scoped(user, Directorate.objects.all())  # type: ignore[attr-defined]
        self.fields["code"].widget.attrs["dir"] = "ltr"


class ChangeSectorForm(SectorNamesForm):
    reason = reason_field()


class DirectorateFilterForm(StyledForm):
    directorate = forms.ModelChoiceField(
        label=gettext_lazy("Directorate"),
        queryset=Directorate.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = scoped(user, Directorate.objects.all())  # type: ignore[attr-defined]


@requires(Perm.VIEW_REGISTRY)
@require_safe
def sector_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = DirectorateFilterForm(request.GET or None, user=request.user)
    directorate = filters.cleaned_data["directorate"] if filters.is_valid() else None
    sectors = sector_rows(request.user, directorate)
    context = {"filters": filters, "sectors": sectors, "can_manage": request.user.can(Perm.MANAGE_REGISTRY)}
    return render(request, "registry/sector_list.html", context)


@requires(Perm.MANAGE_REGISTRY)
def sector_create(request: AuthenticatedRequest) -> HttpResponse:
    form = NewSectorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sector = create_sector(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Sector %(name)s created.") % {"name": sector.name})
            return redirect("registry:sector_list")
    return render(request, "registry/sector_form.html", {"form": form, "sector": None})


@requires(Perm.MANAGE_REGISTRY)
def sector_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sector = get_scoped_or_404(request.user, Sector.objects.select_related("directorate"), pk=pk)
    initial = {"name_ar": sector.name_ar, "name_en": sector.name_en, "name_ckb": sector.name_ckb}
    form = ChangeSectorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_sector(request.user, sector, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Sector %(name)s saved.") % {"name": sector.name})
            return redirect("registry:sector_list")
    return render(request, "registry/sector_form.html", {"form": form, "sector": sector})


urlpatterns: list[URLPattern] = [
    path("sectors/", sector_list, name="sector_list"),
    path("sectors/new/", sector_create, name="sector_create"),
    path("sectors/<int:pk>/edit/", sector_edit, name="sector_edit"),
]
