"""The one filter form of the facility list and the map (and of anything else that lists facilities)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.lib.forms import StyledForm
from rasd.registry.geo import current_boundary_set
from rasd.registry.models import AdminArea, Directorate, FacilityType, OperationalStatus, Sector
from rasd.registry.models.geography import AdminLevel
from rasd.registry.selectors import FacilityFilters
from rasd.registry.widgets import LinkedSelect

FILTER_FIELDS = ("q", "directorate", "sector", "governorate", "district", "facility_type", "status")


class PlacementFilterForm(StyledForm):
    """Directorate and sector filters limited to the user's scope, for every list of things placed in the health
    administration (facilities, submissions). Subclasses set `field_order`."""

    directorate = forms.ModelChoiceField(
        label=_("Directorate"), queryset=Directorate.objects.none(), required=False, empty_label=_("All")
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=LinkedSelect("directorate", lambda sector: sector.directorate_id),
    )

    def __init__(self, data: QueryDict | None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["directorate"].queryset = scoped(user, Directorate.objects.all())
        fields["sector"].queryset = scoped(user, Sector.objects.all())


class FacilityFilterForm(PlacementFilterForm):
    field_order = list(FILTER_FIELDS)

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "dir": "auto", "placeholder": _("Name or code")}),
    )
    governorate = forms.ModelChoiceField(
        label=_("Governorate"),
        queryset=AdminArea.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="pcode",
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=AdminArea.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="pcode",
        widget=LinkedSelect("governorate", lambda district: district.parent.pcode if district.parent else ""),
    )
    facility_type = forms.ModelChoiceField(
        label=_("Type"), queryset=FacilityType.objects.none(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *OperationalStatus.choices])

    def __init__(self, data: QueryDict | None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, user=user, **kwargs)
        fields: dict[str, Any] = self.fields
        areas = AdminArea.objects.filter(boundary_set=current_boundary_set()).defer("geometry").order_by("name_ar")
        fields["governorate"].queryset = areas.filter(level=AdminLevel.GOVERNORATE)
        fields["district"].queryset = (
            areas.filter(level=AdminLevel.DISTRICT).select_related("parent").defer("parent__geometry")
        )
        fields["facility_type"].queryset = FacilityType.objects.filter(is_active=True)

    def filters(self) -> FacilityFilters:
        """The filters chosen. One that is not valid (e.g. a directorate outside the scope) is left out; the
        page says so (see `errors`)."""
        if not self.is_bound:
            return FacilityFilters()
        self.is_valid()
        return FacilityFilters(**{name: value for name, value in self.cleaned_data.items() if name in FILTER_FIELDS})
