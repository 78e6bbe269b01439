"""Administrative areas: browse the boundaries with their population, and complete their names."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import ScopeKind, get_scoped_or_404, scope_of, scoped
from rasd.lib.forms import StyledForm, show_service_errors
from rasd.registry.geo import current_boundary_set
from rasd.registry.geography_services import rename_area
from rasd.registry.models import AdminArea, PopulationFigure
from rasd.registry.models.geography import AdminLevel


class AreaFilterForm(StyledForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    level = forms.TypedChoiceField(
        label=gettext_lazy("Level"), choices=AdminLevel.choices, coerce=int, required=False, empty_value=None
    )


class AreaNamesForm(StyledForm):
    name_ar = forms.CharField(label=gettext_lazy("Name (Arabic)"), max_length=200)
    name_ckb = forms.CharField(label=gettext_lazy("Name (Kurdish)"), max_length=200, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), max_length=300)


def _may_rename(request: AuthenticatedRequest) -> bool:
    return request.user.can(Perm.MANAGE_REGISTRY) and scope_of(request.user).kind in (
        ScopeKind.ALL,
        ScopeKind.AUTHORITY,
    )


@requires(Perm.VIEW_REGISTRY)
def area_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = AreaFilterForm(request.GET or None)
    areas = scoped(request.user, AdminArea.objects.filter(boundary_set=current_boundary_set()))
    if filters.is_valid():
        if filters.cleaned_data["level"] is not None:
            areas = areas.filter(level=filters.cleaned_data["level"])
        for term in filters.cleaned_data["q"].split():
            areas = areas.filter(
                Q(pcode__icontains=term)
                | Q(name_en__icontains=term)
                | Q(name_ar__icontains=term)
                | Q(name_ckb__icontains=term)
            )
    areas = areas.select_related("parent").prefetch_related(
        Prefetch("population_figures", queryset=PopulationFigure.objects.order_by("-year"))
    )
    page = Paginator(areas.order_by("pcode"), 50).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "may_rename": _may_rename(request)}
    return render(request, "registry/area_list.html", context)


@requires(Perm.MANAGE_REGISTRY)
def area_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = get_scoped_or_404(request.user, AdminArea.objects.all(), pk=pk)
    if not _may_rename(request):
        raise PermissionDenied
    initial = {"name_ar": area.name_ar, "name_en": area.name_en, "name_ckb": area.name_ckb}
    form = AreaNamesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rename_area(request.user, area, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Names of %(pcode)s saved.") % {"pcode": area.pcode})
            return redirect("registry:area_list")
    return render(request, "registry/area_edit.html", {"area": area, "form": form})


urlpatterns: list[URLPattern] = [
    path("areas/", area_list, name="area_list"),
    path("areas/<int:pk>/names/", area_edit, name="area_edit"),
]
